"""The demo installation: users, the case, generated evidence of every promised kind, and it verifies."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from casedesk import demo
from casedesk.datadir import DataDir
from casedesk.errors import UsageError
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from casedesk.services.installation import Installation
from tests.helpers.cli import run


def test_demo_installation(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "demo"
    r = run(capsys, monkeypatch, root, "demo", "--json")
    assert r.code == 0, r.err
    info = r.json()
    assert info["data_dir"] == str(root) and info["case_ref"] == demo.CASE_REF
    assert set(info["users"].values()) == {"admin", "detective", "supervisor"}
    assert info["passwords"] == demo.PASSWORDS
    r = run(capsys, monkeypatch, root, "demo")
    assert r.code == 2 and "already holds" in r.err
    inst = Installation(DataDir(root))
    session = inst.sign_in(demo.OIC, demo.PASSWORDS[demo.OIC])
    try:
        ev = Evidence(session)
        views = {v.reference: v for v in ev.list(demo.CASE_REF)}
        assert sorted(views) == sorted(info["exhibits"]) and len(views) == 10
        mimes = {v.mime_type for v in views.values()}
        assert {"application/pdf", "text/csv", "image/jpeg", "audio/x-wav", "message/rfc822"} <= mimes
        assert any("wordprocessingml" in m for m in mimes)
        warned = [v for v in views.values() if v.type_warning]
        assert [v.original_name for v in warned] == ["invoice_0417.pdf"]
        assert [v.original_name for v in views.values() if v.sensitive] == ["source_contact_log.txt"]
        assert {v.relative_path for v in views.values() if v.mime_type == "message/rfc822"} == {
            "emails/01-offer.eml", "emails/02-delivery.eml"}
        assert all(v.seized_at is not None and v.seized_from for v in views.values())

        by_name = {v.original_name: v for v in views.values()}
        with ev.read_original(demo.CASE_REF, by_name["Daily_Courier_dossier.pdf"].reference) as f:
            from pypdf import PdfReader

            pdf = PdfReader(io.BytesIO(f.read()))
            assert len(pdf.pages) >= 3
            assert "Dossier for the police" in pdf.pages[0].extract_text()
        with ev.read_original(demo.CASE_REF, by_name["IMG_4471.JPG"].reference) as f:
            exif = Image.open(io.BytesIO(f.read())).getexif()
            assert exif.get(0x010F) == "Canon" and exif.get_ifd(0x8769).get(0x9003)
        with ev.read_original(demo.CASE_REF, by_name["records_supplied_by_seller.csv"].reference) as f:
            lines = f.read().decode().splitlines()
            assert len(lines) == demo.N_RECORDS + 1 and "(fictitious)" in lines[1] and ",00-00-" in lines[1]
        with ev.read_original(demo.CASE_REF, by_name["MG11_Graham_Pell.docx"].reference) as f:
            assert "Graham Pell" in zipfile.ZipFile(io.BytesIO(f.read())).read("word/document.xml").decode()
        assert ev.verify(demo.CASE_REF) == []

        case = Cases(session).show(demo.CASE_REF)
        assert case.title == demo.CASE_TITLE and len(case.offences) == 3 and "USB" in case.summary
        assert set(case.members) >= {demo.OIC, demo.DETECTIVE}
        assert len(Cases(session).notes(demo.CASE_REF)) == 2
        # What the README promises of the demo's log: custody transfers and a supervisor's review.
        log = Custody(session).log(demo.CASE_REF)
        actions = [e.action for e in log]
        for action in ("exhibit.transferred", "exhibit.checked_out", "exhibit.returned", "case.reviewed"):
            assert action in actions, action
        review = next(e for e in log if e.action == "case.reviewed")
        assert review.actor == demo.SUPERVISOR and review.data["decision"] == "approve"
        assert Custody(session).unreviewed(demo.CASE_REF)  # the review queue still has work in it
    finally:
        session.close()
    for user in (demo.ADMIN, demo.SUPERVISOR, demo.DETECTIVE):  # every printed password works
        inst.sign_in(user, demo.PASSWORDS[user]).close()
    with pytest.raises(UsageError, match="already holds"):
        demo.create_demo(root)


def test_demo_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(UsageError, match="not empty"):
        demo.create_demo(tmp_path)
    assert (tmp_path / "mine.txt").read_text() == "keep me"
