"""Moving teams, share cards and shop metrics into growth kept every table, row and right."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from academy import roles
from growth.models import ReferralCode, ShopMonth, TrainingPlan

BEFORE = [("academy", "0006_shop_verification"), ("growth", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_every_row_and_every_role_right():
    old = migrate(BEFORE)
    User = old.get_model("academy", "User")
    Profile = old.get_model("academy", "ShopkeeperProfile")
    leader = Profile.objects.create(
        user=User.objects.create(email="l@example.com"), shop_id="1234567"
    )
    old.get_model("academy", "TrainingPlan").objects.create(leader=leader)
    old.get_model("academy", "ReferralCode").objects.create(user=leader.user, code="abc123")
    old.get_model("academy", "ShopMonth").objects.create(
        shop_id="1234567",
        month="2026-10-01",
        gmv="1500.00",
        orders=30,
        new_recruits=2,
        team_size=5,
        profile=leader,
    )

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(latest)

    assert TrainingPlan.objects.get().leader.shop_id == "1234567"
    assert ReferralCode.objects.get().code == "abc123"
    month = ShopMonth.objects.get()
    assert (month.orders, month.profile.shop_id) == (30, "1234567")
    assert ShopMonth._meta.db_table == "academy_shopmonth"
    staff = Group.objects.get(name=roles.PROGRAM_STAFF)
    granted = {f"{p.content_type.app_label}.{p.codename}" for p in staff.permissions.all()}
    assert {"growth.view_growth_reports", "growth.import_shop_metrics"} <= granted
    assert not {
        p
        for p in granted
        if p.endswith(("_shopmonth", "growth_reports")) and p.startswith("academy.")
    }
