"""Chinese line breaking (禁则) for every paragraph of every document, in one place.

reportlab breaks CJK text anywhere a line is full (``reportlab.platypus.paragraph``:
``wordSplit`` for a paragraph of one style, ``cjkFragSplit`` for mixed styles); it
only lets one character of a short "cannot start a line" set hang into the margin.
:func:`install` replaces both with one breaker that chooses, scanning back from
the point where the line is full, the last place where a break is allowed:

- never before closing punctuation （，。、；：？！）】」』》〉〕 …), never after opening
  punctuation （（【「『《〈〔 …) — the pair moves to the next line together;
- never inside a run of Latin letters, digits and ASCII signs (``YH-2026-000101``,
  ``12.5``), nor inside a standard or document number (``GB 50160-2008``,
  ``AQ 3067-2026 5.1.5``, ``安监总管三〔2017〕121号``, :data:`PROTECTED`);
- when a whole line offers no allowed place (a 200-character code in a narrow
  cell), the line is cut where it is full, so text never runs over the margin.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from unicodedata import category

from reportlab.lib import textsplit as _rl_textsplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import paragraph as _rl_paragraph
from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

# 避头 (GB/T 15834 marks that close something or end a clause) and 避尾 (marks that open).
CANNOT_START = "，。、；：？！）】」』》〉〕］｝”’…‥%‰℃°·!),.:;?]}" + _rl_textsplit.ALL_CANNOT_START
CANNOT_END = "（【「『《〈〔［｛“‘([{" + _rl_textsplit.ALL_CANNOT_END

# Numbers that must stay on one line: standards with optional clause, and document numbers.
PROTECTED = re.compile(
    r"[A-Z]{1,5}(?:/[A-Z])?[ \u00a0]?\d+(?:\.\d+)*(?:[-—–]\d{2,4})?(?:[ \u00a0]\d+(?:\.\d+)+)?"
    r"|(?P<issuer>[\u4e00-\u9fff]{0,6})[〔［\[]\d{4}[〕］\]]第?\d+号"
)
_EMPTY = "\ufffc"  # stands for a zero-width piece (an image, a line break) in the searched text


def _is_word(ch: str) -> bool:
    return ch != _EMPTY and ord(ch) < 0x3000 and category(ch)[0] not in "ZC"


# How bad a break is: inside a word, or at a space / after the issuer's abbreviation of a
# number; inside a number; next to punctuation. A line breaks at the least bad place.
SOFT, NUMBER, HARD = 1, 2, 3


def forbidden_breaks(text: str) -> bytearray:
    """``result[k]`` > 0 when a line should not break between ``text[k-1]`` and ``text[k]``.

    HARD: punctuation would start or end a line; NUMBER: a standard or document
    number would be split; SOFT: a word would be split, or a number at its space or
    after the issuer's abbreviation. Given up, in that order, only for text wider than the line.
    """
    n = len(text)
    forbidden = bytearray(n + 1)
    forbidden[0] = HARD
    for k in range(1, n):
        before, after = text[k - 1], text[k]
        if after in CANNOT_START or before in CANNOT_END:
            forbidden[k] = HARD
        elif _is_word(before) and _is_word(after):
            forbidden[k] = SOFT
    for match in PROTECTED.finditer(text):
        issuer_end = match.end("issuer") if match["issuer"] else -1
        for k in range(match.start() + 1, match.end()):
            level = SOFT if k <= issuer_end or text[k - 1] in " \u00a0" else NUMBER
            forbidden[k] = max(forbidden[k], level)
    return forbidden


def split_points(text: str, widths: Sequence[float], max_widths: Sequence[float],
                 hard_breaks: frozenset[int] = frozenset()) -> list[tuple[int, int, float, bool]]:
    """Lines of ``text`` as (start, end, width used, ends with a hard break).

    ``widths`` are the glyph widths; ``hard_breaks`` the indexes of explicit line
    breaks (the line ends after them).
    """
    forbidden = forbidden_breaks(text)
    lines: list[tuple[int, int, float, bool]] = []
    n = len(text)
    start = i = 0
    used = 0.0
    max_width = max_widths[0]
    while i < n:
        used += widths[i]
        if i in hard_breaks:
            lines.append((start, i + 1, used, True))
            start = i = i + 1
        elif used > max_width + _FUZZ and i > start:
            end = _break_before(forbidden, start, i)
            lines.append((start, end, sum(widths[start:end]), False))
            start = i = end
        else:
            i += 1
            continue
        used = 0.0
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
    if start < n:
        lines.append((start, n, sum(widths[start:n]), False))
    return lines


def _break_before(forbidden: bytearray, start: int, full: int) -> int:
    """Where the line from ``start`` ends when ``text[full]`` does not fit any more."""
    for level in (SOFT, NUMBER, HARD):  # the latest place breaking no rule, else the least bad one
        for end in range(full, start, -1):
            if forbidden[end] < level:
                return end
    return full


def word_split(word, maxWidths, fontName, fontSize, encoding="utf8"):  # noqa: N803 (reportlab's names)
    """Replacement for ``reportlab.lib.textsplit.wordSplit`` (one style, no markup)."""
    if not isinstance(maxWidths, (list, tuple)):
        maxWidths = [maxWidths]
    if isinstance(word, bytes):
        word = word.decode(encoding)
    widths = [stringWidth(ch, fontName, fontSize) for ch in word]
    out = []
    for number, (start, end, used, _hard) in enumerate(split_points(word, widths, maxWidths)):
        max_width = maxWidths[min(number, len(maxWidths) - 1)]
        out.append([max_width - used, word[start:end].strip()])
    return out


def cjk_frag_split(frags, maxWidths, calcBounds, encoding="utf8"):  # noqa: N803
    """Replacement for ``reportlab.platypus.paragraph.cjkFragSplit`` (mixed styles and line breaks)."""
    units = []
    for frag in frags:
        text = frag.text
        if isinstance(text, bytes):
            text = text.decode(encoding)
        if text:
            units.extend(cjkU(ch, frag, encoding) for ch in text)
        else:
            units.append(cjkU(text, frag, encoding))
    max_widths = list(maxWidths) if isinstance(maxWidths, (list, tuple)) else [maxWidths]
    widths = []
    for unit in units:
        w = unit.width
        if hasattr(w, "normalizedValue"):  # a width given as a share of the line
            w._normalizer = max_widths[0]
            w = w.normalizedValue(max_widths[0])
        widths.append(w)
    text = "".join(u if u else _EMPTY for u in units)
    hard = frozenset(k for k, u in enumerate(units) if hasattr(u.frag, "lineBreak"))
    lines = []
    for number, (start, end, used, is_hard) in enumerate(split_points(text, widths, max_widths, hard)):
        max_width = max_widths[min(number, len(max_widths) - 1)]
        lines.append(makeCJKParaLine(units[start:end], max_width, used, max_width - used, is_hard, calcBounds))
    return ParaLines(kind=1, lines=lines)


def install() -> None:
    """Make every paragraph of the process break lines by these rules (idempotent)."""
    _rl_paragraph.wordSplit = word_split
    _rl_paragraph.cjkFragSplit = cjk_frag_split
