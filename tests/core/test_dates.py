"""GOV.UK dates ("23 April 2015") from one formatter (issue 18), in Python and templates."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.template import Context, Template
from django.utils import timezone

from convene.core.dates import govuk_date, govuk_datetime


def test_a_date_reads_as_a_govuk_date():
    assert govuk_date(date(2015, 4, 23)) == "23 April 2015"
    assert govuk_date(date(2026, 3, 4)) == "4 March 2026"  # no leading zero
    assert govuk_date("2026-03-04") == "4 March 2026"  # as snapshots keep it
    assert govuk_date(None) == ""
    assert govuk_date("") == ""


def test_a_moment_reads_in_london_time():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    late = datetime(2025, 6, 30, 23, 30, tzinfo=UTC)
    assert govuk_date(late) == "1 July 2025"
    assert govuk_datetime(late) == "1 July 2025 at 00:30"
    assert govuk_datetime("2026-03-04T13:00:00+00:00") == "4 March 2026 at 13:00"
    assert govuk_datetime(date(2026, 3, 4)) == "4 March 2026"


def test_templates_use_the_same_words_with_a_filter_or_without_a_format():
    moment = timezone.make_aware(datetime(2015, 4, 23, 14, 30))
    html = Template(
        "{{ day|govuk_date }}|{{ moment|govuk_datetime }}|{{ day }}|"
        "{{ none|govuk_date|default:'Never' }}"
    ).render(Context({"day": date(2015, 4, 23), "moment": moment, "none": None}))
    assert html == "23 April 2015|23 April 2015 at 14:30|23 April 2015|Never"
