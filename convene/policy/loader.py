"""Read policy files, resolve ``extends`` and ``include``, validate the whole, or nothing.

A pack is found as ``<id>.toml`` and a standard as ``standards/<id>.toml``,
first beside the file being loaded, then in the shipped ``packs/`` directory.
Every problem in the pack, its bases and its standards is collected as a
:class:`PolicyError` and raised together as one :class:`PolicyInvalid`:
a pack with any problem never loads, not even in part.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from convene.policy import checks, duty
from convene.policy.errors import (
    PolicyError,
    PolicyInvalid,
    from_validation_error,
    sorted_problems,
)
from convene.policy.pack import PolicyPack, origin_of
from convene.policy.schema import Document, PackFile, PolicyFile, Rule, StandardFile

__all__ = [
    "PACKS_DIR",
    "UnknownPolicy",
    "available_packs",
    "check_file",
    "clear_cache",
    "load_pack",
    "load_pack_file",
]

PACKS_DIR = Path(__file__).resolve().parent / "packs"
_REPO_ROOT = PACKS_DIR.parents[2]
_FILE: TypeAdapter[PackFile | StandardFile] = TypeAdapter(PolicyFile)
_RULE: TypeAdapter[Rule] = TypeAdapter(Rule)


class UnknownPolicy(LookupError):
    pass


@dataclass
class _File:
    path: Path
    name: str  # how errors name the file
    header: PackFile | StandardFile
    rules: tuple[Rule, ...]


@dataclass
class _Merged:
    lineage: list[tuple[str, str]] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    documents: dict[str, dict[str, Document]] = field(default_factory=dict)
    closure_days: set[date] = field(default_factory=set)
    files: list[_File] = field(default_factory=list)

    def add(self, file: _File) -> None:
        self.lineage.append((file.header.id, file.header.version))
        self.rules += file.rules
        self.documents[file.header.id] = dict(file.header.documents)
        self.files.append(file)
        if isinstance(file.header, PackFile):
            self.closure_days |= set(file.header.closure_days)

    def file_of(self, rule_id: str) -> str:
        origin = origin_of(rule_id)
        return next(f.name for f in self.files if f.header.id == origin)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(_REPO_ROOT))
    except ValueError:
        return str(path)


class _Loader:
    def __init__(self, start: Path) -> None:
        self.dirs = list(dict.fromkeys([start.resolve().parent, PACKS_DIR]))
        self.problems: list[PolicyError] = []
        self._read: dict[Path, _File | None] = {}

    def find(self, file_id: str, *, standard: bool) -> Path | None:
        relative = Path("standards", f"{file_id}.toml") if standard else Path(f"{file_id}.toml")
        return next((d / relative for d in self.dirs if (d / relative).is_file()), None)

    def read(self, path: Path) -> _File | None:
        path = path.resolve()
        if path not in self._read:
            self._read[path] = self._parse(path, _display(path))
        return self._read[path]

    def _parse(self, path: Path, name: str) -> _File | None:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            self.problems.append(PolicyError(name, None, "", f"cannot read as TOML: {error}"))
            return None
        raw_rules = raw.pop("rules", [])
        if not isinstance(raw_rules, list):
            self.problems.append(PolicyError(name, None, "rules", "write rules as [[rules]]"))
            raw_rules = []
        header = None
        try:
            header = _FILE.validate_python(raw)
        except ValidationError as error:
            tag = raw.get("kind") if isinstance(raw.get("kind"), str) else None
            self.problems += from_validation_error(error, file=name, rule_id=None, tag=tag)
        rules = []
        for i, item in enumerate(raw_rules):
            item_id = item.get("id") if isinstance(item, dict) else None
            rule_id = item_id if isinstance(item_id, str) else f"rules[{i}]"
            try:
                rules.append(_RULE.validate_python(item))
            except ValidationError as error:
                tag = item.get("kind") if isinstance(item, dict) else None
                self.problems += from_validation_error(
                    error, file=name, rule_id=rule_id, tag=tag if isinstance(tag, str) else None
                )
        if header is None:
            return None
        if header.id != path.stem:
            self.problems.append(
                PolicyError(
                    name, None, "id", f"{header.id!r} must match the file name {path.stem!r}"
                )
            )
        self.problems += checks.check_file(name, header, rules)
        return _File(path=path, name=name, header=header, rules=tuple(rules))

    def merge(self, path: Path, *, stack: tuple[str, ...] = ()) -> _Merged | None:
        file = self.read(path)
        if file is None:
            return None
        header = file.header
        if not isinstance(header, PackFile):
            self.problems.append(
                PolicyError(file.name, None, "kind", "a standard is included by packs, not loaded")
            )
            return None
        merged = _Merged()
        base_missing = False
        if header.extends is not None:
            base = self._base(file, header.extends, (*stack, header.id))
            base_missing = base is None
            merged = base or merged
        for standard_id in header.include:
            if standard_id in {file_id for file_id, _ in merged.lineage}:
                continue  # a base already includes it
            standard = self._standard(file, standard_id)
            if standard is not None:
                self.problems += checks.check_replaces(standard.name, standard.rules, merged.rules)
                merged.add(standard)
        if not base_missing:  # else every replaces would be reported as unknown too
            self.problems += checks.check_replaces(file.name, file.rules, merged.rules)
            base_kinds = {
                rule.id: rule.kind
                for f in merged.files
                if isinstance(f.header, PackFile)
                for rule in f.rules
            }
            self.problems += checks.check_readings(file.name, file.rules, base_kinds)
        merged.add(file)
        self.problems += checks.check_merged(tuple(merged.rules), merged.file_of)
        self.problems += duty.check_duty_to_convene(tuple(merged.rules), merged.file_of)
        return merged

    def _base(self, file: _File, base_id: str, stack: tuple[str, ...]) -> _Merged | None:
        if base_id in stack:
            cycle = " → ".join((*stack[stack.index(base_id) :], base_id))
            self.problems.append(PolicyError(file.name, None, "extends", f"cycle: {cycle}"))
            return None
        base_path = self.find(base_id, standard=False)
        if base_path is None:
            where = ", ".join(_display(d) for d in self.dirs)
            message = f"no pack {base_id!r}: looked for {base_id}.toml in {where}"
            self.problems.append(PolicyError(file.name, None, "extends", message))
            return None
        return self.merge(base_path, stack=stack)

    def _standard(self, file: _File, standard_id: str) -> _File | None:
        path = self.find(standard_id, standard=True)
        if path is None:
            where = ", ".join(_display(d / "standards") for d in self.dirs)
            message = f"no standard {standard_id!r}: looked for {standard_id}.toml in {where}"
            self.problems.append(PolicyError(file.name, None, "include", message))
            return None
        standard = self.read(path)
        if standard is not None and not isinstance(standard.header, StandardFile):
            message = f"{standard_id!r} is a pack; extend it rather than include it"
            self.problems.append(PolicyError(file.name, None, "include", message))
            return None
        return standard


def _digest(merged: _Merged) -> str:
    content = {
        "lineage": merged.lineage,
        "closure_days": sorted(d.isoformat() for d in merged.closure_days),
        "rules": [rule.model_dump(mode="json") for rule in merged.rules],
        "conventions": [
            f.header.conventions for f in merged.files if isinstance(f.header, PackFile)
        ],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]


def load_pack_file(path: Path | str) -> PolicyPack:
    """Load and validate a pack with everything it builds on; raises :class:`PolicyInvalid`."""
    loader = _Loader(Path(path))
    merged = loader.merge(Path(path))
    if loader.problems or merged is None:
        raise PolicyInvalid(loader.problems)
    header = merged.files[-1].header
    assert isinstance(header, PackFile)  # merge() returns None for a standard
    return PolicyPack(
        id=header.id,
        title=header.title,
        version=header.version,
        conventions=header.conventions,
        lineage=tuple(merged.lineage),
        closure_days=frozenset(merged.closure_days),
        rules=tuple(merged.rules),
        documents=merged.documents,
        digest=_digest(merged),
        files=tuple(f.path for f in merged.files),
    )


def check_file(path: Path | str) -> list[PolicyError]:
    """Every problem in a pack (with its bases and standards) or a standard file."""
    loader = _Loader(Path(path))
    file = loader.read(Path(path))
    if file is not None and isinstance(file.header, PackFile):
        loader.merge(Path(path))
    return list(sorted_problems(loader.problems))


@functools.cache
def load_pack(policy_id: str) -> PolicyPack:
    """The shipped pack ``policy_id``, loaded once per process."""
    path = PACKS_DIR / f"{policy_id}.toml"
    if not re.fullmatch(r"[a-z][a-z0-9_]*", policy_id) or not path.is_file():
        raise UnknownPolicy(f"no policy pack {policy_id!r}; known: {', '.join(available_packs())}")
    return load_pack_file(path)


def available_packs() -> list[str]:
    return sorted(path.stem for path in PACKS_DIR.glob("*.toml"))


def available_standards() -> list[str]:
    return sorted(path.stem for path in (PACKS_DIR / "standards").glob("*.toml"))


def clear_cache() -> None:
    load_pack.cache_clear()
