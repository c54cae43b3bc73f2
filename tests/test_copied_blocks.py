"""Gate: no block of six or more lines written twice in ``convene/`` (issue 17).

The detector is ``tests/copied_blocks.py``. ``tests/copied_blocks_known.txt`` lists
the pairs of files that repeat a block today; a new pair fails, and a pair that no
longer repeats must be removed from the list, so it can only shrink.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests import copied_blocks


def test_no_new_copied_block() -> None:
    pairs = copied_blocks.copied_pairs()
    new = sorted(set(pairs) - copied_blocks.known_pairs())
    assert not new, (
        "These files repeat a block of six or more lines (the same code, or the same shape "
        "with other names). Put it in one function both call:\n"
        + "\n".join(f"  {key}: {pairs[key][:2]}" for key in new)
    )


def test_known_copied_blocks_only_shrink() -> None:
    gone = sorted(copied_blocks.known_pairs() - set(copied_blocks.copied_pairs()))
    assert not gone, "No longer repeated; remove from tests/copied_blocks_known.txt:\n" + "\n".join(
        gone
    )


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(copied_blocks, "ROOT", tmp_path)
    monkeypatch.setattr(copied_blocks, "PACKAGE", tmp_path / "convene")
    (tmp_path / "convene").mkdir()
    return tmp_path / "convene"


COPIED = """
def {name}(record, user, now):
    if record.state != "draft":
        raise ValueError("Only a draft can be {verb}.")
    record.{field} = user
    record.{field}_at = now
    record.save(update_fields=["{field}", "{field}_at"])
    audit_record(user, "{verb}", record)
    return record
"""


def test_the_detector_finds_a_block_copied_with_other_names(package: Path) -> None:
    (package / "a.py").write_text(COPIED.format(name="sign", verb="signed", field="signer"))
    (package / "b.py").write_text(COPIED.format(name="stamp", verb="stamped", field="stamper"))
    assert list(copied_blocks.copied_pairs()) == ["convene/a.py ~ convene/b.py"]


def test_the_detector_passes_over_imports_field_lists_and_other_shapes(package: Path) -> None:
    fields = "".join(f"    field_{n} = models.CharField(max_length={n})\n" for n in range(10))
    imports = "".join(f"from convene.app{n} import thing{n}\n" for n in range(8))
    routes = "".join(f'    path("page{n}/", views.page_{n}, name="page-{n}"),\n' for n in range(5))
    (package / "a.py").write_text(imports + "class A:\n" + fields)
    (package / "b.py").write_text(imports + "class B:\n" + fields)
    for app in ("e", "f"):
        (package / f"{app}.py").write_text(f'app_name = "{app}"\n\nurlpatterns = [\n{routes}]\n')
    (package / "c.py").write_text(COPIED.format(name="sign", verb="signed", field="signer"))
    (package / "d.py").write_text(
        textwrap.dedent(
            """
            def total(rows):
                seen = set()
                for row in rows:
                    if row.id in seen:
                        continue
                    seen.add(row.id)
                return len(seen)
            """
        )
    )
    assert copied_blocks.copied_pairs() == {}
