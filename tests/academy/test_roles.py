"""Each role reaches what it should and nothing else (URLs × roles)."""

import pytest
from django.contrib.auth.models import Group

from academy import roles
from tests.academy.factories import UserFactory, mentor, shopkeeper, staff

pytestmark = pytest.mark.django_db

ANON, SHOP, MENTOR, EDITOR, STAFF, ADMIN = (
    "anonymous",
    "shopkeeper",
    "mentor",
    "editor",
    "program_staff",
    "administrator",
)
OK, LOGIN, DENIED, ELSEWHERE = "ok", "login", "denied", "elsewhere"

# url: expected outcome per role
MATRIX = {
    "/": dict.fromkeys([ANON, SHOP, MENTOR, EDITOR, STAFF, ADMIN], OK),
    "/academy/beginner/": dict.fromkeys([ANON, SHOP, MENTOR, EDITOR, STAFF, ADMIN], OK),
    "/healthz/": dict.fromkeys([ANON, SHOP, MENTOR, EDITOR, STAFF, ADMIN], OK),
    "/me/": {ANON: LOGIN, SHOP: OK, MENTOR: OK, EDITOR: OK, STAFF: OK, ADMIN: OK},
    "/profile/": {
        ANON: LOGIN,
        SHOP: OK,
        MENTOR: ELSEWHERE,
        EDITOR: ELSEWHERE,
        STAFF: ELSEWHERE,
        ADMIN: ELSEWHERE,
    },
    "/notifications/": {ANON: LOGIN, SHOP: OK, MENTOR: OK, EDITOR: OK, STAFF: OK, ADMIN: OK},
    "/cms/": {ANON: LOGIN, SHOP: DENIED, MENTOR: DENIED, EDITOR: OK, STAFF: OK, ADMIN: OK},
    "/cms/pages/": {ANON: LOGIN, SHOP: DENIED, MENTOR: DENIED, EDITOR: OK, STAFF: OK, ADMIN: OK},
    "/cms/users/": {
        ANON: LOGIN,
        SHOP: DENIED,
        MENTOR: DENIED,
        EDITOR: DENIED,
        STAFF: DENIED,
        ADMIN: OK,
    },
    "/cms/groups/": {
        ANON: LOGIN,
        SHOP: DENIED,
        MENTOR: DENIED,
        EDITOR: DENIED,
        STAFF: DENIED,
        ADMIN: OK,
    },
}


def make_user(role):
    if role == ANON:
        return None
    if role == SHOP:
        return shopkeeper()
    if role == MENTOR:
        return mentor()
    return staff(role)


def outcome(response, signed_in):
    if response.status_code == 200:
        return OK
    if response.status_code == 403:
        return DENIED
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            # Wagtail sends a signed-in user without admin access to the login page.
            return DENIED if signed_in else LOGIN
        if location.startswith("/cms/") or location == "/":
            # Wagtail sends a signed-in user without admin access back with a message.
            return DENIED
        return ELSEWHERE
    return f"HTTP {response.status_code}"


@pytest.mark.parametrize("url", list(MATRIX))
@pytest.mark.parametrize("role", [ANON, SHOP, MENTOR, EDITOR, STAFF, ADMIN])
def test_role_reaches_only_what_it_should(client, home_page, url, role):
    from courses.models import AcademyIndexPage, TierPage

    index = home_page.add_child(instance=AcademyIndexPage(title="商学院", slug="academy"))
    index.add_child(instance=TierPage(title="新手入门", slug="beginner", level=1))
    user = make_user(role)
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    if url == "/healthz/" and response.status_code == 503:
        pytest.fail(response.content.decode())
    assert outcome(response, user is not None) == MATRIX[url][role], (
        url,
        role,
        response.status_code,
        response.get("Location"),
    )


def test_roles_are_created_by_migration_with_explicit_permissions():
    names = set(Group.objects.values_list("name", flat=True))
    assert set(roles.ROLES) <= names
    editor = Group.objects.get(name=roles.EDITOR)
    perms = set(editor.permissions.values_list("codename", flat=True))
    assert "access_admin" in perms
    assert "publish_page" not in {p.permission.codename for p in editor.page_permissions.all()}
    staff_group = Group.objects.get(name=roles.PROGRAM_STAFF)
    assert "publish_page" in {p.permission.codename for p in staff_group.page_permissions.all()}
    assert not Group.objects.get(name=roles.SHOPKEEPER).permissions.exists()


def test_staff_without_two_factor_must_set_it_up_before_reaching_the_admin(client):
    import time

    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value

    editor = staff(roles.EDITOR, totp=False)
    response = client.post(
        "/accounts/login/", {"login": editor.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    response = client.get("/cms/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    # Turning on 2FA is sensitive: allauth asks for the password once more.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post(response["Location"], {"password": "correct-horse-battery"})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    assert "两步验证" in page.content.decode() or "身份验证器" in page.content.decode()
    # Still locked out of the admin until a code from the app is entered.
    assert client.get("/cms/")["Location"] == "/accounts/2fa/totp/activate/"

    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert response.status_code == 302
    assert client.get("/cms/").status_code == 200


def test_shopkeepers_and_mentors_do_not_need_two_factor(client):
    client.force_login(UserFactory(roles=[roles.MENTOR]))
    assert client.get("/me/").status_code == 200


@pytest.mark.parametrize("url", ["/cms/login/", "/_util/login/"])
def test_wagtail_login_forms_lead_to_the_academy_login(client, url):
    response = client.get(f"{url}?next=/cms/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fcms%2Fpages%2F"
    # A password posted there logs nobody in.
    editor = staff(roles.EDITOR)
    client.post(url, {"username": editor.email, "password": "correct-horse-battery"})
    assert "_auth_user_id" not in client.session


def test_wagtail_admin_password_reset_is_off(client):
    assert client.get("/cms/password_reset/").status_code == 404


@pytest.mark.parametrize("group_name", ["Editors", "Moderators", "内容小组"])
def test_anyone_who_can_reach_the_admin_needs_a_second_factor_whatever_the_group(
    client, group_name
):
    from django.contrib.auth.models import Permission

    group, _created = Group.objects.get_or_create(name=group_name)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    user = UserFactory(roles=[group_name])
    client.force_login(user)
    response = client.get("/cms/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert client.get("/cms/pages/")["Location"] == "/accounts/2fa/totp/activate/"


def test_a_superuser_in_no_group_needs_a_second_factor(client):
    client.force_login(UserFactory(is_superuser=True))
    assert client.get("/cms/")["Location"] == "/accounts/2fa/totp/activate/"
