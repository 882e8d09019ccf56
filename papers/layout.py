"""Lays out a paper's blocks on A4 with fpdf2: the form's headings, wrapped text, a footer on
every page with the registry number, the date, the issuing body, the verification link and
its QR code.

Blocks are plain values (`papers/forms.py` builds them from the facts, already worded in the
reader's language); this module knows only how each kind of block looks. The output is
deterministic: the creation date comes from the paper, fpdf2's file id is a hash of the
content, and nothing random is written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import segno
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from flows.calendar import KZ_TZ

FONTS = Path(__file__).parent / "fonts"
REGULAR = FONTS / "LiberationSerif-Regular.ttf"
BOLD = FONTS / "LiberationSerif-Bold.ttf"
FAMILY = "LiberationSerif"

# Sizes in mm and points.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP = 25.0, 15.0, 15.0
FOOTER_HEIGHT = 30.0  # the footer's band at the bottom of every page
QR_SIZE = 24.0
BODY_PT, SMALL_PT, FOOTER_PT, TITLE_PT = 12.0, 10.0, 8.0, 13.0
LINE = 5.6  # body line height
SMALL_LINE = 4.4
FOOTER_LINE = 3.4
# A character the font has no glyph for (an emoji in a child's message) prints as this.
MISSING = "□"


@dataclass(frozen=True)
class Corner:
    """Small print in the upper right: the form's appendix mark."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Addressee:
    """The right-hand block of the addressee (or of the applicant on an application)."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Letterhead:
    """The issuing body and its address, centred above a rule."""

    name: str
    address: str


@dataclass(frozen=True)
class Title:
    lines: tuple[str, ...]  # bold, centred
    sub: tuple[str, ...] = ()  # regular, centred: the number and date


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    bold: bool = False
    small: bool = False


@dataclass(frozen=True)
class Field:
    """"Label: value" as one wrapped paragraph, the label in bold."""

    label: str
    value: str


@dataclass(frozen=True)
class Items:
    """Numbered lines "1) …" with a hanging indent (or bulleted ones)."""

    items: tuple[str, ...]
    numbered: bool = True
    first: int = 1  # the first item's number (a list's last item kept with the signature)
    upto: int = 0  # the whole list's last number, when this is a piece of it (the indent)


@dataclass(frozen=True)
class Transcript:
    """A table: time, who, message; each row kept on one page where it fits."""

    head: tuple[str, str, str]
    rows: tuple[tuple[str, str, str], ...]
    unprintable: str = ""  # the word a message's emoji read as ("[эмодзи]"), not a box


@dataclass(frozen=True)
class Signature:
    """The date, then the official's position on the left and the name on the right, kept
    together on one page."""

    position: str
    name: str
    date_label: str = ""
    date: str = ""


@dataclass(frozen=True)
class Gap:
    mm: float = 4.0


Block = (Corner | Addressee | Letterhead | Title | Heading | Para | Field | Items | Transcript
         | Signature | Gap)


@dataclass(frozen=True)
class Footer:
    lines: tuple[str, ...]  # number and date, body, verification link
    page: str  # with {page} and {pages}
    banner: str = ""  # above the lines, bold: a courtesy translation says so on each page


@dataclass(frozen=True)
class Part:
    """One language's text of a paper: the original, or a courtesy translation after it."""

    language: str
    title: str
    blocks: tuple[Block, ...]
    footer: Footer
    banner: tuple[str, ...] = ()  # printed first, in a box: "courtesy translation, …"


class _Glyphs:
    """The code points the shipped regular font can print (bold has the same set)."""

    _cmap: frozenset[int] | None = None

    @classmethod
    def known(cls) -> frozenset[int]:
        if cls._cmap is None:
            font = TTFont(str(REGULAR), lazy=True)
            cls._cmap = frozenset(font.getBestCmap())
            font.close()
        return cls._cmap


def printable(text: str, missing: str = "") -> str:
    """The text with what the font cannot print replaced (emoji, rare symbols), and the
    invisible marks that would print as boxes dropped. `missing`: a word for each run of
    them (a child's "🙂🙂" in a record reads "[эмодзи]"), else a box each."""
    known = _Glyphs.known()
    out = []
    in_run = False
    for char in text:
        if char in "\u2068\u2069\u200d\ufe0f\ufe0e\u200b" or "\U0001f3fb" <= char <= "\U0001f3ff":
            continue  # joiners, variation selectors and skin tones belong to the emoji
        if char in "\n\t" or ord(char) in known:
            out.append(char)
            in_run = False
        elif not missing:
            out.append(MISSING)
        elif not in_run:
            out.append(missing)
            in_run = True
    return "".join(out)


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=0)
    return buffer.getvalue()


