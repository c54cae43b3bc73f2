"""Find blocks of code written twice in ``convene/`` (issue 17's "no copied block" gate).

A block is six or more consecutive lines of code. Two places hold the same block
when their lines are the same to the letter, or have the same *shape*: the same
keywords and punctuation with other names, strings and numbers. Lines that say
nothing on their own (a closing bracket, ``else:``) are passed over, and so are
blocks whose lines repeat one shape (a list of model fields or choices), and
shapes found in more than ``TOO_COMMON`` places: those are the language's
boilerplate, not a copy. Imports, decorators and a URL module's route list
(``app_name``, ``urlpatterns``) are passed over too.

``python -m tests.copied_blocks`` prints today's pairs of files;
``python -m tests.copied_blocks --write-known`` rewrites the known list (review
the diff: the list may only shrink).
"""

from __future__ import annotations

import io
import keyword
import sys
import tokenize
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "convene"
KNOWN = Path(__file__).resolve().parent / "copied_blocks_known.txt"
BLOCK = 6
TOO_COMMON = 8
# A block needs this many names, strings or numbers to be more than punctuation.
MIN_WORDS = 18

_THIN = {"", ")", "]", "}", "),", "],", "},", "else:", "try:", "finally:", "pass", "return"}
_DECLARATIONS = {"import", "from", "@", "app_name", "urlpatterns"}
_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def _shaped_lines(source: str) -> Iterator[tuple[int, str, int]]:
    """(line number, shape, words) of each line with code, in order."""
    by_line: dict[int, list[str]] = defaultdict(list)
    words: dict[int, int] = defaultdict(int)
    in_import = False
    statement_start = True
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.NEWLINE:
            statement_start, in_import = True, False
        if token.type in _SKIPPED or token.type == tokenize.ENDMARKER:
            continue
        if statement_start:
            # Import lists, decorators (a route's method, path and responses) and URL lists
            # repeat by nature; they declare, they are not copied logic.
            in_import = token.string in _DECLARATIONS
            statement_start = False
        if in_import:
            continue
        line = token.start[0]
        if token.type == tokenize.NAME and not keyword.iskeyword(token.string):
            by_line[line].append("N")
            words[line] += 1
        elif token.type == tokenize.STRING:
            by_line[line].append("S")
            words[line] += 1
        elif token.type == tokenize.NUMBER:
            by_line[line].append("0")
            words[line] += 1
        else:
            by_line[line].append(token.string)
    for line in sorted(by_line):
        shape = " ".join(by_line[line])
        if shape not in _THIN:
            yield line, shape, words[line]


def _blocks(path: Path) -> Iterator[tuple[tuple[str, ...], int, int]]:
    """(shapes, first line, last line) of every run of BLOCK lines worth comparing."""
    lines = list(_shaped_lines(path.read_text()))
    for start in range(len(lines) - BLOCK + 1):
        window = lines[start : start + BLOCK]
        shapes = tuple(shape for _, shape, _ in window)
        if len(set(shapes)) <= 2 or sum(count for *_, count in window) < MIN_WORDS:
            continue
        yield shapes, window[0][0], window[-1][0]


def copied_pairs() -> dict[str, list[str]]:
    """``"a.py ~ b.py"`` -> the line ranges where b repeats a, for every pair of files."""
    places: dict[tuple[str, ...], list[tuple[str, int, int]]] = defaultdict(list)
    for path in _modules():
        name = path.relative_to(ROOT).as_posix()
        for shapes, first, last in _blocks(path):
            places[shapes].append((name, first, last))
    pairs: dict[str, list[str]] = defaultdict(list)
    for found in places.values():
        if len(found) > TOO_COMMON:
            continue
        for i, (file_a, first_a, last_a) in enumerate(found):
            for file_b, first_b, last_b in found[i + 1 :]:
                if file_a == file_b and first_b <= last_a:
                    continue  # a block overlapping itself (a repeated line), not a copy
                key = " ~ ".join(sorted((file_a, file_b)))
                pairs[key].append(f"{first_a}-{last_a} ~ {first_b}-{last_b}")
    return dict(pairs)


def known_pairs() -> set[str]:
    lines = KNOWN.read_text().splitlines() if KNOWN.exists() else []
    return {line for line in lines if line and not line.startswith("#")}


def main(argv: list[str]) -> None:
    pairs = copied_pairs()
    if "--write-known" in argv:
        header = (
            "# Pairs of files that repeat a block today (tests/copied_blocks.py). Only shrinks.\n"
        )
        KNOWN.write_text(header + "".join(f"{key}\n" for key in sorted(pairs)))
    for key in sorted(pairs):
        print(f"{key}: {', '.join(pairs[key][:3])}")
    print(f"{len(pairs)} pairs of files")


if __name__ == "__main__":
    main(sys.argv[1:])
