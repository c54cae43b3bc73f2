"""Every report table downloads as CSV and as XLSX, each download one export in the audit log
(issue 13, "Who sees what"); a partner agency downloads only its own agency's tables, and
every table a manager may download is offered on a page."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from convene.audit.models import Action as AuditAction
from convene.audit.models import AuditEntry
from convene.reporting.tables import AGENCY, WHOLE
from convene.reporting.views import SUMMARIES
from tests.reporting.fixtures import APRIL, NOW, build

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@pytest.fixture
def world(people, partnership, referral_for):
    restricted = referral_for(categories=("allegation_against_staff",), named=("hana", "lee"))
    return build(partnership, restricted=restricted)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _headers(fmt: str, content: bytes) -> list[str]:
    if fmt == "csv":
        return next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [str(cell) for cell in next(sheet.iter_rows(values_only=True))]


@pytest.mark.django_db
def test_every_table_downloads_in_both_formats_and_each_is_an_export(client, people, world):
    client.force_login(people["bob"])
    exports = AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=people["bob"])
    for key in WHOLE:
        for fmt, content_type in CONTENT_TYPES.items():
            before = exports.count()
            response = client.get(reverse("reporting:download", args=[key, fmt]), APRIL)
            assert response.status_code == 200, (key, fmt)
            assert response["Content-Type"] == content_type
            assert response["Content-Disposition"].startswith(f'attachment; filename="{key}-')
            assert _headers(fmt, response.getvalue()), (key, fmt)  # a streamed list too
            assert exports.count() == before + 1, (key, fmt)
            assert fmt.upper() in exports.latest("sequence").summary


@pytest.mark.django_db
def test_a_partner_downloads_only_their_agencys_tables(client, people, world):
    client.force_login(people["carol"])
    for key in WHOLE:
        for fmt in CONTENT_TYPES:
            response = client.get(reverse("reporting:download", args=[key, fmt]), APRIL)
            assert response.status_code == (200 if key in AGENCY else 404), (key, fmt)
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=people["carol"]).count() == (
        2 * len(AGENCY)
    )


@pytest.mark.django_db
def test_every_summary_and_the_past_due_list_are_offered(client, people, world):
    """The dashboard offers each summary table; the drift page its past-due timescales (the
    fixture's breached convene clock). The other lists offer theirs when they have rows:
    test_overrides.py, test_quality.py and test_drift.py check those links."""
    client.force_login(people["hana"])
    pages = "".join(
        client.get(reverse(name), APRIL).content.decode()
        for name in ("reporting:dashboard", "reporting:drift")
    )
    for key in (*SUMMARIES, "drift"):
        for fmt in CONTENT_TYPES:
            assert reverse("reporting:download", args=[key, fmt]) in pages, (key, fmt)


@pytest.mark.django_db
def test_every_chart_is_an_accessible_svg_with_its_table_beneath(client, people, world):
    """Issue 13: each chart is drawn on the server (no script), labelled by its title and a
    description of its figures, and followed by a table of the same figures; a table with no
    rows draws no chart (nothing to chart, no table beneath)."""
    import re

    client.force_login(people["hana"])
    page = client.get(reverse("reporting:dashboard"), APRIL).content.decode()
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    charts = re.findall(r'<svg class="convene-chart" role="img" aria-labelledby="([^"]+)"', page)
    # The fixture's clocks, records and decisions: timeliness, quality and decisions.
    assert len(charts) >= 3
    for labelled_by in charts:
        title_id = labelled_by.split()[0]
        title = re.search(rf'<title id="{title_id}">([^<]+)</title>', page)
        assert title is not None, title_id
        after = page[title.end() :]
        caption = re.search(r"<caption[^>]*>([^<]+)</caption>", after)
        assert caption is not None, title.group(1)
        # The next table is this chart's: same title, "the figures in the chart".
        assert caption.group(1) == f"{title.group(1)}: the figures in the chart"
        assert after.index("</svg>") < caption.start()
