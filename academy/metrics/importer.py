"""CSV import of shop metrics: every row checked, then all rows written, or none.

The file may come from Excel in China: UTF-8 (with or without a byte-order
mark) is read first, then GB18030 (a superset of GBK). A month present in the
file is replaced as a whole, so importing the same file twice changes nothing.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from academy.models import ShopkeeperProfile, ShopMetricImport, ShopMonth

MAX_BYTES = 20 * 1024 * 1024
COLUMNS = ["shop_id", "month", "gmv", "orders", "new_recruits", "team_size"]
# Headers as staff export them in Chinese.
ALIASES = {
    "店铺ID": "shop_id",
    "店铺id": "shop_id",
    "月份": "month",
    "销售额": "gmv",
    "GMV": "gmv",
    "订单数": "orders",
    "新增招募": "new_recruits",
    "团队人数": "team_size",
}


class ImportRefused(Exception):
    """The file was not imported; ``errors`` are (line number or None, message)."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{line}: {msg}" if line else msg for line, msg in errors))
        self.errors = errors


@dataclass
class ImportResult:
    rows: int
    months: list
    encoding: str
    record: ShopMetricImport | None = None
    replaced: int = 0
    notes: list = field(default_factory=list)


def decode(data):
    """(text, encoding name) of the file's bytes, or ImportRefused."""
    if len(data) > MAX_BYTES:
        raise ImportRefused([(None, _("The file is larger than 20 MB."))])
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


def _month(value):
    value = value.strip().replace("/", "-")
    parts = value.split("-")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        raise ValueError
    month = date(int(parts[0]), int(parts[1]), 1)
    if not 2000 <= month.year <= 2100:
        raise ValueError
    return month


def _whole(value):
    number = int(value.strip().replace(",", ""))
    if number < 0:
        raise ValueError
    return number


def _money(value):
    try:
        amount = Decimal(value.strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError from None
    if amount < 0 or not amount.is_finite() or amount >= Decimal("1e12"):
        raise ValueError
    return amount.quantize(Decimal("0.01"))


def parse(text):
    """Checked rows ``{(shop_id, month): values}``, or ImportRefused with every bad line."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise ImportRefused([(1, _("The file is empty."))])
    names = [ALIASES.get(h.strip(), h.strip().lower()) for h in header]
    if sorted(names) != sorted(COLUMNS):
        raise ImportRefused(
            [
                (
                    1,
                    _("The columns must be %(expected)s, not %(found)s.")
                    % {
                        "expected": ", ".join(COLUMNS),
                        "found": ", ".join(h.strip() for h in header),
                    },
                )
            ]
        )
    errors, rows, lines = [], {}, {}
    parsers = {
        "month": (_month, _("month is not YYYY-MM")),
        "gmv": (_money, _("sales must be a number of yuan, 0 or more")),
        "orders": (_whole, _("orders must be a whole number, 0 or more")),
        "new_recruits": (_whole, _("new recruits must be a whole number, 0 or more")),
        "team_size": (_whole, _("team size must be a whole number, 0 or more")),
    }
    for line, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) != len(names):
            errors.append((line, _("expected %(n)s values") % {"n": len(names)}))
            continue
        row = dict(zip(names, raw, strict=True))
        values, problems = {"shop_id": row["shop_id"].strip()}, []
        for column, (convert, message) in parsers.items():
            try:
                values[column] = convert(row[column])
            except (ValueError, TypeError):
                problems.append(str(message))
        if problems:
            errors.append((line, "; ".join(problems)))
            continue
        key = (values["shop_id"], values["month"])
        if key in rows:
            errors.append(
                (line, _("the same shop and month as line %(line)s") % {"line": lines[key]})
            )
            continue
        rows[key], lines[key] = values, line
    known = dict(
        ShopkeeperProfile.objects.filter(shop_id__in={k[0] for k in rows}).values_list(
            "shop_id", "pk"
        )
    )
    for key, line in lines.items():
        if key[0] not in known:
            errors.append((line, _("unknown shop ID %(shop_id)s") % {"shop_id": key[0]}))
    if errors:
        raise ImportRefused(sorted(errors, key=lambda e: e[0] or 0))
    if not rows:
        raise ImportRefused([(None, _("The file has no rows."))])
    for values in rows.values():
        values["profile_id"] = known[values.pop("shop_id")]
    return list(rows.values())


def import_bytes(data, *, filename, by=None):
    """Import a whole file or nothing; returns an ImportResult."""
    text, encoding = decode(data)
    rows = parse(text)
    months = sorted({r["month"] for r in rows})
    with transaction.atomic():
        record = ShopMetricImport.objects.create(
            filename=filename[:200],
            months=[m.strftime("%Y-%m") for m in months],
            row_count=len(rows),
            encoding=encoding,
            imported_by=by,
        )
        replaced, _details = ShopMonth.objects.filter(month__in=months).delete()
        ShopMonth.objects.bulk_create(
            [ShopMonth(imported=record, **values) for values in rows], batch_size=2000
        )
    return ImportResult(
        rows=len(rows),
        months=record.months,
        encoding=encoding,
        record=record,
        replaced=replaced,
    )
