"""The sync client's own behaviour, over a scripted transport (no server)."""

from __future__ import annotations

import httpx
import pytest

from casedesk.errors import UnitError
from casedesk.services import sync
from tests.helpers.store import Store


def scripted(store: Store, answers: list[object]) -> tuple[sync.UnitClient, list[httpx.Request]]:
    """A client of the real request code whose transport plays ``answers`` (an exception is raised)."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, httpx.Response)
        return answer

    session = store.sign_in("jsmith")
    unit = sync.UnitClient("https://unit.invalid", None, session.installation_id, "jsmith", session.signer)
    unit.client = httpx.Client(base_url=unit.url, transport=httpx.MockTransport(handle))
    session.close()
    return unit, seen


def test_a_request_whose_kept_alive_connection_was_closed_is_sent_again_once(store: Store) -> None:
    closed = httpx.RemoteProtocolError("Server disconnected without sending a response.")
    unit, seen = scripted(store, [closed, httpx.Response(200, json={"ok": True})])
    assert unit.request("POST", "/v1/installations/x/push", b"{}") == {"ok": True}
    assert len(seen) == 2 and seen[0].content == seen[1].content == b"{}"
    # Twice in a row is a cut connection, as the sync says.
    unit, seen = scripted(store, [closed, closed])
    with pytest.raises(httpx.RemoteProtocolError):
        unit.request("POST", "/v1/installations/x/push", b"{}")
    assert len(seen) == 2


def test_a_refusal_is_one_line_with_the_units_words(store: Store) -> None:
    unit, _ = scripted(store, [httpx.Response(422, json={"error": "entry 7: the signature does not verify"})])
    with pytest.raises(UnitError) as caught:
        unit.request("POST", "/v1/installations/x/push", b"{}")
    assert str(caught.value) == "the unit refused the sync: entry 7: the signature does not verify"
    unit, _ = scripted(store, [httpx.Response(502, text="<html>Bad Gateway</html>")])
    with pytest.raises(UnitError) as caught:
        unit.request("GET", "/v1/health")
    assert str(caught.value) == "the unit refused the sync: HTTP 502 without a CaseDesk answer"
