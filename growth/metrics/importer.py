"""CSV import of shop metrics: every row checked, then all rows written, or none.

The file may come from Excel in China: UTF-8 (with or without a byte-order
mark) is read first, then GB18030 (a superset of GBK); months written
``2026年11月``, ``2026/11`` or ``2026-11``; amounts with ``¥``/``￥`` and
thousands separators (``,`` or ``，``); ``12.0`` for a whole number; empty
columns after the last one.

A row inserts or updates its own shop and month, and nothing else changes:
other shops' figures for the same month stay. Replacing whole months (deleting
what the file does not name) is asked for explicitly, previewed with ``plan``
and carried out only if the preview still holds.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from academy import imports, userpages
from academy.errors import DomainError
from academy.imports import ImportRefused, at, decode, refuse_if
from academy.models import ShopkeeperProfile
from growth.models import ShopMetricImport, ShopMonth

COLUMNS = ["shop_id", "month", "gmv", "orders", "new_recruits", "team_size"]
# The headers staff see in Excel; the English names are accepted too.
HEADERS = {
    "shop_id": "店铺ID",
    "month": "月份",
    "gmv": "销售额",
    "orders": "订单数",
    "new_recruits": "新增招募",
    "team_size": "团队人数",
}
ALIASES = {
    **{label: column for column, label in HEADERS.items()},
    "店铺id": "shop_id",
    "店铺编号": "shop_id",
    "销售额（元）": "gmv",
    "销售额(元)": "gmv",
    "gmv": "gmv",
}
METRIC_FIELDS = ["gmv", "orders", "new_recruits", "team_size"]


class PreviewChanged(DomainError):
    """The figures changed between the preview and the confirmation; ``plan`` is the new one."""

    default_message = gettext_lazy(
        "The figures changed since the preview. Nothing was imported: run it again."
    )
    default_code = "preview_changed"

    def __init__(self, plan):
        super().__init__()
        self.plan = plan


@dataclass
class ImportPlan:
    """What importing a file would do: counts shown before anything is written."""

    rows: list
    encoding: str
    months: list
    shops: int
    created: int
    updated: int
    removed: int = 0  # rows of the file's months whose shop is not in the file
    removed_shops: int = 0
    replace_months: bool = False

    @property
    def month_labels(self):
        return [m.strftime("%Y-%m") for m in self.months]


@dataclass
class ImportResult:
    rows: int
    months: list
    encoding: str
    created: int
    updated: int
    shops: int
    removed: int = 0
    removed_shops: int = 0
    record: ShopMetricImport | None = None


MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月份?)?(?:\s*[-/.]?\s*(\d{1,2})\s*日?)?")
MONEY_NOISE = re.compile(r"[¥￥,，\s]|元$")


def _month(value):
    found = MONTH.fullmatch(value.strip())
    if found is None:
        raise ValueError
    month = date(int(found[1]), int(found[2]), 1)
    if not 2000 <= month.year <= 2100:
        raise ValueError
    return month


def _decimal(value):
    text = MONEY_NOISE.sub("", value.strip())
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if not amount.is_finite() or amount < 0:
        raise ValueError
    return amount


def _whole(value):
    number = _decimal(value)
    if number != number.to_integral_value() or number >= 2**31:
        raise ValueError
    return int(number)


def _money(value):
    amount = _decimal(value)
    if amount >= Decimal("1e12"):
        raise ValueError
    return amount.quantize(Decimal("0.01"))


def _problems():
    return {
        "shop_id": (imports.shop_id, _("a shop ID of 6 to 12 digits, not “%(value)s”")),
        "month": (_month, _("a month such as 2026-11 or 2026年11月, not “%(value)s”")),
        "gmv": (_money, _("an amount of yuan, 0 or more, not “%(value)s”")),
        "orders": (_whole, _("a whole number, 0 or more, not “%(value)s”")),
        "new_recruits": (_whole, _("a whole number, 0 or more, not “%(value)s”")),
        "team_size": (_whole, _("a whole number, 0 or more, not “%(value)s”")),
    }


def _header(header):
    """``{column: (index, header as written)}``, or ImportRefused naming what is missing."""
    found = {}
    for index, raw in enumerate(header):
        name = raw.strip()
        column = ALIASES.get(name, ALIASES.get(name.lower(), name.lower()))
        if column in COLUMNS and column not in found:
            found[column] = (index, name)
    missing = [HEADERS[c] for c in COLUMNS if c not in found]
    if missing:
        raise ImportRefused(
            [
                (
                    1,
                    _("Line 1: the columns %(missing)s are missing (the file has: %(found)s).")
                    % {
                        "missing": "、".join(missing),
                        "found": "、".join(h.strip() for h in header if h.strip()) or "—",
                    },
                )
            ]
        )
    return found


def parse(text):
    """Checked rows ``[{shop_id, month, gmv, …}]``, or ImportRefused with every bad line."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise ImportRefused([(1, _("The file is empty."))])
    columns = _header(header)
    width = max(index for index, _name in columns.values()) + 1
    problems = _problems()
    errors, rows, lines = [], {}, {}
    for line, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        raw = raw + [""] * (width - len(raw))  # Excel drops empty cells at the end
        values, bad = {}, False
        for column in COLUMNS:
            index, name = columns[column]
            convert, message = problems[column]
            try:
                values[column] = convert(raw[index])
            except (ValueError, TypeError, ArithmeticError):
                errors.append(at(line, message % {"value": raw[index].strip()}, name))
                bad = True
        if bad:
            continue
        key = (values["shop_id"], values["month"])
        if key in rows:
            errors.append(
                at(line, _("the same shop and month as line %(line)s") % {"line": lines[key]})
            )
            continue
        rows[key], lines[key] = values, line
    known = set(
        ShopkeeperProfile.objects.filter(shop_id__in={k[0] for k in rows}).values_list(
            "shop_id", flat=True
        )
    )
    for key, line in lines.items():
        if key[0] not in known:
            errors.append(
                at(
                    line,
                    _("no account has the shop ID %(shop_id)s") % {"shop_id": key[0]},
                    columns["shop_id"][1],
                )
            )
    refuse_if(errors)
    if not rows:
        raise ImportRefused([(None, _("The file has no rows."))])
    return list(rows.values())


