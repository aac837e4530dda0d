"""The platform's entry link signs her in as the owner of her shop; a bad link changes nothing."""

import hashlib
import hmac
import json
import uuid
from datetime import timedelta
from io import StringIO
from urllib.parse import urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from academy import roles
from academy.models import PlatformEntry, ShopkeeperLevel, ShopkeeperProfile, User
from tests.academy.factories import ShopkeeperProfileFactory, mentor, staff
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db

SECRET = "a-test-secret-of-the-platform-for-entry-links"
SHOP = "51230001"
LEADER = "51230002"


@pytest.fixture(autouse=True)
def _hs256(settings):
    settings.ACADEMY_PLATFORM_ENTRY = True
    settings.ACADEMY_PLATFORM_JWT_ALGORITHM = "HS256"
    settings.ACADEMY_PLATFORM_JWT_SECRET = SECRET
    settings.ACADEMY_PLATFORM_JWT_AUDIENCE = "shopkeeper-academy"
    settings.ACADEMY_PLATFORM_JWT_ISSUER = ""


def claims(**overrides):
    now = int(timezone.now().timestamp())
    payload = {
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + 300,
        "aud": "shopkeeper-academy",
        "shop_id": SHOP,
        "level": 3,
        "leader_shop_id": LEADER,
        "region": {"province": "河南", "city": "周口"},
    }
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not None}


def token(key=SECRET, algorithm="HS256", **overrides):
    return jwt.encode(claims(**overrides), key, algorithm=algorithm)


def open_link(client, value):
    return client.get(reverse("platform_entry"), {"token": value})


def counts():
    return (
        User.objects.count(),
        ShopkeeperProfile.objects.filter(shop_verified=True).count(),
        PlatformEntry.objects.count(),
        list(ShopkeeperProfile.objects.order_by("pk").values_list("level", "team_leader_id")),
    )


def signed_in_user(client):
    return client.session.get("_auth_user_id")


def assert_refused(client, value, status):
    before = counts()
    response = open_link(client, value)
    assert response.status_code == status
    assert "此链接无法登录" in response.content.decode()
    assert counts() == before
    assert signed_in_user(client) is None
    return response


@pytest.fixture
def leader():
    return ShopkeeperProfileFactory(shop_id=LEADER)


def test_a_good_link_makes_her_account_verified_with_level_leader_and_region(client, leader):
    response = open_link(client, token())

    profile = ShopkeeperProfile.objects.get(shop_id=SHOP)
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")  # a new account completes her profile
    assert signed_in_user(client) == str(profile.user_id)
    assert profile.shop_verified and profile.shop_verified_at is not None
    assert profile.shop_verified_by is None  # the platform, not a staff member
    assert profile.level == ShopkeeperLevel.V3
    assert profile.team_leader == leader
    assert (profile.province, profile.city) == ("河南", "周口")
    user = profile.user
    assert user.email is None and not user.has_usable_password()
    assert roles.has_role(user, roles.SHOPKEEPER)
    assert PlatformEntry.objects.get().user == user
    assert str(user)  # an account without e-mail still has a name to show


def test_a_team_the_platform_set_is_shown_but_not_hers_to_change(client, leader):
    open_link(client, token())
    other = ShopkeeperProfileFactory(shop_id="51111111")

    page = client.get(reverse("profile")).content.decode()
    assert "Set by the platform from your shop&#x27;s records" in page or "由平台" in page
    response = client.post(
        reverse("profile"),
        {
            "display_name": "王姐",
            "province": "河南",
            "city": "周口",
            "team_leader_shop_id": other.shop_id,
            "time_zone": "Asia/Shanghai",
        },
    )

    assert response.status_code == 302
    profile = ShopkeeperProfile.objects.get(shop_id=SHOP)
    assert profile.team_from_platform
    assert profile.team_leader == leader  # what she typed changed nothing
    assert profile.user.display_name == "王姐"  # the rest of her profile saved


def test_two_accounts_without_email_can_exist(client):
    open_link(client, token(shop_id="51230011"))
    client.logout()
    open_link(client, token(shop_id="51230012"))
    assert User.objects.filter(email__isnull=True).count() == 2


