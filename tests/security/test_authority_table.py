"""The authority table (``roles.ACTION_RULES``), used both to refuse an action and to flag an entry in the
log, says what the README's "Who may do what" says: each README row's cells are derived from the table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from casedesk.custody import statement
from casedesk.security.roles import ACTION_RULES, authority_problem

CASE, EXHIBIT = "MPS-1", "JAS/1"


@dataclass
class World:
    """A case whose officer in charge is ``oic``; ``member`` is a member; the exhibit is held by ``holder``."""

    roles: dict[str, str] = field(default_factory=lambda: {
        "oic": "detective", "member": "detective", "outsider": "detective", "sgt": "supervisor", "admin": "admin"})
    holder: str = "member"
    open: bool = True
    handed: bool = False  # the case was handed over to another installation (then it is not open either)

    def role(self, user: str) -> str | None:
        return self.roles.get(user)

    def disabled(self, user: str) -> bool:
        return False

    def case_exists(self, case: str) -> bool:
        return case == CASE

    def case_open(self, case: str) -> bool:
        return self.open

    def case_handed_over(self, case: str) -> bool:
        return self.handed

    def is_member(self, case: str, user: str) -> bool:
        return user in ("oic", "member")

    def is_officer_in_charge(self, case: str, user: str) -> bool:
        return user == "oic"

    def custodian(self, case: str, exhibit: str) -> tuple[str, bool] | None:
        return self.holder, True

    def returns_to(self, case: str, exhibit: str) -> str | None:
        return None

    def author_of(self, seq: int) -> tuple[str, str | None] | None:
        return ("member", CASE) if seq == 1 else None

    def reset_pending(self, user: str) -> tuple[str, str | None] | None:
        """An administrator reset ``target``'s password; ``target`` has since registered box key ``ab``."""
        return ("admin", "ab") if user == "target" else None

    def creation_pending(self, user: str) -> str | None:
        """``newbie``'s account, created by ``admin``, awaits a second administrator's confirmation."""
        return "admin" if user == "newbie" else None

    def promotion_pending(self, user: str) -> tuple[str, str] | None:
        """``riser``'s promotion to supervisor, made by ``admin2``, awaits a second administrator's confirmation."""
        return ("admin2", "supervisor") if user == "riser" else None

    def confirmed_admins(self) -> int:
        """Two: the maker of a change may not confirm it."""
        return 2

    def remote_review(self, entry: Any) -> str | None:
        """No installation, unit or earlier entry: only a statement's form and signatures are judged here."""
        return statement.problem(entry.data, None, entry.case, None, set(), lambda n: None)


@dataclass
class Entry:
    actor: str
    case: str | None = CASE
    exhibit: str | None = EXHIBIT
    data: dict[str, Any] = field(default_factory=dict)


def may(action: str, actor: str, **entry: Any) -> bool:
    return authority_problem(action, Entry(actor, **entry), World()) is None


def cell(action: str, **entry: Any) -> tuple[str, str, str]:
    """The README's three cells (detective, supervisor, admin) as the table decides them."""
    member, outsider = may(action, "member", **entry), may(action, "outsider", **entry)
    detective = "member cases" if member and not outsider else ("yes" if member else "-")
    every = "all" if detective == "member cases" else "yes"  # a case-scoped row says "all" for every case
    return (detective, every if may(action, "sgt", **entry) else "-",
            every if may(action, "admin", **entry) else "-")


