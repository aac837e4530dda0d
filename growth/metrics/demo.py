"""Demo shop metrics: a year of months for every shopkeeper, growing with her level."""

import random
from decimal import Decimal

from django.utils import timezone

from academy.models import ShopkeeperProfile
from growth.metrics.selectors import add_months, month_of
from growth.models import ShopMonth

MONTHS = 12


def seed(stdout, options):
    last = add_months(month_of(timezone.localdate()), -1)
    months = [add_months(last, -n) for n in range(MONTHS - 1, -1, -1)]
    rows = []
    verified = ShopkeeperProfile.objects.filter(shop_verified=True)
    for pk, level, shop_id in verified.values_list("pk", "level", "shop_id"):
        rng = random.Random(shop_id)  # noqa: S311 - repeatable demo data
        base = 800 * level * level * rng.uniform(0.5, 1.5)
        growth = rng.uniform(-0.02, 0.08)
        team = rng.randint(0, 6 * level)
        for n, month in enumerate(months):
            gmv = max(0.0, base * (1 + growth) ** n * rng.uniform(0.8, 1.25))
            team += rng.randint(0, level)
            rows.append(
                ShopMonth(
                    shop_id=shop_id,
                    profile_id=pk,
                    month=month,
                    gmv=Decimal(f"{gmv:.2f}"),
                    orders=int(gmv / rng.uniform(60, 120)),
                    new_recruits=rng.randint(0, level),
                    team_size=team,
                )
            )
    created = ShopMonth.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
    stdout.write(f"  shop metrics: {MONTHS} months for each shop ({len(created)} rows offered)")