def test_the_earliest_claim_of_the_shop_is_linked_and_verified(client, leader):
    first = ShopkeeperProfileFactory(shop_id=SHOP, shop_verified=False, level=1)
    ShopkeeperProfileFactory(shop_id=SHOP, shop_verified=False)
    users = User.objects.count()

    response = open_link(client, token())

    first.refresh_from_db()
    assert response["Location"] == reverse("dashboard")
    assert signed_in_user(client) == str(first.user_id)
    assert first.shop_verified and first.level == 3 and first.team_leader == leader
    assert User.objects.count() == users


def test_the_verified_holder_wins_over_earlier_claims(client):
    ShopkeeperProfileFactory(shop_id=SHOP, shop_verified=False)
    holder = ShopkeeperProfileFactory(shop_id=SHOP)
    open_link(client, token(leader_shop_id=None))
    assert signed_in_user(client) == str(holder.user_id)


def test_an_unknown_leader_leaves_her_team_unchanged(client, leader):
    profile = ShopkeeperProfileFactory(shop_id=SHOP, team_leader=leader)
    open_link(client, token(leader_shop_id="59999999"))
    profile.refresh_from_db()
    assert profile.team_leader == leader and profile.shop_verified


def test_the_dashboard_after_entry_is_her_learning_page(client, leader):
    ShopkeeperProfileFactory(shop_id=SHOP)
    response = open_link(client, token())
    assert client.get(response["Location"]).status_code == 200


def test_an_expired_link_is_refused(client, leader, time_machine):
    value = token()
    time_machine.move_to(timezone.now() + timedelta(minutes=6), tick=False)
    response = assert_refused(client, value, 410)
    assert "已过期" in response.content.decode()


def test_a_replayed_link_is_refused(client, leader):
    value = token()
    open_link(client, value)
    client.logout()
    response = assert_refused(client, value, 410)
    assert "已经使用" in response.content.decode()


def test_a_forged_signature_is_refused(client, leader):
    assert_refused(client, token(key="not-the-platforms-secret-at-all-no-no"), 400)


def test_a_foreign_audience_is_refused(client, leader):
    assert_refused(client, token(aud="another-service"), 400)


def test_alg_none_is_refused(client, leader):
    assert_refused(client, jwt.encode(claims(), None, algorithm="none"), 400)


def test_a_link_living_longer_than_five_minutes_is_refused(client, leader):
    now = int(timezone.now().timestamp())
    assert_refused(client, token(iat=now, exp=now + 3600), 400)


def test_a_link_issued_in_the_future_is_refused(client, leader):
    later = int(timezone.now().timestamp()) + 3600
    assert_refused(client, token(iat=later, exp=later + 300), 400)


def test_a_little_clock_difference_is_tolerated(client, leader):
    now = int(timezone.now().timestamp())
    assert open_link(client, token(iat=now + 10, exp=now - 10 + 300)).status_code == 302


@pytest.mark.parametrize("missing", ["exp", "iat", "aud", "jti", "shop_id", "level"])
def test_a_link_missing_a_claim_is_refused(client, leader, missing):
    payload = claims()
    del payload[missing]
    assert_refused(client, jwt.encode(payload, SECRET, algorithm="HS256"), 400)


@pytest.mark.parametrize("shop_id", ["12", "abc12345", "1234567890123", "", True])
def test_a_malformed_shop_id_is_refused(client, leader, shop_id):
    assert_refused(client, token(shop_id=shop_id), 400)


@pytest.mark.parametrize("level", [0, 9, "3", True])
def test_an_unknown_level_is_refused(client, leader, level):
    assert_refused(client, token(level=level), 400)


def test_garbage_and_missing_tokens_are_refused(client):
    assert_refused(client, "not.a.token", 400)
    assert client.get(reverse("platform_entry")).status_code == 400


def test_the_wrong_issuer_is_refused_when_one_is_configured(client, leader, settings):
    settings.ACADEMY_PLATFORM_JWT_ISSUER = "platform"
    assert_refused(client, token(iss="someone-else"), 400)
    assert_refused(client, token(), 400)  # no issuer at all
    assert open_link(client, token(iss="platform")).status_code == 302


def test_the_link_is_refused_when_switched_off(client, leader, settings):
    settings.ACADEMY_PLATFORM_ENTRY = False
    assert_refused(client, token(), 400)


@pytest.mark.parametrize("role", sorted(roles.STAFF_ROLES))
def test_staff_accounts_are_never_signed_in_by_the_link(client, role):
    user = staff(role)
    ShopkeeperProfileFactory(user=user, shop_id=SHOP)
    response = assert_refused(client, token(leader_shop_id=None), 403)
    assert reverse("account_login") in response.content.decode()