def _in_file_shops(rows, months):
    """(keys of the file, rows of its shops in its months as {(shop_id, month): pk})."""
    keys = {(r["shop_id"], r["month"]) for r in rows}
    theirs = {
        (shop_id, month): pk
        for pk, shop_id, month in ShopMonth.objects.filter(
            month__in=months, shop_id__in={k[0] for k in keys}
        ).values_list("pk", "shop_id", "month")
    }
    return keys, theirs


def _others(rows, months):
    """Rows of the file's months whose shop is not in the file at all."""
    return ShopMonth.objects.filter(month__in=months).exclude(
        shop_id__in={r["shop_id"] for r in rows}
    )


def _counts(rows, months, replace_months):
    keys, theirs = _in_file_shops(rows, months)
    updated = len(keys & theirs.keys())
    removed = removed_shops = 0
    if replace_months:
        # A shop of the file loses the months the file gives it no row for, too.
        stale = {key for key in theirs if key not in keys}
        others = _others(rows, months)
        removed = others.count() + len(stale)
        removed_shops = others.values("shop_id").distinct().count() + len({k[0] for k in stale})
    return len(keys) - updated, updated, removed, removed_shops


def plan(data, *, replace_months=False):
    """What importing ``data`` would do (ImportRefused for a bad file); writes nothing."""
    text, encoding = decode(data)
    rows = parse(text)
    months = sorted({r["month"] for r in rows})
    created, updated, removed, removed_shops = _counts(rows, months, replace_months)
    return ImportPlan(
        rows=rows,
        encoding=encoding,
        months=months,
        shops=len({r["shop_id"] for r in rows}),
        created=created,
        updated=updated,
        removed=removed,
        removed_shops=removed_shops,
        replace_months=replace_months,
    )


