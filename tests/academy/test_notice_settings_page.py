"""通知设置, the staff page of delivery figures, and the development outbox page."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from academy import devoutbox, roles, services
from academy.models import Delivery, NoticePreference, OutboundEmail
from academy.notices import delivery
from tests.academy import notice_backends
from tests.academy.factories import shopkeeper, staff
from tests.academy.notice_backends import link_wechat, verify_phone

pytestmark = pytest.mark.django_db
SETTINGS_URL = "/notifications/settings/"
BEIJING = ZoneInfo("Asia/Shanghai")


def checked(page):
    """The names of the checkboxes shown ticked."""
    boxes = re.findall(r"<input[^>]*type=\"checkbox\"[^>]*>", page)
    return {re.search(r'name="([^"]+)"', b).group(1) for b in boxes if " checked" in b}


def offered(page):
    return set(re.findall(r'type="checkbox" name="([^"]+)"', page))


def test_notice_settings_are_linked_from_notices_and_the_profile(client):
    client.force_login(shopkeeper())
    for url in (reverse("notifications"), reverse("profile")):
        assert f'href="{SETTINGS_URL}"' in client.get(url).content.decode()


def test_an_untouched_page_shows_the_defaults_sms_only_for_time_critical_groups(client):
    client.force_login(shopkeeper())
    page = client.get(SETTINGS_URL).content.decode()
    assert "通知设置" in page
    assert "辅导预约" in page
    assert "bookings__sms" in offered(page) and "live__sms" in offered(page)
    assert "team__sms" not in offered(page) and "learning__sms" not in offered(page)
    ticks = checked(page)
    assert {"bookings__wechat", "bookings__sms", "bookings__email", "team__wechat"} <= ticks
    assert "您还没有已验证的手机号" in page
    assert not NoticePreference.objects.exists()


def test_her_choices_are_saved_and_shown_again_and_respected(client, settings):
    settings.WEIXIN_MP_APP_ID = notice_backends.APP_ID
    user = verify_phone(shopkeeper(), "+8613800138010")
    link_wechat(user, "o-page")
    client.force_login(user)
    page = client.get(SETTINGS_URL).content.decode()
    # Untick WeChat and e-mail for bookings; keep everything else as shown.
    form = dict.fromkeys(checked(page), "on")
    del form["bookings__wechat"], form["bookings__email"]
    response = client.post(SETTINGS_URL, form, follow=True)
    page = response.content.decode()
    assert "通知设置已保存" in page
    ticks = checked(page)
    assert "bookings__wechat" not in ticks and "bookings__email" not in ticks
    assert "bookings__sms" in ticks and "team__wechat" in ticks
    services.notify(
        user,
        key="booking:page",
        title="辅导已预约",
        kind="booking_confirmed",
        context={"name": "王老师", "when": "10:00"},
    )
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["sms"]
    assert not OutboundEmail.objects.exists()


def test_an_empty_form_turns_every_channel_off_but_notices_stay_in_the_academy(client):
    user = shopkeeper()
    client.force_login(user)
    client.post(SETTINGS_URL, {})
    assert not checked(client.get(SETTINGS_URL).content.decode())
    services.notify(user, key="nudge:off", title="队长提醒你学习", kind="team_nudge")
    assert not OutboundEmail.objects.exists() and not Delivery.objects.exists()
    assert "队长提醒你学习" in client.get(reverse("notifications")).content.decode()


def test_the_settings_page_needs_a_sign_in(client):
    response = client.get(SETTINGS_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_see_delivery_figures_per_channel_and_kind(client, settings, time_machine):
    settings.WEIXIN_MP_APP_ID = notice_backends.APP_ID
    settings.ACADEMY_WECHAT_BACKEND = notice_backends.WECHAT
    gone = shopkeeper()
    link_wechat(gone, "gone-amy")
    fine = shopkeeper()
    link_wechat(fine, "o-fine")
    day = timezone.localdate(timezone.now(), BEIJING) + timedelta(days=1)
    time_machine.move_to(datetime(day.year, day.month, day.day, 10, tzinfo=BEIJING), tick=False)
    for user in (gone, fine):
        services.notify(user, key=f"nudge:{user.pk}", title="队长提醒你学习", kind="team_nudge")
    delivery.send_due()
    services.notify(fine, key="nudge:later", title="再提醒一次", kind="team_nudge")
    client.force_login(staff(roles.PROGRAM_STAFF))
    url = reverse("academy_notice_figures")
    page = client.get(url + "?days=7").content.decode()
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>((?:<td>\d+</td>){4})</tr>", page)
    figures = {(c, k): re.findall(r"\d+", n) for c, k, n in rows}
    wechat = next(v for (c, k), v in figures.items() if k == "team_nudge" and "微信" in c)
    assert wechat == ["1", "1", "1", "0"]  # sent, failed, pending, skipped
    email = next(v for (c, k), v in figures.items() if k == "team_nudge" and "邮件" in c)
    assert email == ["0", "0", "3", "0"]
    site = next(v for (c, k), v in figures.items() if k == "team_nudge" and "站内" in c)
    assert site[0] == "3"


def test_the_figures_page_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    officer = staff(roles.PROGRAM_STAFF)
    client.force_login(officer)
    url = reverse("academy_notice_figures")
    client.get(url)
    for number in range(5):
        services.notify(shopkeeper(), key=f"n:{number}", title="通知", kind="course_progress")
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    count = len(few.captured_queries)
    for number in range(5, 15):
        services.notify(shopkeeper(), key=f"n:{number}", title="通知", kind="team_nudge")
    with django_assert_max_num_queries(count):
        assert client.get(url).status_code == 200


def test_a_shopkeeper_or_an_editor_is_refused_the_figures(client):
    services.notify(shopkeeper(), key="secret", title="通知", kind="team_nudge")
    for user in (shopkeeper(), staff(roles.EDITOR)):
        client.force_login(user)
        response = client.get(reverse("academy_notice_figures"))
        assert response.status_code in (302, 403)
        assert "team_nudge" not in response.content.decode()
    client.force_login(staff(roles.EDITOR))
    admin = client.get("/cms/").content.decode()
    assert reverse("academy_notice_figures") not in admin


def test_the_menu_shows_the_figures_to_program_staff(client):
    client.force_login(staff(roles.PROGRAM_STAFF))
    assert reverse("academy_notice_figures") in client.get("/cms/").content.decode()


def test_the_development_outbox_is_not_found_without_debug(client, settings):
    settings.DEBUG = False
    devoutbox.record("sms", "+8613800138000", "【店主商学院】您的验证码是123456")
    client.force_login(staff(roles.ADMINISTRATOR))
    response = client.get("/dev/outbox/")
    assert response.status_code == 404
    assert "123456" not in response.content.decode()


def test_the_development_outbox_lists_newest_first_in_debug(client, settings):
    settings.DEBUG = True
    settings.ACADEMY_WECHAT_BACKEND = "console"
    settings.ACADEMY_SMS_BACKEND = "console"
    from academy import sms
    from academy.wechat import messages

    sms.send("+8613800138000", "login_code", ["111111", 5])
    messages.send_template("o-dev", "team_nudge", {"first": "队长提醒你学习"}, "")
    page = client.get("/dev/outbox/").content.decode()
    assert page.index("队长提醒你学习") < page.index("111111")
    only_sms = client.get("/dev/outbox/?channel=sms").content.decode()
    assert "111111" in only_sms and "队长提醒你学习" not in only_sms
