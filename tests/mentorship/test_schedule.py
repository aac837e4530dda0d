"""A mentor's availability changes only through the schedule service, under its lock."""

from datetime import time

import pytest
from django.urls import reverse

from mentorship.errors import ScheduleError
from mentorship.models import AvailabilityRule, MentorSchedule
from mentorship.services import schedule as schedule_services
from tests.academy.factories import MentorProfileFactory, shopkeeper
from tests.forms import submit
from tests.mentorship.factories import open_mentor

pytestmark = pytest.mark.django_db

SETTINGS_FORM = "form:has(input[name=action][value=settings])"


@pytest.fixture
def locks(monkeypatch):
    """The profiles whose schedule was locked, in order."""
    taken = []
    lock = schedule_services.lock_schedule

    def spy(profile):
        taken.append(profile.pk)
        return lock(profile)

    monkeypatch.setattr(schedule_services, "lock_schedule", spy)
    return taken


def test_the_settings_form_saves_through_the_service_under_the_schedule_lock(client, locks):
    profile = open_mentor()
    client.force_login(profile.user)

    response = submit(
        client, reverse("mentorship:availability"), {"daily_limit": "3"}, form=SETTINGS_FORM
    )

    assert response.status_code == 302
    assert locks == [profile.pk]
    assert MentorSchedule.objects.get(mentor=profile).daily_limit == 3


def test_saving_weekly_hours_takes_the_schedule_lock(client, locks):
    profile = open_mentor(days=[])
    client.force_login(profile.user)

    response = submit(
        client,
        reverse("mentorship:availability"),
        {"rules-0-weekday": "2", "rules-0-start_time": "09:00", "rules-0-end_time": "12:00"},
        form="form:has(input[name=action][value=rules])",
    )

    assert response.status_code == 302
    assert locks == [profile.pk]
    assert list(AvailabilityRule.objects.values_list("weekday", "start_time")) == [(2, time(9))]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"buffer_after": 500}, "invalid"),
        ({"slot_interval": 7}, "slot_interval"),
        ({"session_lengths": []}, "session_lengths"),
        ({"session_lengths": [30, 31]}, "session_lengths"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
    ],
)
def test_a_refused_settings_change_saves_nothing(changes, code):
    profile = open_mentor()

    with pytest.raises(ScheduleError) as error:
        schedule_services.update_booking_settings(
            profile, {"wechat_id": "new_id_2026", "time_zone": "Europe/Berlin", **changes}
        )

    assert error.value.code == code
    profile.refresh_from_db()
    assert profile.time_zone == "Asia/Shanghai"
    assert MentorSchedule.objects.get(mentor=profile).wechat_id == "mentor_wechat_88"


def test_only_booking_settings_can_be_changed():
    profile = open_mentor()

    with pytest.raises(ValueError, match="mentor"):
        schedule_services.update_booking_settings(profile, {"mentor": MentorProfileFactory()})


def test_overlapping_weekly_hours_are_refused_by_the_service_too():
    profile = open_mentor(days=[])

    with pytest.raises(ScheduleError) as error:
        schedule_services.replace_weekly_rules(
            profile, {0: [(time(9), time(12)), (time(11), time(13))]}
        )

    assert error.value.code == "overlap"
    assert not AvailabilityRule.objects.exists()


def test_looking_at_a_mentor_without_a_schedule_writes_nothing(client):
    profile = MentorProfileFactory()
    client.force_login(shopkeeper())
    assert client.get(reverse("mentorship:mentor", args=[profile.pk])).status_code == 200
    client.force_login(profile.user)
    assert client.get(reverse("mentorship:availability")).status_code == 200

    assert not MentorSchedule.objects.exists()


def test_a_mentors_first_change_saves_her_schedule_with_the_defaults_she_saw():
    profile = MentorProfileFactory()

    schedule_services.replace_weekly_rules(profile, {0: [(time(9), time(12))]})

    assert MentorSchedule.objects.get(mentor=profile).session_lengths == [30, 60]
