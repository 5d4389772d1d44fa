"""Uploaded spreadsheets read with bounded work: the one way to read an XLSX in the app.

An XLSX of a few kilobytes can declare (or hold) a single cell at row 3,000,000;
read naively, every row in between is materialised (tens of seconds, gigabytes).
So:

- ``xlsx_rows(data, max_columns=...)`` refuses archives that unpack to more
  than ``MAX_UNPACKED`` bytes (zip bombs) before opening them, opens the
  workbook in openpyxl's read-only (streaming) mode, refuses a first sheet
  whose declared dimension (``<dimension ref="A1:K3000000"/>``) reaches beyond
  ``max_rows()`` *before reading a row*, and stops streaming, with the same
  refusal, as soon as a row beyond the limit turns up (the declaration may lie
  or be missing);
- ``limit_rows(rows)`` applies the same row limit to any other row source (CSV).

``max_rows()`` is the setting ``IMPORT_MAX_SHEET_ROWS`` (default 20,000 rows,
empty rows included). Refusals raise ``SpreadsheetError`` with a message in
the user's language; nothing is read or written after it.
"""
import io
import zipfile
from contextlib import contextmanager

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

DEFAULT_MAX_ROWS = 20_000
MAX_UNPACKED = 40 * 1024 * 1024  # all parts of the archive together, uncompressed


class SpreadsheetError(ValueError):
    """The spreadsheet as a whole is refused; ``message`` says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class NotASpreadsheet(SpreadsheetError):
    """Not a readable XLSX (damaged, or another kind of zip file such as .docx)."""

    def __init__(self):
        super().__init__(_l("This file is not a spreadsheet. Upload the template saved as .xlsx or .csv."))


def max_rows():
    if has_app_context():
        return int(current_app.config.get("IMPORT_MAX_SHEET_ROWS", DEFAULT_MAX_ROWS))
    return DEFAULT_MAX_ROWS


def too_long(limit):
    return SpreadsheetError(_l("The sheet has more than %(n)d rows (empty rows included). Delete the empty rows "
                               "below the data, or copy the data into a new workbook, and upload again.", n=limit))


def limit_rows(rows, limit=None):
    """Pass ``rows`` through, refusing the whole sheet at its ``limit + 1``-th row."""
    limit = max_rows() if limit is None else limit
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise too_long(limit)
        yield row


@contextmanager
def xlsx_rows(data, *, max_columns):
    """``with xlsx_rows(data, max_columns=50) as rows:`` iterate ``(row_number, [values])`` of the first sheet.

    Empty rows are included (numbered as the spreadsheet program numbers them),
    at most ``max_rows()`` of them; cells beyond ``max_columns`` are not read.
    """
    from openpyxl import load_workbook

    limit = max_rows()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise SpreadsheetError(_l("The spreadsheet is too large when unpacked (at most %(mb)d MB).",
                                      mb=MAX_UNPACKED // (1024 * 1024)))
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SpreadsheetError:
        raise
    except Exception:  # noqa: BLE001 - a damaged or non-Excel zip (e.g. .docx) raises many kinds
        raise NotASpreadsheet() from None
    try:
        try:
            sheet = book.worksheets[0]
            declared = sheet.max_row  # from <dimension>, read without reading the rows; None if absent
        except Exception:  # noqa: BLE001
            raise NotASpreadsheet() from None
        if declared is not None and declared > limit:
            raise too_long(limit)
        yield _stream(sheet, limit, max_columns)
    finally:
        book.close()


def _stream(sheet, limit, max_columns):
    # max_row=limit + 1: openpyxl stops parsing there instead of filling the gap up to a far row.
    rows = sheet.iter_rows(values_only=True, max_col=max_columns, max_row=limit + 1)
    try:
        yield from limit_rows(((number, list(row)) for number, row in enumerate(rows, start=1)), limit)
    except SpreadsheetError:
        raise
    except Exception:  # noqa: BLE001 - damaged XML inside the archive
        raise NotASpreadsheet() from None
