"""Time zones as people say them: common zones first by name, 北京时间 on every page."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from academy.timezones import zone_name
from tests.academy.factories import shopkeeper
from tests.forms import submit
from tests.mentorship.factories import make_booking, open_mentor

pytestmark = pytest.mark.django_db


def zone_select(html):
    return BeautifulSoup(html, "html.parser").select_one("select[name=time_zone]")


def assert_common_zones_first(select):
    common, others = select.find_all("optgroup")
    assert common["label"] == "常用时区" and others["label"] == "其他时区"
    names = [(o["value"], o.get_text()) for o in common.find_all("option")]
    assert names[0] == ("Asia/Shanghai", "北京时间")
    assert ("Asia/Hong_Kong", "香港时间") in names and ("America/New_York", "纽约时间") in names
    assert len(names) < 25
    assert len(others.find_all("option")) > 300  # every other zone is still there


def test_the_profile_offers_common_zones_first_by_their_chinese_names(client):
    me = shopkeeper()
    client.force_login(me)
    select = zone_select(client.get(reverse("profile")).content.decode())
    assert_common_zones_first(select)
    assert select.find("option", selected=True)["value"] == "Asia/Shanghai"
    response = submit(
        client, reverse("profile"), {"time_zone": "Asia/Tokyo"}, form="form:has([name=time_zone])"
    )
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.time_zone == "Asia/Tokyo"


def test_the_mentor_settings_offer_common_zones_first(client):
    profile = open_mentor(zone="Europe/Berlin")
    client.force_login(profile.user)
    page = client.get(reverse("mentorship:availability")).content.decode()
    select = zone_select(page)
    assert_common_zones_first(select)
    assert select.find("option", selected=True)["value"] == "Europe/Berlin"
    text = BeautifulSoup(page, "html.parser").main.get_text()
    assert "柏林时间" in text and "Europe/Berlin" not in text


def test_pages_say_beijing_time_not_the_iana_name(client):
    profile = open_mentor(zone="Europe/Berlin")
    client.force_login(shopkeeper())
    for url in (
        reverse("mentorship:mentor", args=[profile.pk]),
        reverse("mentorship:mentor", args=[profile.pk]) + "?minutes=60",
    ):
        text = BeautifulSoup(client.get(url).content.decode(), "html.parser").main.get_text()
        assert "北京时间" in text and "柏林时间" in text
        assert "Asia/Shanghai" not in text and "Europe/Berlin" not in text


def test_an_unknown_zone_shows_its_iana_name_readably():
    assert zone_name("America/Argentina/Buenos_Aires") == "America/Argentina/Buenos Aires"
    assert str(zone_name(ZoneInfo("Asia/Shanghai"))) == "北京时间"


def test_the_agenda_shows_times_in_the_mentors_zone(client, time_machine):
    # Her hours are set in Berlin; her account still says Shanghai.
    time_machine.move_to(datetime(2027, 1, 11, 6, 0, tzinfo=UTC), tick=False)
    profile = open_mentor(zone="Europe/Berlin")
    profile.user.time_zone = "Asia/Shanghai"
    profile.user.save()
    berlin = ZoneInfo("Europe/Berlin")
    day = timezone.now().astimezone(berlin).date() + timedelta(days=1)
    # 23:30 in Berlin is already the next morning in Shanghai.
    start = datetime.combine(day, time(23, 30), tzinfo=berlin)
    make_booking(profile, start=start.astimezone(UTC), minutes=30)
    client.force_login(profile.user)
    page = client.get(reverse("mentorship:agenda")).content.decode()
    text = BeautifulSoup(page, "html.parser").main.get_text()
    assert "23:30–00:00" in text
    assert "06:30" not in text
    assert "柏林时间" in text
