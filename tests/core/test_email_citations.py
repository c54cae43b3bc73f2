"""Issue 18: an email has no "Why?" to open, so a notice's rule goes last, in plain words."""

from __future__ import annotations

from convene.core.templatetags.plain import WHY_WE_SENT, email_text
from tests.pagecheck import plain_words_problems

BODY = (
    "Reminder: the record is due.\n"
    "Due 4 March 2026 at 17:00, 1 working day left.\n"
    "Rule: qs2014.record_distributed, R002.8"
)


def test_the_main_text_of_an_email_is_plain_and_the_rule_comes_last() -> None:
    text = email_text(BODY, link="http://testserver/record/")
    main, _, why = text.partition(WHY_WE_SENT)
    assert plain_words_problems(main) == []
    assert "Open Convene to see it: http://testserver/record/" in main
    assert why.strip() == "qs2014.record_distributed, R002.8"
    assert "Rule:" not in text


def test_a_notice_without_a_rule_is_sent_as_it_was_written() -> None:
    assert email_text("Hello.") == "Hello."
    assert email_text("Hello.", link="http://x/") == "Hello.\n\nOpen Convene to see it: http://x/\n"
