"""Whose key signs what: the keys the log registers and revokes, under the account rules replay applies.

A key registration or revocation (and every other account change of
``chain.ACCOUNT_ACTIONS``) counts only when its entry is intact, signed with
its author's registered key, without a case, and made by someone replay
(``casedesk.custody.projection``) finds allowed to manage accounts at that
point: an administrator whose account is active and confirmed. The account
state comes from replaying the account entries themselves, confirmations
included, so the two-person rules hold here as they do in replay: an
administrator whose promotion to admin, re-enabling or account creation awaits
a second administrator's confirmation registers and revokes no key (an
insider's key made for someone else signs nothing of theirs, and their
revocation locks nobody out).

One rule for every layer that reads keys from the log in CaseDesk: ``build_registry`` (rows of the store: verify,
sign-in, export, the unit) and ``reports.bundle_log`` (lines of a custody export) both go through ``KeyBook``.
``tools/verify_custody.py`` and the browser verifier, which must stand alone, re-implement it as
docs/custody-encoding.md ("Whose key signs what") states it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from casedesk.custody import chain, encoding
from casedesk.custody.chain import Problem, Registry
from casedesk.custody.projection import Entry, Projection, named_by_key_check

REGISTRY_ACTIONS = chain.REGISTRY_ACTIONS


class KeyBook:
    """Fills ``registry`` from the log's account entries, given in log order (after the genesis entry, each only
    once its caller has found it intact and signed with the key the registry holds for its author so far)."""

    def __init__(self, registry: Registry, genesis_seq: int, genesis_actor: str, genesis_key: str) -> None:
        self.registry = registry
        self.genesis_actor = genesis_actor
        registry.genesis_seq = genesis_seq
        registry.keys[genesis_actor] = [(0, genesis_key)]
        self.state = Projection()  # the account state replay derives, from these entries alone

    def genesis(self, e: Entry) -> None:
        """An entry up to the genesis key registration by its author (the first administrator's own account)."""
        if e.actor == self.genesis_actor:
            self.state.apply(e)

    def account(self, e: Entry) -> list[tuple[int, Problem]]:
        """An intact, correctly signed entry of ``REGISTRY_ACTIONS`` without a case, after the genesis: what it
        does to the keys if its author may manage accounts at this point; the problems the key check names."""
        not_admin = [(chain.RANK_AUTHORITY,
                      Problem(e.seq, None, chain.MSG_NOT_ADMIN.format(action=e.action, actor=e.actor)))]
        if not self.state.users and e.actor != self.genesis_actor:
            return not_admin  # no account of the first administrator's in the log (replay judges nobody): only
            # they count
        message = self.state.apply(e)
        if message is not None:
            # Replay names the others (an account disabled, or awaiting confirmation; a confirmation).
            return not_admin if named_by_key_check(e.action, e.case, message) else []
        registry, seq = self.registry, e.seq
        if e.action == chain.KEY_REGISTERED:
            reg = registration(e.data)
            if reg is None:
                return [(chain.RANK_AUTHORITY, Problem(seq, None, chain.MSG_BAD_REGISTRATION))]
            registry.keys.setdefault(reg[0], []).append((seq, reg[1]))
        elif e.action == chain.KEY_REVOKED:
            reg = registration(e.data)
            if reg is None:
                return [(chain.RANK_AUTHORITY, Problem(seq, None, chain.MSG_BAD_REVOCATION))]
            registry.revoked.setdefault(reg[0], {}).setdefault(reg[1], seq)
            if registry.key_for(reg[0], seq + 1) == reg[1]:
                registry.keys[reg[0]].append((seq, ""))
        return []

    def finish(self) -> Registry:
        """The registry, with the accounts the log leaves disabled (a re-enabling awaiting confirmation included)."""
        self.registry.disabled = {name for name, fact in self.state.users.items() if fact.disabled}
        return self.registry


def registration(data: Any) -> tuple[str, str] | None:
    """(user, public key) of a key registration's or revocation's ``data``, if well formed."""
    if not isinstance(data, dict):
        return None
    user, key = data.get("user"), data.get("public_key")
    if isinstance(user, str) and user and isinstance(key, str) and chain.HEX64_RE.match(key):
        return user, key
    return None


def build_registry(rows: Iterable[Sequence[Any]]) -> tuple[Registry, list[tuple[int, Problem]]]:
    """Keys and administrators from the genesis entries and the account entries, in log order.

    ``rows`` (``encoding.ROW_COLUMNS`` order, sequence order) must hold every entry up to the first key
    registration and every entry whose action is in ``REGISTRY_ACTIONS``. Only entries without a case count as
    account entries. An account change counts only when its entry is intact, correctly signed and made by an
    administrator whose account is active and confirmed (``KeyBook``); one that is not is ignored, and reported
    when its author's role may not manage accounts (a broken hash or signature is the chain check's to report, a
    disabled or unconfirmed account replay's).
    """
    rows = list(rows)
    registry = Registry()
    problems: list[tuple[int, Problem]] = []
    genesis = next((r for r in rows if r[7] == chain.KEY_REGISTERED and r[8] is None), None)
    if genesis is None:
        problems.append((chain.RANK_AUTHORITY, Problem(None, None, chain.MSG_NO_GENESIS)))
        return registry, problems
    gseq, gactor = genesis[0], genesis[5]
    try:
        reg = registration(encoding.parse_data(genesis[17])) if genesis[17].__class__ is str else None
    except encoding.EncodingError:
        reg = None
    if reg is None or reg[0] != gactor:
        registry.genesis_seq = gseq
        problems.append((chain.RANK_AUTHORITY, Problem(gseq, None, chain.MSG_GENESIS_SELF)))
        return registry, problems
    book = KeyBook(registry, gseq, gactor, reg[1])
    for row in rows:
        seq, actor, action = row[0], row[5], row[7]
        if seq <= gseq:
            if actor != gactor:
                problems.append((chain.RANK_AUTHORITY, Problem(seq, None,
                                                               chain.MSG_BEFORE_GENESIS.format(actor=actor))))
            else:
                book.genesis(Entry.from_row(row))
            continue
        if action not in REGISTRY_ACTIONS or row[8] is not None or not chain.authentic(row, registry):
            continue
        problems += book.account(Entry.from_row(row))
    return book.finish(), problems
