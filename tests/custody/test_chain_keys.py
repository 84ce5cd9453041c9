"""The chain check reuses an actor's key from one entry to the next only while no registration or revocation
of that actor comes between: every entry is judged by the key the log establishes at its own position."""

from __future__ import annotations

import random

from casedesk.custody.chain import Registry


def _registry(rng: random.Random) -> Registry:
    reg = Registry()
    for actor in ("jsmith", "bpatel", "sgt"):
        after = 0
        regs = []
        for i in range(rng.randint(0, 4)):
            after += rng.randint(1, 40)
            regs.append((after, "" if rng.random() < 0.3 else f"{actor}-key-{i}"))  # "": revoked, no key
        if regs:
            reg.keys[actor] = regs
    return reg


def test_the_reused_key_span_never_crosses_a_registration_or_revocation() -> None:
    rng = random.Random(20261124)
    for _ in range(40):
        reg = _registry(rng)
        for actor in ("jsmith", "bpatel", "sgt", "nobody"):
            for seq in range(1, 120):
                low, high = reg.valid_span(actor, seq)
                assert low < seq < high or (low, high) == (0, 0)
                for n in range(max(1, low + 1), min(high, 130)):
                    assert reg.key_for(actor, n) == reg.key_for(actor, seq), (actor, seq, n, reg.keys.get(actor))
