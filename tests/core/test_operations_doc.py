"""Issue 14: docs/operations.md documents every variable in .env.example."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_variable_is_in_the_operations_guide():
    example = (ROOT / ".env.example").read_text()
    guide = (ROOT / "docs" / "operations.md").read_text()
    names = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    assert len(names) > 30
    missing = sorted(name for name in names if f"`{name}`" not in guide)
    assert not missing, f"docs/operations.md does not describe {missing}"