class _Pdf(FPDF):
    def __init__(self, qr: bytes) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.qr = qr
        self.part: Part | None = None
        self.measured = False
        self.scratch: _Pdf | None = None  # where `keep_together` measures
        self.add_font(FAMILY, "", str(REGULAR))
        self.add_font(FAMILY, "B", str(BOLD))
        self.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
        self.set_auto_page_break(True, margin=FOOTER_HEIGHT + 4)
        self.alias_nb_pages("{pages}")

    @property
    def width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def footer(self) -> None:
        if self.part is None:
            return
        footer = self.part.footer
        top = self.h - FOOTER_HEIGHT - 2
        self.set_draw_color(120, 120, 120)
        self.set_line_width(0.2)
        self.line(self.l_margin, top, self.w - self.r_margin, top)
        self.image(io.BytesIO(self.qr), x=self.w - self.r_margin - QR_SIZE, y=top + 2,
                   w=QR_SIZE, h=QR_SIZE)
        text_width = self.width - QR_SIZE - 4
        self.set_xy(self.l_margin, top + 2)
        if footer.banner:
            self.set_font(FAMILY, "B", FOOTER_PT)
            self.multi_cell(text_width, FOOTER_LINE, printable(footer.banner),
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "", FOOTER_PT)
        for line in footer.lines:
            self.multi_cell(text_width, FOOTER_LINE, printable(line),
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        page = footer.page.replace("{page}", str(self.page_no()))
        self.multi_cell(text_width, FOOTER_LINE, page, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(0, 0, 0)

    # ------------------------------------------------------------------ helpers
    def keep_together(self, blocks: tuple[Block, ...]) -> None:
        """Draw the blocks on one page where they fit on one: measured first on a scratch
        page of the same size, then a new page here if they would not fit what is left."""
        if self.scratch is None:  # one per document: its fonts are loaded once
            self.scratch = _Pdf(self.qr)
        scratch = self.scratch
        scratch.add_page()
        first, top = scratch.page_no(), scratch.get_y()
        for block in blocks:
            scratch.draw(block)
        height = scratch.get_y() - top
        fits = scratch.page_no() == first and height <= KEPT_AT_MOST
        if not fits and len(blocks) > 1:  # a long text before the closing goes as it is
            self.draw(blocks[0])
            self.keep_together(blocks[1:])
            return
        if fits and self.will_page_break(height):
            self.add_page()
        self.measured = fits  # the blocks' own reservations are moot: they fit, measured
        for block in blocks:
            self.draw(block)
        self.measured = False

    def room_for(self, height: float) -> None:
        """A new page unless `height` mm still fit above the footer (or the block is part
        of a group already measured to fit: `keep_together`)."""
        if not self.measured and self.will_page_break(height):
            self.add_page()

    def lines_of(self, width: float, text: str, line: float) -> int:
        result = self.multi_cell(width, line, text, dry_run=True, output="LINES")
        return max(1, len(result)) if isinstance(result, list) else 1

    def right_block(self, lines: tuple[str, ...], size: float, line: float) -> None:
        x = self.l_margin + self.width * 0.48
        self.set_font(FAMILY, "", size)
        width = self.w - self.r_margin - x
        for text in lines:
            self.set_x(x)
            self.multi_cell(width, line, self.at_hyphens(printable(text), width - 2),
                            align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)

    def at_hyphens(self, text: str, width: float) -> str:
        """A word wider than the column ("Жұмағұлова-Қайыржанқызы-…", a name may be 50
        letters) broken after its own hyphens, never inside a part of the name."""
        def fitted(word: str) -> str:
            if "-" not in word or self.get_string_width(word) <= width:
                return word
            lines, current = [], ""
            for part in word.replace("-", "-\0").split("\0"):
                if current and self.get_string_width(current + part) > width:
                    lines.append(current)
                    current = ""
                current += part
            return "\n".join([*lines, current])
        return "\n".join(" ".join(fitted(word) for word in row.split(" "))
                         for row in text.split("\n"))

    # ------------------------------------------------------------------ blocks
    def draw(self, block: Block) -> None:
        match block:
            case Corner(lines):
                self.right_block(lines, SMALL_PT, SMALL_LINE)
            case Addressee(lines):
                self.right_block(lines, BODY_PT, LINE)
            case Letterhead(name, address):
                self.set_font(FAMILY, "B", BODY_PT)
                self.multi_cell(0, LINE, printable(name), align="C",
                                new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.set_font(FAMILY, "", SMALL_PT)
                self.multi_cell(0, SMALL_LINE, printable(address), align="C",
                                new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.ln(1.5)
                self.set_line_width(0.5)
                self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
                self.ln(5)
            case Title(lines, sub):
                self.room_for(LINE * (len(lines) + len(sub) + 3))
                self.ln(2)
                self.set_font(FAMILY, "B", TITLE_PT)
                for text in lines:
                    self.multi_cell(0, LINE + 0.4, printable(text), align="C",
                                    new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.set_font(FAMILY, "", BODY_PT)
                for text in sub:
                    self.multi_cell(0, LINE, printable(text), align="C",
                                    new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.ln(4)
            case Heading(text):
                self.room_for(LINE * 4)
                self.ln(1.5)
                self.set_font(FAMILY, "B", BODY_PT)
                self.multi_cell(0, LINE, printable(text), align="L",
                                new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.ln(1)
            case Para(text, bold, small):
                size, line = (SMALL_PT, SMALL_LINE) if small else (BODY_PT, LINE)
                self.set_font(FAMILY, "B" if bold else "", size)
                self.multi_cell(0, line, printable(text), align="J",
                                new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.ln(1.8)
            case Field(label, value):
                self.room_for(LINE * 2)
                self.set_x(self.l_margin)
                with self.text_columns(text_align="L", l_margin=self.l_margin,
                                       r_margin=self.r_margin) as column, \
                        column.paragraph(line_height=LINE / (BODY_PT * 25.4 / 72),
                                         bottom_margin=1.2) as paragraph:
                    self.set_font(FAMILY, "B", BODY_PT)
                    paragraph.write(printable(label) + " ")
                    self.set_font(FAMILY, "", BODY_PT)
                    paragraph.write(printable(value))
                self.ln(1.2)
            case Items(items, numbered, first, upto):
                self.set_font(FAMILY, "", BODY_PT)
                # The number's cell as wide as the widest number, and a space after it:
                # "10)" must not run into its text.
                last = max(first + len(items) - 1, upto)
                widest = self.get_string_width(f"{last})") if numbered else 2.0
                indent = 3 + max(6.0, widest + 2.5)
                for number, text in enumerate(items, start=first):
                    self.room_for(LINE * 2)
                    mark = f"{number})" if numbered else "•"
                    self.set_x(self.l_margin + 3)
                    self.cell(indent - 3, LINE, mark)
                    self.multi_cell(self.width - indent, LINE, printable(text), align="L",
                                    new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                    self.ln(0.8)
                self.ln(1.2)
            case Transcript(head, rows, unprintable):
                self.transcript(head, rows, unprintable)
            case Signature(position, name, date_label, day):
                self.room_for(LINE * 3 + 8 + (LINE if day else 0))
                if day:
                    self.set_font(FAMILY, "B", BODY_PT)
                    label = printable(date_label) + " "
                    self.cell(self.get_string_width(label), LINE, label)
                    self.set_font(FAMILY, "", BODY_PT)
                    self.cell(0, LINE, printable(day), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.ln(5)
                half = self.width / 2
                y = self.get_y()
                self.set_font(FAMILY, "B", BODY_PT)
                self.multi_cell(half - 4, LINE, printable(position), align="L",
                                new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                below = self.get_y()
                self.set_xy(self.l_margin + half, y)
                self.multi_cell(half, LINE, printable(name), align="R",
                                new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.set_y(max(below, self.get_y()) + 2)
            case Gap(mm):
                self.ln(mm)

    def transcript(self, head: tuple[str, str, str],
                   rows: tuple[tuple[str, str, str], ...], unprintable: str = "") -> None:
        widths = (17.0, 30.0, self.width - 47.0)
        usable = self.h - self.t_margin - FOOTER_HEIGHT - 10

        def header() -> None:
            self.set_font(FAMILY, "B", SMALL_PT)
            y = self.get_y()
            x = self.l_margin
            for width, text in zip(widths, head, strict=True):
                self.set_xy(x, y)
                self.multi_cell(width, SMALL_LINE + 0.6, printable(text), align="L")
                x += width
            self.set_y(y + SMALL_LINE + 1.2)
            self.set_line_width(0.3)
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.ln(1)

        self.room_for(LINE * 4)
        header()
        for when, who, text in rows:
            self.set_font(FAMILY, "", SMALL_PT)
            text, who = printable(text, unprintable), printable(who)
            lines = max(self.lines_of(widths[2] - 1, text, SMALL_LINE),
                        self.lines_of(widths[1] - 1, who, SMALL_LINE))
            height = lines * SMALL_LINE + 1.6
            if height < usable and self.will_page_break(height):
                self.add_page()
                header()
                self.set_font(FAMILY, "", SMALL_PT)  # the header leaves it bold
            y = self.get_y()
            self.set_xy(self.l_margin, y)
            self.multi_cell(widths[0], SMALL_LINE, when, align="L")
            self.set_xy(self.l_margin + widths[0], y)
            self.set_font(FAMILY, "B", SMALL_PT)
            self.multi_cell(widths[1] - 1, SMALL_LINE, who, align="L")
            self.set_font(FAMILY, "", SMALL_PT)
            self.set_xy(self.l_margin + widths[0] + widths[1], y)
            start_page = self.page_no()
            self.multi_cell(widths[2] - 1, SMALL_LINE, text, align="L",
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            end = self.get_y() if self.page_no() != start_page else \
                max(self.get_y(), y + lines * SMALL_LINE)
            self.set_y(end + 0.8)
            self.set_line_width(0.1)
            self.set_draw_color(170, 170, 170)
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.set_draw_color(0, 0, 0)
            self.ln(0.8)
        self.ln(3)

    def banner(self, lines: tuple[str, ...]) -> None:
        self.set_font(FAMILY, "B", BODY_PT)
        y = self.get_y()
        self.set_x(self.l_margin + 3)
        for text in lines:
            self.set_x(self.l_margin + 3)
            self.multi_cell(self.width - 6, LINE, printable(text), align="L",
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_line_width(0.5)
        self.rect(self.l_margin, y - 2, self.width, self.get_y() - y + 4)
        self.ln(7)


def lay_out(parts: tuple[Part, ...], *, url: str, issued_on: date) -> bytes:
    """The parts, each from a new page, as one PDF; the first part's words name it."""
    pdf = _Pdf(qr_png(url))
    first = parts[0]
    pdf.set_creation_date(datetime.combine(issued_on, time(0, 0), KZ_TZ))
    pdf.set_title(printable(first.title))
    pdf.set_lang(first.language)
    pdf.set_creator("citizen-applications-bot papers")
    for part in parts:
        pdf.add_page()  # draws the previous page's footer, still the previous part's
        pdf.part = part
        if part.banner:
            pdf.banner(part.banner)
        cut = closing_at(part.blocks)
        body, closing = part.blocks[:cut], part.blocks[cut:]
        match closing:  # of a list before the closing, only its last item goes with it
            case (Items(items, numbered, number), *rest) if len(items) > 1:
                upto = number + len(items) - 1
                body += (Items(items[:-1], numbered, number, upto),)
                closing = (Items(items[-1:], numbered, upto, upto), *rest)
        for block in body:
            pdf.draw(block)
        pdf.keep_together(closing)
    return bytes(pdf.output())


# The most a paper's closing and the text kept with it take (mm): a third of the page.
# More would leave too much of a page empty; then only the closing itself is kept together.
KEPT_AT_MOST = 90.0


def closing_at(blocks: tuple[Block, ...]) -> int:
    """Where a part's closing begins: its trailing fields, date and signature, with the last
    block of the text before them, so that they never stand alone on a page of their own."""
    start = len(blocks)
    while start > 0 and isinstance(blocks[start - 1], Field | Signature | Gap):
        start -= 1
    return max(0, start - 1) if start < len(blocks) else len(blocks)
