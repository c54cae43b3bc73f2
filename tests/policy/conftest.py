"""Fixtures for the policy engine tests; none of them needs Django or a database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from convene.policy.facts import CaseFacts
from convene.policy.loader import load_pack, load_pack_file
from convene.policy.pack import PolicyPack

FIXTURES = Path(__file__).parent / "fixtures"

# A Wednesday in March 2026 (GMT), far from bank holidays and clock changes.
WEDNESDAY = "2026-03-04T10:00:00+00:00"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def england() -> PolicyPack:
    return load_pack("england")


@pytest.fixture(scope="session")
def gloucestershire() -> PolicyPack:
    return load_pack("gloucestershire")


@pytest.fixture(scope="session")
def halton() -> PolicyPack:
    return load_pack("halton")


@pytest.fixture(scope="session")
def warwickshire() -> PolicyPack:
    return load_pack("warwickshire")


@pytest.fixture(scope="session")
def good_pack() -> Callable[[str], PolicyPack]:
    def load(name: str) -> PolicyPack:
        return load_pack_file(FIXTURES / "good" / f"{name}.toml")

    return load


@pytest.fixture(scope="session")
def make_facts() -> Callable[..., CaseFacts]:
    """CaseFacts for a significant-harm concern received on a Wednesday, with changes."""

    def make(received_at: str = WEDNESDAY, **changes: Any) -> CaseFacts:
        changes.setdefault("significant_harm_suspected", True)
        return CaseFacts(received_at=datetime.fromisoformat(received_at), **changes)

    return make
