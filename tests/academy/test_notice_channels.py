"""Notices on WeChat and by SMS: once per channel, quiet hours, the daily limit, fallback."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from academy import devoutbox, services
from academy.models import ChannelState, Delivery, Notification, OutboundEmail
from academy.notices import delivery
from tests.academy import notice_backends
from tests.academy.factories import shopkeeper
from tests.academy.notice_backends import link_wechat, verify_phone

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _backends(settings):
    settings.WEIXIN_MP_APP_ID = notice_backends.APP_ID
    settings.ACADEMY_WECHAT_BACKEND = notice_backends.WECHAT
    settings.ACADEMY_SMS_BACKEND = notice_backends.SMS


def at_beijing(time_machine, hour, minute=0, days=1):
    """Move the clock to ``hour`` Beijing time, ``days`` from today."""
    day = timezone.localdate(timezone.now(), BEIJING) + timedelta(days=days)
    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING)
    time_machine.move_to(moment, tick=False)
    return moment


def booking_notice(user, key="booking:1", start=None, **kwargs):
    return services.notify(
        user,
        key=key,
        title="辅导已预约",
        body="您与王老师的辅导已预约。",
        url="/mentorship/bookings/1/",
        kind="booking_confirmed",
        context={"name": "王老师", "when": "12-08 10:00"},
        event_start=start,
        **kwargs,
    )


def sent(channel):
    return devoutbox.read(limit=1000, channel=channel)


def test_a_booking_notice_goes_to_wechat_once_and_not_also_by_sms(time_machine):
    at_beijing(time_machine, 10)
    user = verify_phone(shopkeeper(), "+8613800138001")
    link_wechat(user, "o-amy")
    assert booking_notice(user)
    assert not booking_notice(user)  # the same key again: nothing new
    assert delivery.send_due() == 1
    assert delivery.send_due() == 0
    [message] = sent("wechat")
    assert message["to"] == "o-amy" and "王老师" in message["text"]
    assert message["url"] == "http://127.0.0.1:8000/mentorship/bookings/1/"
    assert sent("sms") == []
    row = Delivery.objects.get()
    assert row.status == "sent" and row.provider_message_id.startswith("console-")
    assert row.attempts == 1 and row.sent_at is not None
    # In the academy and by e-mail as before.
    assert Notification.objects.filter(user=user, kind="booking_confirmed").count() == 1
    assert OutboundEmail.objects.filter(key="booking:1").count() == 1


def test_without_wechat_a_time_critical_notice_goes_by_sms_to_her_verified_number(time_machine):
    at_beijing(time_machine, 10)
    user = verify_phone(shopkeeper(), "+8613800138002")
    booking_notice(user)
    assert delivery.send_due() == 1
    [message] = sent("sms")
    assert message["to"] == "+8613800138002"
    assert message["text"] == "【店主商学院】您与王老师的辅导已预约：12-08 10:00。"


def test_other_kinds_never_go_by_sms_and_an_unverified_number_gets_nothing(time_machine):
    at_beijing(time_machine, 10)
    user = verify_phone(shopkeeper(), "+8613800138003")
    services.notify(user, key="nudge:1", title="队长提醒你学习", kind="team_nudge")
    unverified = shopkeeper(user__phone="+8613800138004")
    booking_notice(unverified, key="booking:2")
    assert Delivery.objects.count() == 0
    assert Notification.objects.count() == 2


def test_quiet_hours_hold_her_phone_until_eight_in_her_own_zone(time_machine):
    beijing_night = at_beijing(time_machine, 23)  # 23:00 Beijing is 10:00 in New York
    sleeper = shopkeeper()
    link_wechat(sleeper, "o-beijing")
    awake = shopkeeper(user__time_zone="America/New_York")
    link_wechat(awake, "o-new-york")
    for user in (sleeper, awake):
        services.notify(user, key=f"nudge:{user.pk}", title="队长提醒你学习", kind="team_nudge")
    assert delivery.send_due() == 1
    assert [m["to"] for m in sent("wechat")] == ["o-new-york"]
    waiting = Delivery.objects.get(user=sleeper)
    assert waiting.status == "pending" and waiting.attempts == 0
    eight = (beijing_night + timedelta(days=1)).replace(hour=8)
    assert waiting.next_attempt_at == eight
    time_machine.move_to(eight - timedelta(minutes=1), tick=False)
    assert delivery.send_due() == 0
    time_machine.move_to(eight, tick=False)
    assert delivery.send_due() == 1
    assert [m["to"] for m in sent("wechat")] == ["o-beijing", "o-new-york"]


def test_a_notice_of_a_session_within_the_hour_or_before_eight_is_sent_even_at_night(time_machine):
    night = at_beijing(time_machine, 22, 30)
    user = verify_phone(shopkeeper(), "+8613800138005")
    booking_notice(user, key="soon", start=night + timedelta(minutes=45))
    # At 07:30, before she wakes: waiting until 08:00 would tell her too late.
    booking_notice(user, key="early", start=night + timedelta(hours=9))
    booking_notice(user, key="tomorrow", start=night + timedelta(hours=12))
    assert delivery.send_due() == 2
    assert len(sent("sms")) == 2
    assert Delivery.objects.get(key="tomorrow").status == "pending"


def test_no_more_than_the_daily_limit_of_sms_then_the_next_channel(settings, time_machine):
    settings.ACADEMY_SMS_DAILY_LIMIT_PER_USER = 2
    at_beijing(time_machine, 9)
    user = verify_phone(shopkeeper(), "+8613800138006")
    # E-mail off: only the skipped SMS falls back to it.
    delivery.save_choices(user, {("bookings", "email"): False})
    for number in range(3):
        booking_notice(user, key=f"booking:{number}")
    assert delivery.send_due() == 2
    skipped = Delivery.objects.get(key="booking:2")
    assert skipped.status == "skipped" and skipped.error == "daily SMS limit"
    assert list(OutboundEmail.objects.values_list("key", flat=True)) == ["booking:2"]
    assert len(sent("sms")) == 2
    # A new day (her day) allows text messages again.
    at_beijing(time_machine, 9, days=2)
    booking_notice(user, key="booking:next-day")
    assert delivery.send_due() == 1
    assert len(sent("sms")) == 3


def test_wechat_unfollowed_falls_back_to_sms_once_and_wechat_waits_until_linked_again(
    time_machine,
):
    at_beijing(time_machine, 10)
    user = verify_phone(shopkeeper(), "+8613800138007")
    link_wechat(user, "gone-amy")
    booking_notice(user)
    assert delivery.send_due() == 1  # the SMS that replaced the WeChat message
    failed = Delivery.objects.get(channel="wechat")
    assert failed.status == "failed" and "43004" in failed.error
    replacement = Delivery.objects.get(channel="sms")
    assert replacement.fallback_of == failed and replacement.status == "sent"
    assert ChannelState.objects.filter(user=user, channel="wechat").exists()
    # Relaying again changes nothing: one fallback, one text message.
    assert delivery.send_due() == 0
    delivery.fall_back(failed)
    assert Delivery.objects.count() == 2 and len(sent("sms")) == 1
    assert OutboundEmail.objects.count() == 1
    # The next notice goes straight by SMS; once she links WeChat again, by WeChat.
    booking_notice(user, key="booking:2")
    assert Delivery.objects.get(key="booking:2").channel == "sms"
    assert delivery.channel_usable_again(user, "wechat")
    booking_notice(user, key="booking:3")
    assert Delivery.objects.get(key="booking:3").channel == "wechat"


def test_a_refused_number_falls_back_to_e_mail_even_when_e_mail_is_off_for_the_kind(
    time_machine,
):
    at_beijing(time_machine, 10)
    user = verify_phone(shopkeeper(), "+8613800130000")
    delivery.save_choices(user, {("bookings", "email"): False})
    booking_notice(user)
    assert not OutboundEmail.objects.exists()
    assert delivery.send_due() == 0
    row = Delivery.objects.get()
    assert row.status == "failed" and "Blacklist" in row.error
    email = OutboundEmail.objects.get()
    assert email.key == "booking:1" and email.to == user.email
    assert email.subject.startswith("【店主商学院】")
    assert ChannelState.objects.filter(user=user, channel="sms").exists()
    assert delivery.fall_back(row) == "email"  # the same e-mail row: still one
    assert OutboundEmail.objects.count() == 1
    assert services.send_due_emails() == 1


def test_a_temporary_error_is_retried_with_back_off_then_fails(time_machine):
    start = at_beijing(time_machine, 9)
    user = shopkeeper()
    link_wechat(user, "busy-amy")
    services.notify(user, key="nudge:1", title="队长提醒你学习", kind="team_nudge")
    waits = []
    for _attempt in range(delivery.MAX_ATTEMPTS):
        assert delivery.send_due() == 0
        row = Delivery.objects.get()
        if row.status == "pending":
            waits.append(row.next_attempt_at - timezone.now())
            time_machine.move_to(row.next_attempt_at, tick=False)
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    row = Delivery.objects.get()
    assert row.status == "failed" and row.attempts == delivery.MAX_ATTEMPTS
    assert "system busy" in row.error
    assert not ChannelState.objects.exists()  # a busy WeChat is not an unusable one
    assert timezone.now() - start < timedelta(hours=1)


def test_her_choices_are_kept(time_machine):
    at_beijing(time_machine, 10)
    user = verify_phone(shopkeeper(), "+8613800138008")
    link_wechat(user, "o-amy")
    delivery.save_choices(user, {("bookings", "wechat"): False, ("bookings", "email"): False})
    booking_notice(user)
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["sms"]
    assert not OutboundEmail.objects.exists()
    delivery.save_choices(user, {("bookings", "sms"): False})
    booking_notice(user, key="booking:2")
    assert not Delivery.objects.filter(key="booking:2").exists()
    assert Notification.objects.filter(key="booking:2").exists()


def test_a_batch_of_notices_uses_a_fixed_number_of_queries(django_assert_max_num_queries):
    users = [shopkeeper() for _ in range(3)]
    for user in users:
        link_wechat(user, f"o-{user.pk}")
    more = [shopkeeper() for _ in range(10)]
    for user in more:
        link_wechat(user, f"o-{user.pk}")
    with django_assert_max_num_queries(8):
        services.notify_many(
            [
                (u, f"live:{u.pk}", "直播快开始了", "", "/live/1/", {"when": "20:00"})
                for u in users + more
            ],
            kind="live_starting",
            context={"name": "开店第一课"},
        )
    assert Delivery.objects.filter(channel="wechat").count() == 13


def test_linking_wechat_again_makes_it_usable_again(time_machine):
    from allauth.socialaccount.models import SocialAccount, SocialLogin
    from allauth.socialaccount.signals import social_account_updated

    at_beijing(time_machine, 10)
    user = shopkeeper()
    link_wechat(user, "gone-again")
    services.notify(user, key="nudge:1", title="队长提醒你学习", kind="team_nudge")
    delivery.send_due()
    assert ChannelState.objects.filter(user=user, channel="wechat").exists()
    services.notify(user, key="nudge:2", title="队长提醒你学习", kind="team_nudge")
    assert not Delivery.objects.filter(key="nudge:2").exists()
    account = SocialAccount.objects.get(user=user)
    social_account_updated.send(
        sender=SocialLogin, request=None, sociallogin=SocialLogin(account=account)
    )
    assert not ChannelState.objects.exists()
    services.notify(user, key="nudge:3", title="队长提醒你学习", kind="team_nudge")
    assert Delivery.objects.get(key="nudge:3").channel == "wechat"


def test_a_new_verified_number_gets_text_messages_again(time_machine):
    from allauth.account.adapter import get_adapter

    at_beijing(time_machine, 10)
    user = verify_phone(shopkeeper(), "+8613800130000")
    booking_notice(user)
    delivery.send_due()
    assert ChannelState.objects.filter(user=user, channel="sms").exists()

    # She changes her number on her profile; the code she typed verifies it.
    get_adapter().set_phone_verified(user, "+8613800138123")

    assert not ChannelState.objects.filter(user=user).exists()
    booking_notice(user, key="booking:2")
    delivery.send_due()
    assert [m["to"] for m in sent("sms")] == ["+8613800138123"]
