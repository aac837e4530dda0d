"""The one CSV exporter: every download of a table goes through ``csv_response``.

Spreadsheet programs run a cell that starts with ``= + - @``, a tab or a carriage
return as a formula (OWASP "CSV injection"); such text cells get a leading
apostrophe, while real numbers (negative ones too, and text such as "-12.5")
stay numbers. A leading plus is escaped even before digits: "+86 138…" is a
phone number to keep as typed, not a number.
"""

import csv
import re
from decimal import Decimal

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]")


def safe_cell(value):
    """A value as a CSV cell that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose ``write`` hands the line back, for streaming."""

    def write(self, value):
        return value


def csv_rows(header, rows):
    """The lines of a CSV file: a byte-order mark (so Excel reads UTF-8), header, rows."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def csv_response(filename, header, rows):
    """A streamed CSV download of ``rows`` (any iterable of sequences) under ``header``."""
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    # Parts of a name may come from users (a shop ID): keep the header plain ASCII.
    filename = UNSAFE_FILENAME.sub("_", filename)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
