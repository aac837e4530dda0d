"""Helpers of the phone sign-in tests: the texts the development outbox kept."""

from django.urls import reverse

from academy import devoutbox

NUMBER = "+8613800138000"


def texts(phone=NUMBER, kind=None):
    """Texts to ``phone``, oldest first."""
    return [
        entry
        for entry in reversed(devoutbox.read(limit=1000, channel="sms"))
        if entry["to"] == phone and (kind is None or entry["kind"] == kind)
    ]


def last_code(phone=NUMBER):
    return texts(phone, "login_code")[-1]["params"][0]


def ask_code(client, phone="138 0013 8000", **extra):
    return client.post(reverse("account_request_login_code"), {"phone": phone}, **extra)


def enter_code(client, code, **extra):
    return client.post(reverse("account_confirm_login_code"), {"code": code}, **extra)


def signup_by_phone(client, phone="13800138000", **overrides):
    data = {"phone": phone, "display_name": "李春燕", "shop_id": "20261128", **overrides}
    return client.post(reverse("account_signup"), data)


def signed_in(client):
    return "_auth_user_id" in client.session
