"""The record PDF's fonts, parsed once per process rather than once per document.

fpdf2's ``add_font`` parses the whole TrueType file for every document (fontTools reading
the cmap, the widths and the glyph table, then a Python loop over every character): about
40 ms a font, two fonts a PDF, on every authorisation. Here each font is parsed once into a
template, and each document gets a copy of it.

What a copy shares and what it owns, from fpdf2's ``TTFFont`` (2.8.9): the font's facts
(name, metrics, flags, the character-to-glyph ``cmap``) are only read, so they are shared,
as fpdf2's own ``__deepcopy__`` shares them. A document owns everything output or layout
writes: its index ``i``; the glyph ``subset`` it uses, ``missing_glyphs`` and
``biggest_size_pt``; the font descriptor ``desc`` (output sets its object id and embedded
file); the widths ``cw`` (a defaultdict: reading a character the font lacks writes it) and
``glyph_ids``, copied as fpdf2 copies them; and above all the fontTools ``ttfont``, which
output subsets *in place* to the document's glyphs and then closes, so each document opens
its own, from the file's bytes read once. The template is never added to a document,
rendered or output. Nothing shared is written, so two documents, one after the other or in
two threads, never mix (tests/records/test_record_pdf_fonts.py).
"""

from __future__ import annotations

import copy
import io
import threading
from dataclasses import dataclass
from pathlib import Path

from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

__all__ = ["PER_DOCUMENT", "SHARED", "add_font"]

# Every attribute of fpdf2's TTFFont, as add_font treats it: a newer fpdf2 that adds one
# fails the tests until it is placed in one or the other.
PER_DOCUMENT = frozenset(
    {
        "i",
        "ttfont",
        "subset",
        "missing_glyphs",
        "biggest_size_pt",
        "desc",
        "cw",
        "glyph_ids",
        "_hbfont",
        "color_font",
    }
)
SHARED = frozenset(
    {
        "type",
        "name",
        "sp",
        "ss",
        "up",
        "ut",
        "ttffile",
        "fontkey",
        "emphasis",
        "scale",
        "cmap",
        "unicode_range",
        "palette_index",
        "is_compressed",
        "is_cff",
        "is_cid_keyed",
        "is_symbol",
        "cff_ros",
        "collection_font_number",
    }
)


@dataclass(frozen=True)
class _Parsed:
    data: bytes  # the font file, for each document's own fontTools TTFont
    template: TTFFont


_parsed: dict[tuple[str, str, Path], _Parsed] = {}
_parsing = threading.Lock()


def _parse(family: str, style: str, path: Path) -> _Parsed:
    with _parsing:
        found = _parsed.get((family, style, path))
        if found is None:
            probe = FPDF()
            probe.add_font(family, style, str(path))
            (template,) = probe.fonts.values()
            assert isinstance(template, TTFFont)
            if template.color_font is not None or template.is_cff:
                raise ValueError(f"{path}: colour and CFF fonts hold state not copied here")
            template.ttfont.close()  # each document opens its own
            found = _parsed[(family, style, path)] = _Parsed(path.read_bytes(), template)
        return found


def add_font(pdf: FPDF, family: str, style: str, path: Path) -> None:
    """``pdf.add_font(family, style, path)`` without parsing the file again."""
    parsed = _parse(family, style, path)
    font = copy.copy(parsed.template)
    font.i = len(pdf.fonts) + 1
    font.ttfont = ttLib.TTFont(io.BytesIO(parsed.data), recalcTimestamp=False, lazy=True)
    font.subset = SubsetMap(font)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.desc = copy.copy(parsed.template.desc)
    font.cw = parsed.template.cw.copy()
    font.glyph_ids = dict(parsed.template.glyph_ids)
    font._hbfont = None
    font.color_font = None
    pdf.fonts[font.fontkey] = font
