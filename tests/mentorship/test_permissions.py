"""Who reaches what: another user's booking, notes, goals, messages, calendar → 404/403."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from academy import roles
from mentorship import services
from mentorship.models import Booking, BookingStatus, Goal, SessionNote, Thread
from tests.academy.factories import shopkeeper, staff
from tests.mentorship.factories import make_booking, open_mentor

pytestmark = pytest.mark.django_db

OWNER, MENTOR, OTHER_SHOP, OTHER_MENTOR, STAFF, ANON = (
    "owner",
    "mentor",
    "other_shopkeeper",
    "other_mentor",
    "program_staff",
    "anonymous",
)
WHO = [OWNER, MENTOR, OTHER_SHOP, OTHER_MENTOR, STAFF, ANON]


@pytest.fixture
def world():
    profile = open_mentor()
    owner = shopkeeper()
    booking = make_booking(profile, owner, start=timezone.now() + timedelta(days=3))
    past = make_booking(profile, owner, start=timezone.now() - timedelta(days=3))
    SessionNote.objects.create(
        booking=past, author=profile.user, body="导师私人笔记", visibility="private"
    )
    SessionNote.objects.create(
        booking=past, author=profile.user, body="共享总结", visibility="shared"
    )
    goal = Goal.objects.create(mentee=owner, title="目标", target_value=10, created_by=owner)
    thread = Thread.objects.create(mentor=profile.user, mentee=owner)
    users = {
        OWNER: owner,
        MENTOR: profile.user,
        OTHER_SHOP: shopkeeper(),
        OTHER_MENTOR: open_mentor().user,
        STAFF: staff(roles.PROGRAM_STAFF),
        ANON: None,
    }
    return {"booking": booking, "past": past, "goal": goal, "thread": thread, "users": users}


def outcome(response):
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    return response.status_code


OK, NF, FB = 200, 404, 403
# (url name, object, expected per WHO)
GET_MATRIX = [
    ("mentorship:booking", "booking", [OK, OK, NF, NF, NF, "login"]),
    ("mentorship:booking_ics", "booking", [OK, OK, NF, NF, NF, "login"]),
    ("mentorship:goal", "goal", [OK, OK, NF, NF, OK, "login"]),
    ("mentorship:thread", "thread", [OK, OK, NF, NF, NF, "login"]),
    ("mentorship:mentee", "owner", [NF, OK, NF, NF, OK, "login"]),
    ("mentorship:agenda", None, [FB, OK, FB, OK, FB, "login"]),
    ("mentorship:availability", None, [FB, OK, FB, OK, FB, "login"]),
    ("mentorship:mentees", None, [FB, OK, FB, OK, FB, "login"]),
    ("mentorship:staff", None, [FB, FB, FB, FB, OK, "login"]),
    ("mentorship:staff_assignments", None, [FB, FB, FB, FB, OK, "login"]),
]


@pytest.mark.parametrize(("name", "obj", "expected"), GET_MATRIX, ids=[m[0] for m in GET_MATRIX])
@pytest.mark.parametrize("who", WHO)
def test_pages_by_role_and_relation(client, world, name, obj, expected, who):
    user = world["users"][who]
    if user is not None:
        client.force_login(user)
    if obj == "owner":
        args = [world["users"][OWNER].pk]
    elif obj is not None:
        args = [world[obj].pk]
    else:
        args = []
    response = client.get(reverse(name, args=args))
    assert outcome(response) == expected[WHO.index(who)], (name, who, response.status_code)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("mentorship:cancel", {"reason": "conflict"}),
        ("mentorship:attendance", {"attended": "1"}),
        ("mentorship:add_note", {"body": "偷看", "visibility": "shared"}),
        ("mentorship:add_action_item", {"title": "x", "target_value": "1"}),
        ("mentorship:reschedule", {"start": "2030-01-01T01:00:00Z"}),
        ("mentorship:propose", {"day": "2030-01-01", "time": "10:00", "reason": "x"}),
    ],
)
@pytest.mark.parametrize("who", [OTHER_SHOP, OTHER_MENTOR, STAFF])
def test_strangers_cannot_act_on_a_booking(client, world, name, data, who):
    client.force_login(world["users"][who])
    booking = world["booking"]
    response = client.post(reverse(name, args=[booking.pk]), data)
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.sequence == 0
    assert not SessionNote.objects.filter(body="偷看").exists()
    assert Goal.objects.count() == 1


def test_strangers_cannot_post_in_a_thread_or_on_a_goal(client, world):
    client.force_login(world["users"][OTHER_SHOP])
    assert (
        client.post(
            reverse("mentorship:thread", args=[world["thread"].pk]), {"body": "hi"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("mentorship:goal", args=[world["goal"].pk]), {"action": "comment", "body": "hi"}
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("mentorship:thread_with", args=[world["users"][MENTOR].pk])).status_code
        == 404
    )
    assert not world["thread"].messages.exists()


def test_a_mentor_cannot_record_a_mentees_progress_but_can_comment(client, world):
    client.force_login(world["users"][MENTOR])
    goal = world["goal"]
    client.post(reverse("mentorship:goal", args=[goal.pk]), {"action": "progress", "value": "9"})
    client.post(reverse("mentorship:goal", args=[goal.pk]), {"action": "comment", "body": "加油"})
    goal.refresh_from_db()
    assert goal.current_value == 0
    assert goal.comments.get().body == "加油"


def test_private_notes_stay_with_their_author(client, world):
    client.force_login(world["users"][OWNER])
    page = client.get(reverse("mentorship:booking", args=[world["past"].pk])).content.decode()
    assert "共享总结" in page and "导师私人笔记" not in page
    client.force_login(world["users"][STAFF])
    page = client.get(
        reverse("mentorship:mentee", args=[world["users"][OWNER].pk])
    ).content.decode()
    assert "共享总结" in page and "导师私人笔记" not in page
    client.force_login(world["users"][MENTOR])
    page = client.get(
        reverse("mentorship:mentee", args=[world["users"][OWNER].pk])
    ).content.decode()
    assert "共享总结" in page and "导师私人笔记" in page


def test_a_mentor_lists_only_her_own_mentees(client, world):
    owner = world["users"][OWNER]
    client.force_login(world["users"][OTHER_MENTOR])
    assert str(owner) not in client.get(reverse("mentorship:mentees")).content.decode()
    client.force_login(world["users"][MENTOR])
    assert str(owner) in client.get(reverse("mentorship:mentees")).content.decode()


def test_a_stranger_cannot_answer_a_proposal(client, world):
    booking = world["booking"]
    proposal = services.propose_new_time(
        booking,
        world["users"][MENTOR],
        booking.start + timedelta(days=1),
        reason="出差",
    )
    client.force_login(world["users"][OTHER_SHOP])
    assert client.post(reverse("mentorship:accept_proposal", args=[proposal.pk])).status_code == 404
    booking.refresh_from_db()
    assert booking.sequence == 0
    assert Booking.objects.get(pk=booking.pk).start == booking.start


def test_the_mentee_page_of_a_stranger_is_not_found_even_for_a_mentor(client, world):
    client.force_login(world["users"][OTHER_MENTOR])
    response = client.get(reverse("mentorship:mentee", args=[world["users"][OTHER_SHOP].pk]))
    assert response.status_code == 404