def import_bytes(data, *, filename, by=None, replace_months=False, expect_removed=None):
    """Import a whole file or nothing; returns an ImportResult.

    Each row inserts or updates its shop's month. With ``replace_months`` the
    file's months are replaced as a whole; ``expect_removed`` is the number of
    rows the confirmed preview said would go: if a different number would go
    now, PreviewChanged is raised and nothing is written.
    """
    preview = plan(data, replace_months=replace_months)
    rows, months = preview.rows, preview.months
    try:
        with transaction.atomic():
            removed = 0
            if replace_months:
                keys, theirs = _in_file_shops(rows, months)
                removed, _details = _others(rows, months).delete()
                stale = [pk for key, pk in theirs.items() if key not in keys]
                removed += ShopMonth.objects.filter(pk__in=stale).delete()[0]
                if expect_removed is not None and removed != expect_removed:
                    raise PreviewChanged(None)
            record = ShopMetricImport.objects.create(
                filename=filename[:200],
                months=preview.month_labels,
                row_count=len(rows),
                encoding=preview.encoding,
                imported_by=by,
                replace_months=replace_months,
                removed_count=removed,
            )
            created, updated = _write(rows, months, record)
            record.created_count, record.updated_count = created, updated
            record.save(update_fields=["created_count", "updated_count"])
    except PreviewChanged:
        raise PreviewChanged(plan(data, replace_months=True)) from None
    except IntegrityError:
        raise ImportRefused(
            [(None, _("Another import changed these months at the same time. Import again."))]
        ) from None
    return ImportResult(
        rows=len(rows),
        months=record.months,
        encoding=preview.encoding,
        created=created,
        updated=updated,
        shops=preview.shops,
        removed=removed,
        removed_shops=preview.removed_shops,
        record=record,
    )


def _write(rows, months, record):
    """Insert or update each (shop, month); returns (created, updated).

    A row is shown to the account holding its shop ID verified, if any.
    """
    shop_ids = {r["shop_id"] for r in rows}
    owners = dict(
        ShopkeeperProfile.objects.filter(shop_id__in=shop_ids, shop_verified=True).values_list(
            "shop_id", "pk"
        )
    )
    existing = {
        (m.shop_id, m.month): m
        for m in ShopMonth.objects.filter(month__in=months, shop_id__in=shop_ids)
    }
    new, changed = [], []
    for values in rows:
        row = existing.get((values["shop_id"], values["month"]))
        if row is None:
            row = ShopMonth(shop_id=values["shop_id"], month=values["month"])
            new.append(row)
        else:
            changed.append(row)
        for name in METRIC_FIELDS:
            setattr(row, name, values[name])
        row.profile_id = owners.get(values["shop_id"])
        row.imported = record
    ShopMonth.objects.bulk_update(changed, [*METRIC_FIELDS, "profile", "imported"], batch_size=2000)
    ShopMonth.objects.bulk_create(new, batch_size=2000)
    # Any shop's results may have changed: kept signed-in pages are rendered again.
    userpages.bump(userpages.SHARED)
    return len(new), len(changed)


def describe_plan(plan):
    """The preview of replacing months: how many rows of how many shops go."""
    return _(
        "Replacing %(months)s deletes %(removed)s rows of %(removed_shops)s shops that the "
        "file has no row for, then imports %(rows)s rows of %(shops)s shops."
    ) % {
        "months": ", ".join(plan.month_labels),
        "removed": plan.removed,
        "removed_shops": plan.removed_shops,
        "rows": len(plan.rows),
        "shops": plan.shops,
    }


def describe_result(result):
    """What an import did, in one sentence staff can check against the file."""
    text = _(
        "Imported %(months)s: %(created)s rows added and %(updated)s updated, for %(shops)s "
        "shops (%(encoding)s)."
    ) % {
        "months": ", ".join(result.months),
        "created": result.created,
        "updated": result.updated,
        "shops": result.shops,
        "encoding": result.encoding,
    }
    if result.record is not None and result.record.replace_months:
        then = _("%(removed)s rows the file had no row for were deleted.") % {
            "removed": result.removed
        }
    else:
        then = _("Other shops' figures were kept.")
    # Chinese sentences follow each other without a space.
    return pgettext("two sentences", "%(first)s %(second)s") % {"first": text, "second": then}