ROWS = {
    "add users, reset passwords, unlock or disable accounts, change roles, settings": [
        ("account.created", {"case": None}), ("account.disabled", {"case": None}), ("account.unlocked", {"case": None}),
        ("settings.changed", {"case": None})],
    "confirm in person a password reset (after the user changed the temporary password)": [
        ("account.identity_confirmed", {"case": None, "data": {"user": "target", "box_key": "ab"}})],
    "confirm a promotion or re-enabling another administrator made (two or more administrators)": [
        ("account.promotion_confirmed", {"case": None, "data": {"user": "riser", "to": "supervisor"}})],
    "add or remove a case member": [("case.member_added", {}), ("case.member_removed", {})],
    "add notes, ingest, extract, withdraw, mark sensitive": [
        ("note.added", {}), ("exhibit.ingested", {}), ("exhibit.extracted", {}), ("exhibit.withdrawn", {}),
        ("exhibit.sensitivity_changed", {})],
    "review custody, close a case, override the review check": [
        ("case.reviewed", {}), ("case.closed", {}), ("case.close_override", {})],
    "export a bundle or the custody log": [("bundle.exported", {}), ("custody.exported", {})],
    "enrol the installation with the unit, import its certificates": [("installation.enrolled", {"case": None})],
}


def _readme_rows() -> dict[str, tuple[str, str, str]]:
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    section = text.split("## Who may do what", 1)[1].split("\n## ", 1)[0]
    out = {}
    for line in section.splitlines():
        m = re.match(r"\| (.+?) \| (.+?) \| (.+?) \| (.+?) \|$", line)
        if m and m.group(1) not in ("Action", "---"):
            out[m.group(1)] = (m.group(2), m.group(3), m.group(4))
    return out


@pytest.mark.parametrize("row", sorted(ROWS))
def test_readme_row_is_what_the_authority_table_decides(row: str) -> None:
    readme = _readme_rows()
    assert row in readme, f"README lost the row {row!r}"
    for action, entry in ROWS[row]:
        assert action in ACTION_RULES
        assert cell(action, **entry) == readme[row], (row, action)


def test_custody_moves_need_the_holder_or_a_supervisor() -> None:
    readme = _readme_rows()["transfer, check out, return an exhibit"]
    assert readme == ("when current custodian", "yes", "-")
    for action in ("exhibit.transferred", "exhibit.checked_out", "exhibit.returned"):
        assert may(action, "member") and not may(action, "oic") and may(action, "sgt") and not may(action, "admin")


def test_summary_is_the_officer_in_charge_or_a_supervisor() -> None:
    assert _readme_rows()["edit the case summary"] == ("officer in charge", "yes", "-")
    assert may("case.summary_edited", "oic") and not may("case.summary_edited", "member")
    assert may("case.summary_edited", "sgt") and not may("case.summary_edited", "admin")


# --- one table: roles.py, the stand-alone verifier's copy, and docs/custody-encoding.md ----------------------------
ROOT = Path(__file__).resolve().parents[2]


