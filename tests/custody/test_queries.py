"""A supervisor's query stays open until it is answered or resolved: an approval of an earlier part of the log
does not settle a query about a later entry (issue 13, defect 3)."""

from __future__ import annotations

import pytest

from casedesk.errors import UsageError
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from tests.custody.conftest import CaseStore
from tests.helpers.cli import run
from tests.helpers.store import CASE


def test_an_approval_up_to_an_earlier_entry_leaves_a_later_query_open(cs: CaseStore) -> None:
    sgt = cs.store.sign_in("sgt")
    try:
        c = Custody(sgt)
        late, early = cs.seqs["return JAS/2"], cs.seqs["transfer JAS/1"]
        query = c.review(CASE, "query", "Who signed for JAS/2 at the lab?", up_to=late)
        approval = c.review(CASE, "approve", "", up_to=early)
        assert approval.data["settles"] == []
        assert [q.seq for q in c.queries(CASE)] == [query.seq]
        # An approval that covers the queried entries settles it, and says so in its signed entry.
        covering = c.review(CASE, "approve", "lab receipt seen", up_to=late)
        assert covering.data["settles"] == [query.seq]
        assert c.queries(CASE) == []
    finally:
        sgt.close()


def test_a_query_closes_when_the_officer_answers_it_or_the_supervisor_resolves_it(cs: CaseStore) -> None:
    sgt = cs.store.sign_in("sgt")
    try:
        first = Custody(sgt).review(CASE, "query", "Seal number of JAS/1?", up_to=cs.seqs["transfer JAS/1"])
        second = Custody(sgt).review(CASE, "query", "Lab reference for JAS/2?", up_to=cs.seqs["return JAS/2"])
    finally:
        sgt.close()
    j = cs.store.sign_in("jsmith")
    try:
        with pytest.raises(UsageError, match="not an open query"):
            Cases(j).add_note(CASE, "answer to nothing", answers=cs.seqs["transfer JAS/1"])
        note = Cases(j).add_note(CASE, "Seal MPS-004417, see the bag label", answers=first.seq)
        assert [q.seq for q in Custody(j).queries(CASE)] == [second.seq]
        assert Custody(j).entry(note.custody_seq).data == {"answers": first.seq}
    finally:
        j.close()
    sgt = cs.store.sign_in("sgt")
    try:
        c = Custody(sgt)
        with pytest.raises(UsageError, match="needs a comment"):
            c.review(CASE, "resolve", "", resolves=[second.seq])
        with pytest.raises(UsageError, match="not an open query"):
            c.review(CASE, "resolve", "already answered", resolves=[first.seq])
        resolved = c.review(CASE, "resolve", "lab reference is on the receipt", resolves=[second.seq])
        assert resolved.data["settles"] == [second.seq]
        assert c.queries(CASE) == []
        assert c.unreviewed(CASE)  # resolving a query approves nothing
    finally:
        sgt.close()


def test_the_cli_resolves_and_answers_queries(cs: CaseStore, capsys, monkeypatch) -> None:
    root = cs.store.root
    asked = run(capsys, monkeypatch, root, "review", CASE, "--query", "--comment", "Lab reference?",
                "--up-to", str(cs.seqs["return JAS/2"]), user="sgt")
    assert asked.code == 0, asked.err
    run(capsys, monkeypatch, root, "review", CASE, "--approve", "--up-to", str(cs.seqs["transfer JAS/1"]), user="sgt")
    open_ = run(capsys, monkeypatch, root, "custody", "queries", CASE, "--json", user="jsmith")
    assert len(open_.json()) == 1
    seq = open_.json()[0]["seq"]
    bad = run(capsys, monkeypatch, root, "review", CASE, "--resolve", str(seq), user="sgt")
    assert bad.code != 0 and "needs a comment (--comment TEXT)" in bad.err  # the CLI adds its flag hint
    answered = run(capsys, monkeypatch, root, "note", "add", CASE, "LAB-2291", "--answers", str(seq),
                   user="jsmith")
    assert answered.code == 0, answered.err
    assert run(capsys, monkeypatch, root, "custody", "queries", CASE, "--json", user="jsmith").json() == []
