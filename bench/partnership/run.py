"""Generate a large synthetic partnership: personas, a caseload of children, and N discussions.

Steps (each timed): the demo partnership (personas, agencies, children in
families, by bulk insert); a pool of synthetic colleagues for each persona;
the template cases, built through the services; then copies of the template
cases, spread over eight years, written in chunks (COPY on PostgreSQL) so
memory stays flat, the audit hash chain extended entry by entry.
"""

from __future__ import annotations

import io
import math
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone
from faker import Faker

from bench.partnership import clone, parallel
from bench.partnership.archetypes import Archetype, read_archetypes
from bench.partnership.templates import (
    CLOSED_AFTER,
    HISTORIC_AFTER,
    age_templates,
    build_templates,
    close_templates,
)
from bench.partnership.writer import Writer, finish, loading, next_ids
from convene.audit.chain import GENESIS
from convene.audit.models import AuditEntry
from convene.people import personas
from convene.people.demo import demo_load
from convene.people.models import Agency, Child, Partnership, Professional, RoleGrant

YEARS = 8
RECENT = HISTORIC_AFTER  # cases younger than this are still open
CHUNK_CASES = 2_000
# Of the old cases, how many drifted: their work left as it stood when the sweep had raised
# every escalation (the historic shape). The rest were closed (the closed shape), as a
# partnership closes its cases: it keeps a few thousand things open, not millions.
DRIFTED_SHARE = 0.01
# How often each kind of case happens in the history (the open ones all equally).
HISTORIC_WEIGHTS = (
    ("confirmed", 35),
    ("authorised", 10),
    ("closed", 10),
    ("cancelled", 5),
    ("held", 2),
    ("scheduled", 1),
    ("triaged", 1),
    ("awaiting_triage", 2),
)
# A closed case reached the end of its way: none is still waiting at triage or to be held.
STUCK = ("held", "scheduled", "triaged", "awaiting_triage")
# A large county's staff per persona's role (a persona and colleagues of the same agency and
# roles): the people a role-addressed notice or escalation goes to. Scaled down below
# COUNTY_AT discussions.
COUNTY_STAFF = {
    "alice": 300,  # social workers
    "bob": 40,  # team managers
    "dina": 40,
    "hana": 6,  # heads of service
    "tom": 30,  # front door advisors
    "carol": 60,  # police child abuse investigation officers
    "dev": 10,  # named nurses
    "priya": 15,
    "mia": 40,
    "hal": 100,
    "erin": 300,  # a school's designated safeguarding lead each
    "fay": 20,
    "nia": 8,
    "lee": 4,
    "ursula": 10,
    "nick": 100,  # the neighbour's social workers
    "ivy": 4,
}
COUNTY_AT = 600_000


