"""What every file import of the academy shares: reading the bytes, naming bad lines.

Staff upload files made by Excel in China or exported by the platform: UTF-8
(with or without a byte-order mark) is read first, then GB18030 (a superset of
GBK). An import checks every line before it writes anything; a file with a bad
line is refused as a whole with ``ImportRefused``, listing each problem by line.
"""

import re
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from academy.errors import DomainError

MAX_BYTES = 20 * 1024 * 1024


class ImportRefused(DomainError):
    """The file was not imported; ``errors`` are (line number or None, message)."""

    default_code = "import_refused"

    def __init__(self, errors):
        super().__init__("; ".join(str(message) for _line, message in errors))
        self.errors = errors


def too_large():
    return ImportRefused([(None, _("The file is larger than 20 MB."))])


def decode(data):
    """(text, encoding name) of the file's bytes, or ImportRefused."""
    if len(data) > MAX_BYTES:
        raise too_large()
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    else:
        for encoding in ("utf-8", "gb18030"):
            try:
                return data.decode(encoding), "gbk" if encoding == "gb18030" else encoding
            except UnicodeDecodeError:
                continue
    raise ImportRefused(
        [(None, _("The file is neither UTF-8 nor GBK text. Save it as CSV UTF-8 in Excel."))]
    )


def shop_id(value):
    """A shop ID as the platform writes it (Excel may have made it ``12345678.0``)."""
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not re.fullmatch(r"\d{6,12}", text):
        raise ValueError
    return text


def at(line, problem, column=None):
    """(line, message) naming the line and, if given, the column of a problem."""
    if column:
        text = _("Line %(line)s “%(column)s”: %(problem)s") % {
            "line": line,
            "column": column,
            "problem": problem,
        }
    else:
        text = _("Line %(line)s: %(problem)s") % {"line": line, "problem": problem}
    return (line, text)


def refuse_if(errors):
    """ImportRefused with every problem, by line, if there is any."""
    if errors:
        raise ImportRefused(sorted(errors, key=lambda e: e[0] or 0))


def read_file(path):
    """The bytes of the file at ``path`` for a management command, or its CommandError."""
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CommandError(
            _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error}
        ) from None
