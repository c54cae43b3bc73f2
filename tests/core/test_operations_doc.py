"""Issue 14: docs/operations.md documents every variable in .env.example."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from django.core.management import load_command_class

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_variable_is_in_the_operations_guide():
    example = (ROOT / ".env.example").read_text()
    guide = (ROOT / "docs" / "operations.md").read_text()
    names = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    assert len(names) > 30
    missing = sorted(name for name in names if f"`{name}`" not in guide)
    assert not missing, f"docs/operations.md does not describe {missing}"


def _convene_commands() -> list[list[str]]:
    """Every `convene ...` command the compose file and the Containerfile run."""
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    commands = [
        s["command"]
        for s in compose["services"].values()
        # PostgreSQL's own command carries its settings, not Convene's.
        if "command" in s and not s.get("image", "").startswith("docker.io/library/postgres")
    ]
    containerfile = (ROOT / "Containerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", containerfile, flags=re.MULTILINE)
    assert cmd
    commands.append(json.loads(cmd.group(1)))
    return commands


def test_the_container_entry_points_are_real_commands_and_options():
    commands = _convene_commands()
    assert {tuple(c[:2]) for c in commands} == {
        ("convene", "serve"),
        ("convene", "migrate"),
        ("convene", "worker"),
    }
    for command in commands:
        # Parsing the options as `convene` would: an unknown one fails here.
        app = {"serve": "convene.core", "worker": "convene.reminders"}.get(command[1])
        handler = load_command_class(app or "django.core", command[1])
        handler.create_parser("convene", command[1]).parse_args(command[2:])