def _tool() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("verify_custody_under_test", ROOT / "tools" / "verify_custody.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_stand_alone_verifier_carries_the_table_generated_from_roles() -> None:
    from casedesk.security.roles import STANDALONE_BEGIN, STANDALONE_END, standalone_source

    text = (ROOT / "tools" / "verify_custody.py").read_text("utf-8")
    start, end = text.index(STANDALONE_BEGIN), text.index(STANDALONE_END) + len(STANDALONE_END) + 1
    assert text[start:end] == standalone_source(), (
        "tools/verify_custody.py's authority table is not roles.py's: paste in the output of "
        "python -c 'from casedesk.security.roles import standalone_source; print(standalone_source(), end=\"\")'")


@dataclass
class KeyWorld(World):
    """World, with registered box keys and a disabled account."""

    def disabled(self, user: str) -> bool:
        return user == "gone"

    def custodian(self, case: str, exhibit: str) -> tuple[str, bool] | None:
        return (self.holder, True) if (case, exhibit) == (CASE, EXHIBIT) else None

    def returns_to(self, case: str, exhibit: str) -> str | None:
        return "oic" if (case, exhibit) == (CASE, EXHIBIT) else None

    def box_key(self, user: str) -> str | None:
        return {"member": "bk-member", "sgt": "bk-sgt", "target": "ab"}.get(user)


def _tool_state(tool: Any, world: KeyWorld) -> Any:
    state = tool.Authority()
    state.users = {name: [role, world.disabled(name)] for name, role in world.roles.items()}
    state.cases = {CASE: [world.open, "oic", {"oic", "member"}]}
    state.handed = {CASE} if world.handed else set()
    state.exhibits = {(CASE, EXHIBIT): [world.holder, True, "oic"]}
    state.authors = {1: ("member", CASE)}
    state.box_keys = {u: k for u in ("member", "sgt", "target") if (k := world.box_key(u)) is not None}
    state.resets = {"target": ("admin", "ab")}
    state.creations = {"newbie": "admin"}
    state.promotions = {"riser": ("admin2", "supervisor")}
    return state


DATAS: list[dict[str, Any]] = [
    {}, {"user": "member"}, {"user": "target", "box_key": "ab"}, {"user": "target", "box_key": "zz"},
    {"user": "member", "box_key": "bk-member"}, {"user": "admin", "box_key": "x"}, {"user": "target"},
    {"corrects": 1}, {"corrects": 2}, {"corrects": True}, {"revises": 1}, {"revises": 7}, {"user": "sgt"},
    {"user": "newbie"}, {"user": "newbie", "box_key": "x"}, {"user": "riser", "to": "supervisor"},
    {"user": "riser", "to": "admin"}, {"user": "riser"}, {"user": "newbie", "to": "supervisor"},
    # Remote reviews: a statement of the wrong form, and one of the right form whose signature does not verify.
    {"statement": {"format": "casedesk-review-statement/1"}, "decision": "approve", "up_to": 1},
    {"statement": statement.make("inst", CASE, 1, "ab" * 32, "query", "", "other", "sgt", "cd" * 32, "now"),
     "decision": "query", "up_to": 1},
    {"statement": statement.make("inst", CASE, 1, "ab" * 32, "approve", "", "other", "sgt", "cd" * 32, "now"),
     "signature": "00" * 64, "decision": "approve", "up_to": 1},
]


@pytest.mark.parametrize(("open_case", "handed"), [(True, False), (False, False), (False, True)])
def test_the_stand_alone_verifier_decides_every_rule_as_roles_does(open_case: bool, handed: bool) -> None:
    tool = _tool()
    world = KeyWorld(roles={**World().roles, "target": "detective", "gone": "detective", "newbie": "supervisor",
                            "admin2": "admin", "riser": "detective"}, open=open_case, handed=handed)
    state = _tool_state(tool, world)
    actors = [*world.roles, "nobody"]
    checked = 0
    for action in [*ACTION_RULES, "made.up"]:
        for actor in actors:
            for case in (CASE, None, "MPS-OTHER"):
                for exhibit in (EXHIBIT, None):
                    for data in DATAS:
                        entry = Entry(actor, case, exhibit, data)
                        want = authority_problem(action, entry, world)
                        got = state.problem(action, actor, case, exhibit, data)
                        assert got == want, (action, actor, case, exhibit, data)
                        checked += 1
    assert checked > 10_000


def _doc_rules() -> dict[str, tuple[str, str]]:
    text = (ROOT / "docs" / "custody-encoding.md").read_text("utf-8")
    section = text.split("| Action | Permission | Scope |", 1)[1].split("\n\n", 1)[0]
    out: dict[str, tuple[str, str]] = {}
    for line in section.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cells) == 3, line
        for action in re.findall(r"`([^`]+)`", cells[0]):
            out[action] = (cells[1], cells[2])
    return out


def test_the_documented_table_is_roles_table() -> None:
    from casedesk.security.roles import DEFAULT_RULE

    doc = _doc_rules()
    want = {action: (rule.permission.value if rule.permission else "-", rule.scope.value)
            for action, rule in ACTION_RULES.items()}
    assert {a: r for a, r in doc.items() if a in want} == want
    assert set(doc) - set(want) == set(), "the doc lists actions roles.py does not"
    assert ("-", DEFAULT_RULE.scope.value) == ("-", "any")
