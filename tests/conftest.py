from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from convene.people import factories, personas
from convene.people.models import Agency, Partnership, Professional
from tests.migrated import migrated_databases  # noqa: F401 - fixture
from tests.pagecheck import check_page
from tests.totp import verify_session


class CheckedClient(Client):
    """A test client that checks every HTML page it receives (STYLE habit 8).

    ``force_login`` also marks the session as having passed two-factor sign-in,
    which every signed-in request must have (RequireTwoFactorMiddleware).
    """

    def force_login(self, user: Any, backend: str | None = None) -> None:
        super().force_login(user, backend)
        verify_session(self, user)

    def request(self, **request: Any) -> Any:
        response = super().request(**request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and not getattr(response, "streaming", False):
            path = request.get("PATH_INFO", "")
            # Django's admin and Swagger UI are other people's pages.
            if not path.startswith(("/admin/", "/api/docs")) and response.status_code < 300:
                problems = check_page(response.content.decode())
                assert not problems, f"{path}: {'; '.join(problems)}"
        return response


@pytest.fixture
def client() -> CheckedClient:
    return CheckedClient()


def make_partnerships() -> dict[str, Partnership]:
    """The demo's two partnerships (Riverside, the home one, and Northvale), by name."""
    return {
        name: factories.PartnershipFactory(
            name=name, local_authority=authority, policy_id=policy_id
        )
        for name, (authority, policy_id) in personas.PARTNERSHIPS.items()
    }


def make_agencies() -> dict[str, Agency]:
    """The demo's agencies, by key; the partnerships must exist already."""
    return {
        spec.key: factories.AgencyFactory(
            name=spec.name,
            kind=spec.kind.value,
            partnerships=[Partnership.objects.get(name=name) for name in spec.partnerships],
        )
        for spec in personas.AGENCIES
    }


def make_people(agencies: dict[str, Agency]) -> dict[str, Professional]:
    """Every persona of convene.people.personas, by username (alice, bob, carol...)."""
    return {
        persona.username: factories.ProfessionalFactory(
            username=persona.username,
            first_name=persona.first_name,
            last_name=persona.last_name,
            agency=agencies[persona.agency],
            job_title=persona.job_title,
            is_staff=persona.staff,
            is_superuser=persona.staff,
            roles=list(persona.roles),
        )
        for persona in personas.PERSONAS
    }


@pytest.fixture
def partnership(db: None) -> Partnership:
    return make_partnerships()[personas.HOME]


@pytest.fixture
def neighbour(partnership: Partnership) -> Partnership:
    return Partnership.objects.get(name=personas.NEIGHBOUR)


@pytest.fixture
def agencies(partnership: Partnership) -> dict[str, Agency]:
    return make_agencies()


@pytest.fixture
def people(agencies: dict[str, Agency]) -> dict[str, Professional]:
    """Every persona of convene.people.personas, by username (alice, bob, carol...)."""
    return make_people(agencies)


@pytest.fixture
def database_task_queue(settings: Any) -> None:
    """The real database-backed task queue; the suite otherwise runs tasks at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Report how many requests the API fuzzer made (tests/api/test_api_fuzz.py).

    Read from the test reports, so it also works when xdist runs the fuzzer elsewhere.
    """
    totals: dict[str, dict[tuple[str, str], int]] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            for key, value in getattr(report, "user_properties", ()):
                if key.startswith("schemathesis_"):
                    # "schemathesis_cases GET /api/children/": one count per operation.
                    kind, _, operation = key.partition(" ")
                    per_test = totals.setdefault(kind, {})
                    where = (report.nodeid, operation)
                    per_test[where] = max(per_test.get(where, 0), int(value))
    if totals:
        cases = sum(totals.get("schemathesis_cases", {}).values())
        requests = sum(totals.get("schemathesis_requests", {}).values())
        terminalreporter.write_line(
            f"schemathesis: {cases} generated test cases, {requests} HTTP requests to the API "
            "(the cases plus schemathesis's own follow-up checks)"
        )
