"""An edited export is refused by the stand-alone verifier, even with the head a prosecutor holds.

The attacker here is the strongest the export format faces: the officer who
made the export, holding their own signing key, edits the file and signs it
again as themselves. What gives them away is what the file must prove on its
own: each header-only line's case commitment, the heads kept outside the
database, and every exhibit line replayed from the case's entries.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from casedesk.custody import encoding
from casedesk.custody import export as export_mod
from casedesk.custody.signing import Signer
from casedesk.services.custody import Custody
from tests.custody.conftest import CaseStore
from tests.helpers.custody import export, signing_seed, tool
from tests.helpers.store import CASE

WITHHELD = f"shown header-only, but its case commitment shows it is an entry of case {CASE}: the export withholds it"
NO_OUTSIDE_HEAD = ("the export records no log head kept outside the database, so entries cut off the end "
                   "would go unnoticed")
HEADER_NAMES = [name for name, _ in encoding.HEADER_FIELDS]
BODY_NAMES = [name for name, _ in encoding.BODY_FIELDS]


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("ascii").splitlines()]


def write(path: Path, lines: list[dict[str, Any]], seed: bytes | None) -> Path:
    """The lines as CaseDesk writes them; with ``seed``, the last line re-signed with that key (the editor's own)."""
    def encoded(obj: dict[str, Any]) -> str:
        return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"

    trailer = dict(lines[-1])
    body = "".join(encoded(x) for x in lines[:-1])
    sign = getattr(export_mod, "signing_message", None)
    if seed is not None and sign is not None and "signature" in trailer:
        import hashlib

        trailer["lines_sha256"] = hashlib.sha256(body.encode("ascii")).hexdigest()
        trailer["signature"] = Signer(seed).sign(sign(trailer)).hex()
    path.write_text(body + encoded(trailer), "ascii")
    return path


def redact(line: dict[str, Any]) -> dict[str, Any]:
    """A full entry line turned into a header-only line, exactly as the export writes another case's entry."""
    out = {k: v for k, v in line.items() if k not in BODY_NAMES}
    out["type"] = "redacted"
    out["body_hash"] = encoding.body_hash(encoding.body_bytes(*(line[n] for n in BODY_NAMES)))
    return out


def head_of(lines: list[dict[str, Any]], seq: int) -> str:
    """``SEQ:HASH`` of an entry, as a bundle prints the head a prosecutor is given."""
    entry = next(x for x in lines if x.get("seq") == seq and x["type"] in ("entry", "redacted"))
    return f"{seq}:{entry['hash']}"


def problems_of(result: dict[str, Any]) -> list[tuple[Any, Any, str]]:
    return [(p["seq"], p["exhibit"], p["message"]) for p in result["problems"]]


def _hide(cs: CaseStore, tmp_path: Path, seq: int, capsys: Any, monkeypatch: Any) -> tuple[int, dict[str, Any]]:
    path = export(capsys, monkeypatch, cs.store, tmp_path / "log.jsonl")
    lines = read(path)
    head = head_of(lines, lines[-1]["head"]["seq"])
    edited = [redact(x) if x.get("seq") == seq and x["type"] == "entry" else x for x in lines]
    assert edited != lines
    edited[-1]["redacted"] += 1
    out = write(tmp_path / "edited.jsonl", edited, signing_seed(cs.store, "jsmith"))
    return tool(out, "--expect-head", head)


def test_a_cases_own_transfer_passed_off_as_another_cases_is_refused(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    n = cs.seqs["transfer JAS/1"]
    code, result = _hide(cs, tmp_path, n, capsys, monkeypatch)
    assert code == 1 and not result["ok"]
    assert (n, None, WITHHELD) in problems_of(result)


def test_a_supervisors_query_passed_off_as_another_cases_is_refused(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    s = cs.store.sign_in("sgt")
    try:
        query = Custody(s).review(CASE, "query", "Who signed for JAS/1 at the property store?").seq
    finally:
        s.close()
    code, result = _hide(cs, tmp_path, query, capsys, monkeypatch)
    assert code == 1
    assert (query, None, WITHHELD) in problems_of(result)


def test_an_export_cut_short_with_its_outside_heads_removed_is_refused(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    """The prosecutor holds a head from before the query; the query and everything after it are cut away."""
    s = cs.store.sign_in("sgt")
    try:
        query = Custody(s).review(CASE, "query", "The seal number on JAS/2 differs from the MG15").seq
    finally:
        s.close()
    path = export(capsys, monkeypatch, cs.store, tmp_path / "log.jsonl")
    lines = read(path)
    earlier_head = head_of(lines, query - 1)
    kept = [x for x in lines if x["type"] not in ("entry", "redacted") or x["seq"] < query]
    trailer = kept[-1]
    trailer.update(entries=query - 1, head={"seq": query - 1, "hash": earlier_head.split(":")[1]})
    trailer["redacted"] = sum(1 for x in kept if x["type"] == "redacted")
    for holder in (kept[0], trailer):  # wherever the export keeps them
        holder.pop("outside_heads", None)
        holder.pop("outside_head_problems", None)
    code, result = tool(write(tmp_path / "cut.jsonl", kept, signing_seed(cs.store, "jsmith")),
                        "--expect-head", earlier_head)
    assert code == 1
    assert (None, None, NO_OUTSIDE_HEAD) in problems_of(result)
    # Removed by someone who holds no registered key: the signature gives it away as well.
    code, result = tool(write(tmp_path / "cut-unsigned.jsonl", kept, None), "--expect-head", earlier_head)
    assert code == 1
    assert [m for _, _, m in problems_of(result)][:1] == [
        "the export's last line is not signed with the key registered for jsmith: the file was changed after it "
        "was written"]


def test_edited_exhibit_lines_are_replayed_from_the_log_and_refused(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    path = export(capsys, monkeypatch, cs.store, tmp_path / "log.jsonl")
    lines = read(path)
    for line in lines:
        if line.get("type") == "exhibit" and line["exhibit"] == "JAS/1":
            line["custodian"] = "bpatel"
            line["status"] = "withdrawn"
        elif line.get("type") == "exhibit" and line["exhibit"] == "JAS/2":
            line["location"] = "Returned to the suspect"
    code, result = tool(write(tmp_path / "edited.jsonl", lines, signing_seed(cs.store, "jsmith")),
                        "--expect-head", head_of(lines, lines[-1]["head"]["seq"]))
    assert code == 1
    assert problems_of(result) == [
        (None, "JAS/1", "the register's status is 'withdrawn' but the custody log says 'active'"),
        (None, "JAS/1", "the register's custodian is 'bpatel' but the custody log says "
                        "'Property store, Charing Cross, locker 14'"),
        (None, "JAS/2", "the register's location is 'Returned to the suspect' but the custody log says "
                        "'CaseDesk vault'"),
    ]
    assert all(p["case"] == CASE for p in result["problems"])


def test_the_same_edits_in_the_register_itself_are_named_by_both_verifiers(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    """An insider edits the exhibits table with SQL: verify and the export's verifier name the same fields."""
    from tests.helpers.custody import attacker, both

    with attacker(cs.store, cs.key) as db:
        db.execute("UPDATE exhibits SET custodian = 'bpatel', sensitive = 1 WHERE reference = 'JAS/1'")
    problems = both(capsys, monkeypatch, cs.store, tmp_path)
    assert [(p["seq"], p["exhibit"], p["message"]) for p in problems] == [
        (None, "JAS/1", "the register's sensitive is true but the custody log says false"),
        (None, "JAS/1", "the register's custodian is 'bpatel' but the custody log says "
                        "'Property store, Charing Cross, locker 14'"),
    ]


def test_a_case_export_relabelled_as_the_whole_installation_is_refused(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    """Without a case there is no salt to check against: but then no line may be header-only at all."""
    path = export(capsys, monkeypatch, cs.store, tmp_path / "log.jsonl")
    lines = read(path)
    n = cs.seqs["transfer JAS/1"]
    edited = [redact(x) if x.get("seq") == n and x["type"] == "entry" else x for x in lines]
    edited[0]["scope"] = None
    edited[0].pop("case_salt", None)
    edited[-1]["redacted"] += 1
    code, result = tool(write(tmp_path / "edited.jsonl", edited, signing_seed(cs.store, "jsmith")))
    assert code == 1
    assert (n, None, "shown header-only in an export of the whole installation, which shows every entry in full") \
        in problems_of(result)
