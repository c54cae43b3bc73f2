"""The chair edits the record's information shared by each agency, and the agency check's
attribution and time stay with it (issue 16: "each item attributed and time-stamped")."""

from __future__ import annotations

from convene.records.sections.information_shared import InformationSharedForm

SENT = "Carol Clarke (Detective constable), agency check sent 3 December 2026 at 10:00"
PREFILLED = {
    "contributions": [
        {"agency": "Shire Constabulary", "shared_by": SENT, "information": "Two call-outs"}
    ]
}


def _saved(existing: dict, attended: list[tuple[str, str]]) -> list[dict]:
    data = {
        "a0_information": "Two call-outs; the chair adds a date",
        "shared_without_consent": "no",
    }
    form = InformationSharedForm(data, content=existing, agencies=attended, review=False)
    assert form.is_valid(), form.errors
    return form.content()["contributions"]


def test_saving_keeps_the_checks_sender_and_time():
    (police,) = _saved(PREFILLED, [("Shire Constabulary", "Carol Clarke")])
    assert police["shared_by"] == SENT
    assert police["information"] == "Two call-outs; the chair adds a date"


def test_without_a_check_the_first_attendee_is_named():
    (police,) = _saved({}, [("Shire Constabulary", "Carol Clarke")])
    assert police["shared_by"] == "Carol Clarke"
