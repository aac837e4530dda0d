"""seed_academy: demo academy, idempotent, validated input."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page, Site

from academy.models import HomePage, MentorProfile, ShopkeeperProfile, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _development(settings):
    settings.DEBUG = True


def snapshot():
    """Rows per model of the project's apps and the page tree."""
    counts = {}
    for label in (
        "academy",
        "courses",
        "mentorship",
        "growth",
        "account",
        "mfa",
        "socialaccount",
        "wagtailcore",
        "auth",
    ):
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model.objects.count()
    counts["memberships"] = User.groups.through.objects.count()
    return counts


def test_seed_builds_the_demo_academy_and_running_it_twice_changes_nothing():
    call_command("seed_academy", shopkeepers="40")
    first = snapshot()
    call_command("seed_academy", shopkeepers="40")
    assert snapshot() == first

    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.id
    assert [p.title for p in Page.objects.child_of(home).first().get_children()] == [
        "新手入门",
        "中班进阶",
        "高班提升",
    ]
    for email, role in [
        ("admin@example.com", "administrator"),
        ("editor@example.com", "editor"),
        ("staff@example.com", "program_staff"),
        ("mentor@example.com", "mentor"),
        ("shopkeeper@example.com", "shopkeeper"),
    ]:
        user = User.objects.get(email=email)
        assert user.check_password("academy-demo-2026")
        assert user.groups.filter(name=role).exists()
    assert MentorProfile.objects.count() >= 5
    # 40 bulk shopkeepers plus the named demo shopkeeper, in teams.
    bulk = ShopkeeperProfile.objects.filter(shop_id__startswith="1000")
    assert bulk.count() == 40
    assert bulk.filter(team_leader__isnull=False).count() == 40 - 8
    names = list(
        User.objects.filter(email__startswith="shop0").values_list("display_name", flat=True)
    )
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in name) for name in names)
    _star_leader_cohorts_are_seeded()
    # Star mentors' live sessions: some coming up, some past with replays, with sign-ups.
    from django.utils import timezone

    from courses.models import LiveNoticeRun, LiveSessionPage, LiveSignup

    now = timezone.now()
    live = LiveSessionPage.objects.live()
    assert live.filter(start__gt=now).count() >= 4
    assert live.filter(start__lt=now).exclude(replay_url="", replay_video=None).count() >= 3
    assert live.values("mentor").distinct().count() >= 5
    assert LiveSignup.objects.filter(user__email="shopkeeper@example.com").exists()
    assert LiveNoticeRun.objects.filter(kind="reminder", finished_at__isnull=True).exists()
    # The demo leader's plan ends with a replay, once however often the seed runs.
    from growth.models import PlanItem

    replays = PlanItem.objects.filter(plan__leader__user__email="shopkeeper@example.com")
    assert replays.filter(kind="replay", live_session__isnull=False).count() == 1


def _star_leader_cohorts_are_seeded():
    """Last month's cohort graduated, this month's in guidance, next month's open."""
    from django.utils import timezone

    from mentorship.models import MentorAssignment
    from mentorship.starleader.models import Cohort, CohortPage

    past, current, upcoming = Cohort.objects.order_by("number")
    assert past.applications.filter(status="graduated").exists()
    assert past.guidance_closed_at is not None
    today = timezone.localdate()
    assert current.guidance_starts_on <= today <= current.guidance_ends_on
    assert MentorAssignment.objects.filter(
        source="starleader", reference=current.reference, ends_on__gte=today
    ).exists()
    assert upcoming.is_open()
    assert upcoming.applications.filter(status="applied").exists()
    assert CohortPage.objects.live().count() == 3


def test_demo_shopkeepers_have_verified_phones_and_many_have_wechat(settings):
    from academy import phones, services
    from academy.models import Delivery

    call_command("seed_academy", shopkeepers="30")
    bulk = User.objects.filter(email__startswith="shop0")
    assert all(user.phone_verified and phones.normalize(user.phone) == user.phone for user in bulk)
    assert bulk.filter(socialaccount__provider="wechat").count() == 10
    # The demo shopkeeper is the fake WeChat's demo user: her booking notice goes by WeChat.
    settings.WEIXIN_MP_APP_ID = "wxdemoofficial00"
    demo = User.objects.get(email="shopkeeper@example.com")
    assert demo.phone_verified
    services.notify(
        demo,
        key="booking:demo",
        title="辅导已预约",
        kind="booking_confirmed",
        context={"name": "刘老师", "when": "12-08 10:00"},
    )
    assert Delivery.objects.get(key="booking:demo").channel == "wechat"


def test_seed_grows_an_existing_dataset_without_duplicates():
    call_command("seed_academy", shopkeepers="10")
    call_command("seed_academy", shopkeepers="100")
    assert ShopkeeperProfile.objects.filter(shop_id__startswith="1000").count() == 100
    assert User.objects.filter(email__startswith="shop0").count() == 100


@pytest.mark.parametrize("value", ["-5", "abc", "1.5", "99999999999"])
def test_bad_shopkeeper_count_is_refused_and_changes_nothing(value):
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("seed_academy", shopkeepers=value)
    assert "--shopkeepers" in str(error.value)
    assert snapshot() == before


def test_seed_refuses_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_academy", shopkeepers="1")
    assert not User.objects.filter(email="admin@example.com").exists()


def test_seed_from_the_command_line_exits_non_zero_on_bad_input(tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    result = subprocess.run(
        [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "seed_academy",
            "--shopkeepers",
            "-5",
        ],
        env={"PATH": "/usr/bin:/bin", "ACADEMY_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "--shopkeepers" in result.stderr
    assert "Traceback" not in result.stderr