@dataclass
class Report:
    discussions: int = 0
    cases: int = 0
    password: str = ""
    steps: list[tuple[str, float]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    first_ids: dict[str, int] = field(default_factory=dict)  # table: the first copied row's id
    seconds: float = 0.0


def _weight(archetype: Archetype, *, closed: bool = False) -> int:
    """How often the case's kind happens (its first word of HISTORIC_WEIGHTS in its name:
    "convening (authorised, held)" is an authorised case that held a second discussion).
    A closed case is never stuck, but for the HRPM case: its series is its work, ended."""
    for word, weight in HISTORIC_WEIGHTS:
        if word in archetype.name:
            stuck = closed and word in STUCK and not archetype.has_hrpm
            return 0 if stuck else weight
    return 1


def county_pool(username: str, discussions: int) -> int:
    """How many people of a persona's agency and roles there are (the persona included)."""
    scale = min(1.0, discussions / COUNTY_AT)
    return max(1, round(COUNTY_STAFF.get(username, 1) * scale))


def _colleagues(discussions: int, seed: int) -> dict[int, list[int]]:
    """For each persona, colleagues in the same agency with the same roles (bulk insert)."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    agencies = {spec.key: Agency.objects.get(name=spec.name) for spec in personas.AGENCIES}
    ids = {
        p.username: p.pk
        for p in Professional.objects.filter(username__in=[x.username for x in personas.PERSONAS])
    }
    made: dict[int, list[int]] = {}
    for persona in personas.PERSONAS:
        pool_size = county_pool(persona.username, discussions)
        if persona.staff or pool_size <= 1:
            continue
        people = [
            Professional(
                username=f"{persona.username}.{k:03d}",
                first_name=fake.first_name(),
                last_name=fake.last_name(),
                email=f"{persona.username}.{k:03d}@example.org",
                agency=agencies[persona.agency],
                job_title=persona.job_title,
                password="!" + secrets.token_hex(8),  # cannot sign in
            )
            for k in range(1, pool_size)
        ]
        Professional.objects.bulk_create(people, batch_size=1_000)
        RoleGrant.objects.bulk_create(
            [RoleGrant(professional=p, role=r.value) for p in people for r in persona.roles],
            batch_size=1_000,
        )
        made[ids[persona.username]] = [p.pk for p in people]
    return made


def _keep(discussions: int) -> dict[str, float]:
    """How often a persona keeps a case rather than handing it to a colleague."""
    others = min(1.0, 2_000 / max(1, discussions))
    return {
        "bob": 0.3,  # a team manager who chaired a large share of discussions
        "carol": min(1.0, 5_000 / max(1, discussions)),  # police, invited to thousands
        **{p.username: others for p in personas.PERSONAS if p.username not in ("bob", "carol")},
    }


def generate_partnership(
    *,
    discussions: int,
    seed: int = 2026,
    children: int | None = None,
    password: str | None = None,
    log: Callable[[str], None] = print,
    writers: int = 1,
) -> Report:
    report = Report()
    began = time.perf_counter()
    step_began = began

    def step(name: str) -> None:
        nonlocal step_began
        now_ = time.perf_counter()
        report.steps.append((name, now_ - step_began))
        log(f"{name}: {now_ - step_began:.1f} s")
        step_began = now_

    rng = random.Random(seed)
    children = children or max(200, min(400_000, int(discussions * 0.3)))
    demo = demo_load(children=children, password=password)
    report.password = demo.password
    step(f"personas and {children:,} children")
    # The templates first: their escalations must be addressed to personas only.
    world = build_templates(log=log)
    open_shapes = read_archetypes(world.referral_ids)
    age_templates(world)
    old_shapes = read_archetypes(world.referral_ids)
    close_templates(world, log=log)
    closed_shapes = read_archetypes(world.referral_ids)
    step(f"{len(open_shapes)} template cases through the services")
    colleagues = _colleagues(discussions, seed)
    step(f"colleagues ({sum(map(len, colleagues.values())):,})")

    report.discussions, report.cases = _copy_cases(
        discussions=discussions,
        rng=rng,
        shapes=(open_shapes, old_shapes, closed_shapes),
        present=(world.now, world.now + HISTORIC_AFTER, world.now + CLOSED_AFTER),
        home=demo.partnership,
        colleagues=colleagues,
        report=report,
        log=log,
        writers=writers,
    )
    step(f"{report.cases:,} cases copied")
    # The copies went round the services: recount the reports' month tallies (issue 13).
    from django.core.management import call_command

    call_command("reporting", "rebuild-summary", verbosity=0, stdout=io.StringIO())
    step("the reports' summary tables recounted")
    report.seconds = time.perf_counter() - began
    return report


@dataclass
class _Job:
    """Everything a writer process needs to plan the copies (the same plan in each)."""

    discussions: int
    seed: int
    compiled: tuple[list[clone.Compiled], list[clone.Compiled], list[clone.Compiled]]
    weights: tuple[list[int], list[int]]  # the historic and the closed shapes'
    at_home: dict[int, bool]
    starts: dict[type[Any], int]
    keep: dict[int, float]
    colleagues: dict[int, list[int]]
    usernames: dict[int, str]
    emails: dict[int, str]
    child_ids: list[int]
    reserve: int
    chain: clone.Chain
    present: tuple[datetime, datetime, datetime]
    now: datetime  # one for every writer: a case's rows and audit entries share its times
    log: Callable[[str], None]


def _copy_cases(
    *,
    discussions: int,
    rng: random.Random,
    shapes: tuple[list[Archetype], list[Archetype], list[Archetype]],
    present: tuple[datetime, datetime, datetime],
    home: Partnership,
    colleagues: dict[int, list[int]],
    report: Report,
    log: Callable[[str], None],
    writers: int = 1,
) -> tuple[int, int]:
    compiled = (
        [clone.compile_archetype(a) for a in shapes[0]],
        [clone.compile_archetype(a, lean=True) for a in shapes[1]],
        [clone.compile_archetype(a, lean=True) for a in shapes[2]],
    )
    weights = ([_weight(a) for a in shapes[1]], [_weight(a, closed=True) for a in shapes[2]])
    tables = sorted(
        {m for group in compiled for c in group for m in c.offsets}, key=lambda m: m._meta.label
    )
    starts = next_ids([*tables, AuditEntry])
    report.first_ids = {model._meta.db_table: first for model, first in starts.items()}
    keep_by_name = _keep(discussions)
    usernames = dict(Professional.objects.values_list("pk", "username"))
    child_ids = list(
        Child.objects.filter(partnership=home).order_by("pk").values_list("pk", flat=True)
    )
    hrpm_share = max(
        sum(w for a, w in zip(group, shares, strict=True) if a.has_hrpm) / sum(shares)
        for group, shares in zip(shapes[1:], weights, strict=True)
    )
    last = AuditEntry.objects.order_by("-sequence").values_list("sequence", "hash").first()
    job = _Job(
        discussions=discussions,
        seed=rng.getrandbits(64),
        compiled=compiled,
        weights=weights,
        at_home={
            id(c): _partnerships(c.archetype) == {home.pk} for group in compiled for c in group
        },
        starts=starts,
        keep={pk: keep_by_name.get(name, 1.0) for pk, name in usernames.items()},
        colleagues=colleagues,
        usernames=usernames,
        emails=dict(Professional.objects.values_list("pk", "email")),
        child_ids=child_ids,
        reserve=min(len(child_ids) // 2, math.ceil(discussions * hrpm_share * 1.5) + 10),
        chain=clone.Chain(*(last if last else (0, GENESIS))),
        present=present,
        now=timezone.now(),
        log=log,
    )
    restore = loading([*tables, AuditEntry])
    try:
        if writers > 1 and connection.vendor == "postgresql":
            results = parallel.run_writers(_load, job, writers)
        else:
            results = [_load(job, 0, 1)]
    finally:  # indexes and foreign keys come back even if the load fails
        rebuilding = time.perf_counter()
        finish([*tables, AuditEntry], restore)
        if restore:
            log(f"  indexes and constraints rebuilt: {time.perf_counter() - rebuilding:.1f} s")
    counts: dict[str, int] = {}
    for _made, _cases, rows in results:
        for table, count in rows.items():
            counts[table] = counts.get(table, 0) + count
    report.rows = counts
    return results[0][0], results[0][1]


def _writes_rows(chunk: int, role: int, writers: int) -> bool:
    """Which writer copies a chunk's rows. Writer 0 chains and writes every audit entry, which
    costs about as much as all the other rows (measured at N=20,000), so with two writers it
    writes nothing else and writer 1 writes every other row; more writers share the chunks."""
    if writers == 1:
        return True
    return role > 0 and chunk % (writers - 1) == role - 1


def _load(job: _Job, role: int, writers: int) -> tuple[int, int, dict[str, int]]:
    """Plan every copy (the same plan in every writer: one seed), write this writer's share.

    Each case draws its own random generator from the plan's, so a case's rows are the same
    whichever writer copies them and however many writers there are.
    """
    rng = random.Random(job.seed)
    starts = dict(job.starts)
    chain = job.chain
    audit_row, audit_at = _audit_layout()
    writer = Writer()
    compiled, weights, discussions = job.compiled, job.weights, job.discussions
    next_hrpm_child = 0
    real_now = job.now
    made = cases = 0
    began = time.perf_counter()
    while made < discussions:
        if cases < len(compiled[0]):  # one open case of each kind first, whatever N is
            age = timedelta(seconds=rng.uniform(0, RECENT.total_seconds()))
        else:
            age = timedelta(seconds=rng.uniform(0, YEARS * 365 * 86_400))
        recent = age < RECENT
        # 0: open (recent); 1: old and drifted; 2: old and closed.
        kind = 0 if recent else 1 if rng.random() < DRIFTED_SHARE else 2
        group = compiled[kind]
        if cases < len(compiled[0]):
            shape = compiled[0][cases]
        else:
            shape = rng.choice(group) if recent else rng.choices(group, weights[kind - 1])[0]
        archetype = shape.archetype
        if archetype.has_hrpm and next_hrpm_child + len(archetype.children) > job.reserve:
            continue
        if not job.at_home[id(shape)]:
            chosen = list(archetype.children)  # a neighbour's case keeps its own child
        elif archetype.has_hrpm:
            chosen = job.child_ids[next_hrpm_child : next_hrpm_child + len(archetype.children)]
            next_hrpm_child += len(archetype.children)
        else:
            chosen = _distinct(rng, job.child_ids, job.reserve, len(archetype.children))
        people = [
            p
            if p not in job.colleagues or rng.random() < job.keep[p]
            else rng.choice(job.colleagues[p])
            for p in archetype.professionals
        ]
        case_starts = {}
        for model, size in shape.offsets.items():
            case_starts[model] = starts[model]
            starts[model] += size
        case = clone.Case(
            starts=case_starts,
            children=chosen,
            professionals=people,
            delta=(real_now - age) - job.present[kind],
            now=real_now,
            recent=recent,
        )
        case_rng = random.Random(rng.getrandbits(64))
        if _writes_rows(cases // CHUNK_CASES, role, writers):
            clone.copy_rows(shape, case, case_rng, job.emails, writer.add)
        if role == 0:
            for entry in clone.case_audit(shape, case, job.usernames):
                values = audit_row.copy()
                values[audit_at[0]] = starts[AuditEntry]
                for position, value in zip(audit_at[1:], chain.link(entry), strict=True):
                    values[position] = value
                starts[AuditEntry] += 1
                writer.add(AuditEntry, tuple(values))
        made += archetype.discussions
        cases += 1
        if cases % CHUNK_CASES == 0:
            writer.flush()
            rate = made / (time.perf_counter() - began)
            job.log(
                f"  {'' if writers == 1 else f'writer {role}: '}{made:,} of {discussions:,} "
                f"discussions ({cases:,} cases), {rate:,.0f} discussions/s, "
                f"about {(discussions - made) / rate / 60:.1f} min left"
            )
    writer.flush()
    return made, cases, dict(writer.counts)


# What Chain.link returns, in order; the entry's id comes first.
_LINKED = (
    "id",
    "sequence",
    "prev_hash",
    "hash",
    "at",
    "actor_id",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "child_id",
    "summary",
    "remote_addr",
)


def _audit_layout() -> tuple[list[Any], list[int]]:
    """An audit row's defaults, and where each linked value goes in it: worked out once, not
    per entry (a million discussions write tens of millions of entries)."""
    fields = AuditEntry._meta.concrete_fields
    attnames = [f.attname for f in fields]
    row: list[Any] = [None if f.attname in _LINKED else f.get_default() for f in fields]
    return row, [attnames.index(name) for name in _LINKED]


def _partnerships(archetype: Archetype) -> set[int]:
    return {
        row[[f.attname for f in m._meta.concrete_fields].index("partnership_id")]
        for m, rows in archetype.rows.items()
        if m._meta.label_lower == "referrals.referral"
        for row in rows
    }


def _distinct(rng: random.Random, pool: list[int], start: int, count: int) -> list[int]:
    chosen: list[int] = []
    while len(chosen) < count:
        pick = pool[rng.randrange(start, len(pool))]
        if pick not in chosen:
            chosen.append(pick)
    return chosen