def test_an_account_with_admin_access_is_never_signed_in_by_the_link(client):
    profile = ShopkeeperProfileFactory(shop_id=SHOP)
    group = Group.objects.create(name="Admin readers")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    profile.user.groups.add(group)
    assert_refused(client, token(leader_shop_id=None), 403)


def test_a_mentor_who_is_also_a_shopkeeper_may_enter(client):
    user = mentor()
    ShopkeeperProfileFactory(user=user, shop_id=SHOP)
    open_link(client, token(leader_shop_id=None))
    assert signed_in_user(client) == str(user.pk)


def test_expired_entries_are_pruned_on_the_next_entry(client, leader, time_machine):
    open_link(client, token())
    client.logout()
    time_machine.move_to(timezone.now() + timedelta(minutes=10), tick=False)
    open_link(client, token(shop_id="51230021"))
    assert list(PlatformEntry.objects.values_list("shop_id", flat=True)) == ["51230021"]


def test_too_many_links_from_one_address_are_paused(client, settings):
    settings.ACADEMY_RATE_LIMITS = {**settings.ACADEMY_RATE_LIMITS, "platform_entry": "2/m"}
    for _attempt in range(2):
        open_link(client, "bad")
    assert open_link(client, token()).status_code == 429


def test_behind_a_proxy_each_client_address_has_its_own_count(client, settings):
    settings.ACADEMY_RATE_LIMITS = {**settings.ACADEMY_RATE_LIMITS, "platform_entry": "2/m"}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    url = reverse("platform_entry")
    for _attempt in range(2):
        client.get(url, {"token": "bad"}, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 400


@pytest.fixture
def rsa_keys(settings):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    settings.ACADEMY_PLATFORM_JWT_ALGORITHM = "RS256"
    settings.ACADEMY_PLATFORM_JWT_PUBLIC_KEY = public_pem
    settings.ACADEMY_PLATFORM_JWT_SECRET = ""
    return private, public_pem


def test_an_rs256_link_signed_with_the_platforms_key_signs_her_in(client, leader, rsa_keys):
    private, _public = rsa_keys
    response = open_link(client, token(key=private, algorithm="RS256"))
    assert response.status_code == 302
    assert ShopkeeperProfile.objects.get(shop_id=SHOP).shop_verified


def test_an_hs256_link_signed_with_the_public_key_is_refused(client, leader, rsa_keys):
    _private, public = rsa_keys
    # PyJWT itself refuses to HMAC with a PEM key; a forger would do it by hand.
    header = jwt.utils.base64url_encode(b'{"alg":"HS256","typ":"JWT"}')
    body = jwt.utils.base64url_encode(json.dumps(claims()).encode())
    signing_input = header + b"." + body
    signature = hmac.new(public.encode(), signing_input, hashlib.sha256).digest()
    forged = (signing_input + b"." + jwt.utils.base64url_encode(signature)).decode()
    assert_refused(client, forged, 400)


def test_an_rs256_link_from_another_key_is_refused(client, leader, rsa_keys):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert_refused(client, token(key=other, algorithm="RS256"), 400)


def test_the_demo_command_prints_a_link_that_works(client, settings):
    settings.DEBUG = True
    settings.SITE_URL = "https://academy.example.com"
    ShopkeeperProfileFactory(shop_id="88000001")
    out = StringIO()
    call_command("platform_entry_link", "--shop-id", "51230031", "--level", "4", stdout=out)

    link = urlsplit(out.getvalue().strip())
    assert f"{link.scheme}://{link.netloc}" == "https://academy.example.com"
    response = client.get(f"{link.path}?{link.query}")
    profile = ShopkeeperProfile.objects.get(shop_id="51230031")
    assert response.status_code == 302 and profile.shop_verified and profile.level == 4
    assert profile.team_leader.shop_id == "88000001"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_link_opened_twice_at_once_signs_in_once(postgres_db, leader):
    from django.test import Client

    value = token()

    def open_once():
        return open_link(Client(), value).status_code

    results = run_concurrently(open_once, [(), ()])
    assert sorted(results) == [302, 410]
    assert User.objects.filter(shopkeeper_profile__shop_id=SHOP).count() == 1
    assert PlatformEntry.objects.count() == 1
