"""The browser verifier's key registry follows the two-person rules as reports/bundle_log.py does: a key that an
administrator whose promotion, re-enabling or creation awaits confirmation registered for someone else signs nothing
(tests/security/test_two_person_keys.py builds the attacks). One Chromium for the module."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from casedesk.reports import bundle_log
from casedesk.reports import manifest as M
from casedesk.services.accounts import Accounts
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from tests.helpers.store import CASE, Store
from tests.reports.test_browser_verifier import CHROMIUM, FLAGS
from tests.security.test_two_person_keys import OTHER_ADMIN, _forge_sgt, _promote_jsmith_to_admin, _re_enable_admin3

READ_LOG = """async (b64) => {
  const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return (await readLog(raw)).problems;
}"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (scripts/bootstrap.sh does)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: pip install -c constraints.txt -e '.[test]'")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(tmp_path_factory.mktemp("chromium-profile")),
                                                       executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield context
        context.close()


def _both_read(browser: Any, store: Store, tmp_path: Path, user: str = "jsmith") -> list[str]:
    """The problems the page's reading of a fresh export of the case finds, which must be bundle_log's."""
    s = store.sign_in(user)
    try:
        raw = Custody(s).export_log(CASE, tmp_path / "custody.jsonl").read_bytes()
    finally:
        s.close()
    page_file = tmp_path / "verify.html"
    page_file.write_bytes(M.verifier_bytes())
    page = browser.new_page()
    try:
        page.goto(page_file.as_uri())
        theirs = list(page.evaluate(READ_LOG, base64.b64encode(raw).decode()))
    finally:
        page.close()
    assert theirs == bundle_log.read_log(raw).problems
    return theirs


def test_a_key_made_by_an_administrator_whose_promotion_awaits_signs_nothing(
        browser: Any, store: Store, tmp_path: Path) -> None:
    _, review = _forge_sgt(store, "jsmith", _promote_jsmith_to_admin(store))
    assert _both_read(browser, store, tmp_path) == [
        f"entry {review}: not signed with the key the log registers for sgt"]


def test_a_key_made_by_a_re_enabled_administrator_awaiting_confirmation_signs_nothing(
        browser: Any, store: Store, tmp_path: Path) -> None:
    _, review = _forge_sgt(store, "admin3", _re_enable_admin3(store))
    assert _both_read(browser, store, tmp_path) == [
        f"entry {review}: not signed with the key the log registers for sgt"]


def test_a_key_made_once_the_promotion_is_confirmed_signs(browser: Any, store: Store, tmp_path: Path) -> None:
    signer = _promote_jsmith_to_admin(store)
    second = store.installation.sign_in("admin2", OTHER_ADMIN)
    try:
        Accounts(second).confirm_promotion("jsmith", "admin")
    finally:
        second.close()
    admin = store.sign_in("admin")
    try:
        Cases(admin).add_member(CASE, "bpatel")  # to export the case: jsmith is an administrator now
    finally:
        admin.close()
    _forge_sgt(store, "jsmith", signer)
    assert _both_read(browser, store, tmp_path, user="bpatel") == []
