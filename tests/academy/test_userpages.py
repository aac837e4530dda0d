"""Signed-in pages kept per person: only ever hers, and never older than her last write."""

import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from academy import userpages
from academy.models import ShopkeeperProfile
from tests.academy.factories import shopkeeper
from tests.forms import submit
from tests.kept_pages import KEPT, kept

pytestmark = pytest.mark.django_db


def without_tokens(content):
    """The page without its CSRF tokens, which differ on every response."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_a_repeated_view_is_served_from_her_kept_page(client, home_page):
    client.force_login(shopkeeper())
    first = client.get("/me/")
    assert first[KEPT] == "miss"
    again = client.get("/me/")
    assert kept(again)
    assert without_tokens(again.content) == without_tokens(first.content)


def test_two_shopkeepers_each_see_only_their_own_page(home_page):
    alice = shopkeeper(user__display_name="王丽娟", shop_id="61110001")
    bob = shopkeeper(user__display_name="李国强", shop_id="61110002")
    as_alice, as_bob = Client(), Client()
    as_alice.force_login(alice)
    as_bob.force_login(bob)
    for _ in range(2):
        for viewer in (as_alice, as_bob):
            viewer.get("/me/")
    page_a, page_b = as_alice.get("/me/"), as_bob.get("/me/")
    assert kept(page_a)
    assert kept(page_b)
    text_a, text_b = page_a.content.decode(), page_b.content.decode()
    assert "王丽娟" in text_a
    assert "61110001" in text_a
    assert "李国强" not in text_a
    assert "61110002" not in text_a
    assert "李国强" in text_b
    assert "王丽娟" not in text_b
    assert "61110001" not in text_b


def test_a_page_kept_for_one_shopkeeper_is_not_served_to_another(client, home_page):
    alice, bob = shopkeeper(user__display_name="王丽娟"), shopkeeper(user__display_name="李国强")
    client.force_login(alice)
    client.get("/me/")
    assert kept(client.get("/me/"))
    client.force_login(bob)
    page = client.get("/me/")
    assert not kept(page)
    assert "王丽娟" not in page.content.decode()


def test_her_profile_change_shows_on_the_next_page_with_its_message(client, home_page):
    user = shopkeeper(user__display_name="王丽娟", city="周口")
    client.force_login(user)
    client.get("/me/")
    assert kept(client.get("/me/"))
    response = submit(
        client, reverse("profile"), {"display_name": "王老板", "city": "郑州"}, form="main form"
    )
    assert response.status_code == 302
    after = client.get(response["Location"])
    assert not kept(after)
    page = after.content.decode()
    assert "王老板" in page
    assert "郑州" in page
    assert "资料已保存" in page  # the one-off message is shown, not a kept page without it
    again = client.get("/me/").content.decode()
    assert "资料已保存" not in again
    assert "王老板" in again


def test_a_change_written_by_someone_else_shows_on_her_next_page(client, home_page):
    user = shopkeeper(level=1)
    client.force_login(user)
    client.get("/me/")
    assert kept(client.get("/me/"))
    profile = ShopkeeperProfile.objects.get(user=user)
    profile.level = 3
    profile.save()
    after = client.get("/me/")
    assert not kept(after)
    assert profile.get_level_display() in after.content.decode()


def test_each_browser_gets_its_own_csrf_token_in_a_kept_page(home_page):
    user = shopkeeper()
    phone, computer = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for browser in (phone, computer):
        browser.force_login(user)
    phone.get("/me/")
    page = computer.get("/me/")
    assert kept(page)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    assert userpages.CSRF_PLACEHOLDER not in page.content.decode()
    # The kept page's logout form works from the browser that got it.
    response = computer.post(reverse("account_logout"), {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302


def test_pages_are_not_kept_when_turned_off(client, home_page, settings):
    settings.ACADEMY_USER_PAGE_CACHE_SECONDS = 0
    client.force_login(shopkeeper())
    client.get("/me/")
    assert KEPT not in client.get("/me/")


def test_a_kept_page_expires(client, home_page, time_machine):
    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=False)
    client.force_login(shopkeeper())
    client.get("/me/")
    assert kept(client.get("/me/"))
    time_machine.shift(61)
    assert not kept(client.get("/me/"))


def test_every_model_of_the_academy_says_which_kept_pages_it_changes():
    """A new model must say which pages its rows change, or be ignored on purpose."""
    silent = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in userpages.OWN_APPS
        and not issubclass(model, Page)
        and model not in userpages._rules
    ]
    assert silent == []


def test_a_write_to_an_undescribed_row_makes_every_kept_page_stale():
    from academy.models import OutboundEmail

    rule = userpages._rules.pop(OutboundEmail)
    try:
        assert userpages.scopes_for(OutboundEmail(to="a@example.com")) == [userpages.SHARED]
    finally:
        userpages._rules[OutboundEmail] = rule


def test_a_lost_version_never_matches_an_old_page():
    from django.core.cache import cache

    before = userpages.versions(["user:1"])
    cache.delete("userpages:v:user:1")
    assert userpages.versions(["user:1"]) != before
