"""The record PDF's fonts, parsed once per process: each document still embeds its own glyphs.

fpdf2 subsets a font in place when it writes a document, so a font object shared by two
documents would leave the second with the first one's glyphs (or a closed font). These
tests render documents one after another and in threads, and read the font each embeds.
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import TTFFont
from pypdf import PdfReader

from convene.records import pdf_fonts
from convene.records.pdf import FAMILY, FONTS, render_pdf
from tests.records.test_record_pdf_render import _snapshot

GREEK = "Ωμέγα Ξανθή"
CYRILLIC = "Жанна Щукина"
GREEK_ONLY = "ΩΞθ"  # letters of one name, not of the other
CYRILLIC_ONLY = "ЖЩк"


def _named(name: str, reference: str = "D000042") -> dict:
    return _snapshot(
        reference=reference,
        partnership=f"{name} partnership",
        children=[{"name": name, "date_of_birth": "2019-01-02"}],
    )


def _embedded(pdf: bytes) -> list[ttLib.TTFont]:
    """The font programs a PDF embeds (fpdf2: Type0 fonts with one TrueType descendant)."""
    found = []
    for font in PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        data = descriptor.get_object()["/FontFile2"].get_object().get_data()
        found.append(ttLib.TTFont(io.BytesIO(data)))
    return found


def _drawn(pdf: bytes) -> set[str]:
    """The characters some embedded font has an outline for."""
    drawn = set()
    for font in _embedded(pdf):
        glyphs = font["glyf"]
        drawn |= {
            chr(code)
            for code, name in font.getBestCmap().items()
            if glyphs[name].numberOfContours != 0
        }
    return drawn


def _fpdf2_own_fonts(monkeypatch) -> None:
    """Render as before the cache: fpdf2 parses each font file for each document."""

    def parse_each_time(pdf, family, style, path):
        FPDF.add_font(pdf, family, style, str(path))

    monkeypatch.setattr(pdf_fonts, "add_font", parse_each_time)


def test_each_document_embeds_the_glyphs_it_uses_and_no_others():
    first = render_pdf(_named(GREEK))
    second = render_pdf(_named(CYRILLIC))
    assert _drawn(first) & {*GREEK_ONLY, *CYRILLIC_ONLY} == {*GREEK_ONLY}
    assert _drawn(second) & {*GREEK_ONLY, *CYRILLIC_ONLY} == {*CYRILLIC_ONLY}
    assert render_pdf(_named(GREEK)) == first  # the third document is the first again


def test_the_cached_fonts_render_the_bytes_fpdf2_renders_alone(monkeypatch):
    snapshots = [_named(GREEK), _named(CYRILLIC, "D000043"), _snapshot()]
    cached = [render_pdf(s) for s in snapshots]
    _fpdf2_own_fonts(monkeypatch)
    assert [render_pdf(s) for s in snapshots] == cached


def test_documents_rendered_in_threads_do_not_mix():
    snapshots = [_named(GREEK), _named(CYRILLIC, "D000043"), _snapshot()] * 2
    alone = [render_pdf(s) for s in snapshots]
    with ThreadPoolExecutor(max_workers=len(snapshots)) as pool:
        assert list(pool.map(render_pdf, snapshots)) == alone


def test_two_documents_share_none_of_the_font_state_a_document_writes():
    fonts = []
    for _ in range(2):
        pdf = FPDF()
        pdf_fonts.add_font(pdf, FAMILY, "", FONTS / "DejaVuSans.ttf")
        fonts.append(pdf.fonts[FAMILY.lower()])
    first, second = fonts
    for name in pdf_fonts.PER_DOCUMENT:
        value = getattr(first, name)
        if value is not None and not isinstance(value, int | float):
            assert value is not getattr(second, name), name


def test_every_attribute_of_fpdf2s_font_is_shared_or_per_document():
    """A newer fpdf2 with a new TTFFont attribute fails here until pdf_fonts places it."""
    assert not pdf_fonts.PER_DOCUMENT & pdf_fonts.SHARED
    assert set(TTFFont.__slots__) == pdf_fonts.PER_DOCUMENT | pdf_fonts.SHARED
