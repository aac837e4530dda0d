"""The layout's per-user facts are cached, and a change shows on the very next page."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy import roles, services
from tests.academy.factories import shopkeeper, staff

pytestmark = pytest.mark.django_db


def badge(page):
    found = re.search(r'<span class="badge"><span aria-hidden="true">(\d+)</span>', page)
    return int(found.group(1)) if found else 0


def test_unread_badge_follows_new_and_read_notices(client, home_page):
    user = shopkeeper()
    client.force_login(user)
    assert badge(client.get("/me/").content.decode()) == 0
    services.notify(user, key="test:1", title="新课上线", email=False)
    services.notify(user, key="test:2", title="导师回复了你", email=False)
    assert badge(client.get("/me/").content.decode()) == 2
    client.post(reverse("notifications_read"))
    assert badge(client.get("/me/").content.decode()) == 0


def test_a_removed_role_is_gone_on_the_next_request(client, home_page):
    user = staff(roles.PROGRAM_STAFF)
    client.force_login(user)
    assert client.get("/mentorship/staff/").status_code == 200
    user.groups.remove(Group.objects.get(name=roles.PROGRAM_STAFF))
    assert client.get("/mentorship/staff/").status_code in (403, 404)
    Group.objects.get(name=roles.PROGRAM_STAFF).user_set.add(user)
    assert client.get("/mentorship/staff/").status_code == 200
    Group.objects.get(name=roles.PROGRAM_STAFF).user_set.clear()
    assert client.get("/mentorship/staff/").status_code in (403, 404)
    assert roles.PROGRAM_STAFF not in roles.role_names(type(user).objects.get(pk=user.pk))


def test_roles_and_unread_count_cost_no_query_on_later_pages(client, home_page, settings):
    settings.ACADEMY_USER_PAGE_CACHE_SECONDS = 0  # the page rendered every time
    user = shopkeeper()
    client.force_login(user)

    def layout_queries():
        with CaptureQueriesContext(connection) as queries:
            client.get("/me/")
        sql = [q["sql"] for q in queries.captured_queries]
        return [s for s in sql if "auth_group" in s or "academy_notification" in s]

    assert len(layout_queries()) == 2
    assert layout_queries() == []
