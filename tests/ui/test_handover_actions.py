"""Who may hand a case over, as the window says it: the officer in charge or a supervisor, an open case only; the
reason is in the tooltip of the greyed-out action, and an account that can never do it does not see it."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from casedesk.services.cases import Cases
from tests.helpers.store import CASE, Store
from tests.helpers.ui import close_all, select_case, sign_in


def test_only_the_officer_in_charge_or_a_supervisor_is_offered_the_hand_over(qtbot: QtBot, store: Store) -> None:
    s = store.sign_in("sgt")
    try:
        Cases(s).add_member(CASE, "bpatel")
    finally:
        s.close()
    for user, why in (("jsmith", None), ("sgt", None),
                      ("bpatel", "Only the officer in charge (jsmith) or a supervisor can hand the case over")):
        controller, window = sign_in(qtbot, store, user)
        try:
            select_case(qtbot, window, CASE)
            act = window.act_hand_over
            assert act.isVisible() and act.isEnabled() == (why is None), (user, act.toolTip())
            if why is not None:
                assert act.toolTip().startswith(why + ". "), act.toolTip()
            assert window.act_receive.isVisible() and window.act_receive.isEnabled()
        finally:
            close_all(controller)
    controller, window = sign_in(qtbot, store, "admin")
    try:
        assert not window.act_hand_over.isVisible() and not window.act_receive.isVisible()
        button = window.findChild(object, "handOverButton")
        assert button is not None and button.isHidden()
    finally:
        close_all(controller)


def test_a_closed_case_is_not_offered_the_hand_over(qtbot: QtBot, store: Store) -> None:
    s = store.sign_in("sgt")
    try:
        Cases(s).close(CASE, "no further enquiries")
    finally:
        s.close()
    controller, window = sign_in(qtbot, store, "jsmith")
    try:
        window.cases.status.setCurrentIndex(0)
        select_case(qtbot, window, CASE)
        assert not window.act_hand_over.isEnabled()
        assert window.act_hand_over.toolTip().startswith("The case is closed: only an open case is handed over. ")
    finally:
        close_all(controller)
