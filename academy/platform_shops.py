"""The platform's shop list: levels and team leaders of verified shops, in bulk.

The platform, not the shopkeeper, says which level a shop has and who leads its
team. Its nightly (or on-demand) export is a CSV file (店铺ID, 等级, 团队长店铺ID)
or JSON lines (``{"shop_id": …, "level": …, "leader_shop_id": …}``). Every line is
checked first; then all changes are written in one transaction, or none.

Only shops verified in the academy change: a shop without a verified account is
counted as waiting (the platform's entry link verifies it when she comes). A
leader who has no verified account here leaves her team as it is. Team changes
go through ``services.set_team_leader``, so the team-tree lock, the circle check
and what follows a team change (her leader's plan) apply as on her profile page.
"""

import csv
import io
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from academy import imports, services, userpages
from academy.imports import ImportRefused, at, refuse_if
from academy.models import ShopkeeperLevel, ShopkeeperProfile

HEADERS = {"shop_id": "店铺ID", "level": "等级", "leader_shop_id": "团队长店铺ID"}
ALIASES = {
    **{label: column for column, label in HEADERS.items()},
    "店铺id": "shop_id",
    "团队长店铺id": "leader_shop_id",
    "shop_id": "shop_id",
    "level": "level",
    "leader_shop_id": "leader_shop_id",
}


@dataclass
class ShopListResult:
    rows: int
    levels_changed: int
    teams_changed: int
    waiting: int  # shops without a verified account here
    leaders_unknown: int  # leaders without a verified account: her team stays


def _level(value):
    text = str(value).strip().upper().removeprefix("V")
    level = int(text)
    if level not in ShopkeeperLevel.values:
        raise ValueError
    return level


def _leader(value):
    return imports.shop_id(value) if str(value or "").strip() else None


CONVERT = {
    "shop_id": (imports.shop_id, gettext_lazy("a shop ID of 6 to 12 digits, not “%(value)s”")),
    "level": (_level, gettext_lazy("a level from V1 to V5, not “%(value)s”")),
    "leader_shop_id": (
        _leader,
        gettext_lazy("a shop ID of 6 to 12 digits or empty, not “%(value)s”"),
    ),
}


def _records(text):
    """(line, {column: raw value}, {column: header as written}) of a CSV or JSON-lines file."""
    if text.lstrip().startswith("{"):
        for line, raw in enumerate(text.splitlines(), start=1):
            if raw.strip():
                try:
                    record = json.loads(raw)
                except ValueError:
                    record = None
                if not isinstance(record, dict):
                    yield line, None, {}
                    continue
                yield line, {ALIASES.get(k, k): v for k, v in record.items()}, {}
        return
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    columns = {ALIASES.get(h, ALIASES.get(h.lower())): i for i, h in enumerate(header)}
    missing = [HEADERS[c] for c in ("shop_id", "level") if c not in columns]
    if missing:
        raise ImportRefused(
            [
                (
                    1,
                    _("Line 1: the columns %(missing)s are missing.")
                    % {"missing": "、".join(missing)},
                )
            ]
        )
    names = {c: header[i] for c, i in columns.items() if c}
    for line, raw in enumerate(reader, start=2):
        if any(cell.strip() for cell in raw):
            raw = raw + [""] * (len(header) - len(raw))
            yield line, {c: raw[i] for c, i in columns.items() if c}, names


def parse(data):
    """Checked rows ``{shop_id: (level, leader_shop_id)}``, or ImportRefused with every bad line."""
    text, _encoding = imports.decode(data)
    errors, rows, lines = [], {}, {}
    for line, record, names in _records(text):
        if record is None:
            errors.append(at(line, _("not a JSON object")))
            continue
        values, bad = {}, False
        for column, (convert, message) in CONVERT.items():
            raw = record.get(column, "")
            try:
                values[column] = convert(raw)
            except (ValueError, TypeError):
                errors.append(at(line, message % {"value": raw}, names.get(column, column)))
                bad = True
        if bad:
            continue
        shop = values["shop_id"]
        if shop in rows:
            errors.append(at(line, _("the same shop as line %(line)s") % {"line": lines[shop]}))
        elif values["leader_shop_id"] == shop:
            errors.append(at(line, _("a shop cannot lead its own team")))
        else:
            rows[shop], lines[shop] = (values["level"], values["leader_shop_id"]), line
    refuse_if(errors)
    if not rows:
        raise ImportRefused([(None, _("The file has no rows."))])
    return rows, lines


def import_shop_list(data):
    """Apply the platform's shop list to the verified shops; all lines or none."""
    rows, lines = parse(data)
    wanted = set(rows) | {leader for _level, leader in rows.values() if leader}
    with transaction.atomic():
        verified = {
            p.shop_id: p
            for p in ShopkeeperProfile.objects.filter(shop_id__in=wanted, shop_verified=True)
        }
        result = ShopListResult(len(rows), 0, 0, 0, 0)
        errors = []
        for shop, (level, leader_shop) in rows.items():
            profile = verified.get(shop)
            if profile is None:
                result.waiting += 1
                continue
            if profile.level != level:
                ShopkeeperProfile.objects.filter(pk=profile.pk).update(level=level)
                userpages.bump_users(profile.user_id)
                result.levels_changed += 1
            leader = verified.get(leader_shop) if leader_shop else None
            if leader_shop and leader is None:
                result.leaders_unknown += 1
                continue
            if (leader.pk if leader else None) == profile.team_leader_id:
                if not profile.team_from_platform:
                    services.set_team_leader(profile, leader, from_platform=True)
                continue
            try:
                services.set_team_leader(profile, leader, from_platform=True)
            except services.ProfileError as error:
                errors.append(at(lines[shop], error.message))
                continue
            result.teams_changed += 1
        if errors:
            transaction.set_rollback(True)
    refuse_if(errors)
    return result


def describe(result):
    return _(
        "%(rows)s shops read: %(levels)s levels and %(teams)s teams changed; %(waiting)s shops "
        "have no verified account here yet; %(unknown)s leaders have none either, so those "
        "teams stay as they were."
    ) % {
        "rows": result.rows,
        "levels": result.levels_changed,
        "teams": result.teams_changed,
        "waiting": result.waiting,
        "unknown": result.leaders_unknown,
    }
