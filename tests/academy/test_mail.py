"""Every e-mail looks like ours: branded, Chinese first, text and HTML, links on the site.

Links come from ACADEMY_SITE_URL whatever Host the request named: a forged
Host must never reach a confirmation or reset link.
"""

import re

import pytest
from django.urls import reverse

from academy import services
from tests.academy.factories import shopkeeper
from tests.forms import submit

pytestmark = pytest.mark.django_db

SITE = "https://academy.example.cn"
FORGED = {"HTTP_HOST": "evil.example"}
STRONG = "Kd83-lanzhou-spring"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    # Even when a proxy lets a foreign Host through, mails do not follow it.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]


def links(text):
    return re.findall(r"https?://[^\s\"'<>]+", text)


def html_part(message):
    parts = [content for content, kind in message.alternatives if kind == "text/html"]
    assert len(parts) == 1, "one HTML part"
    return parts[0]


def assert_ours(message):
    """Branded subject, text and HTML parts, links and Message-ID on the site's domain."""
    assert message.subject.startswith("【店主商学院】")
    assert not re.search(r"[\x00-\x1f\x7f]", message.subject)
    html = html_part(message)
    assert "店主商学院" in message.body and "店主商学院" in html
    assert '<meta name="viewport"' in html
    for text in (message.body, html):
        assert "evil.example" not in text and "testserver" not in text
        assert "127.0.0.1" not in text
        assert links(text)
        assert all(re.match(re.escape(SITE) + "(/|$)", link) for link in links(text))
    assert re.fullmatch(r"<[^@\s]+@academy\.example\.cn>", message.message()["Message-ID"])


def test_the_signup_mail_is_ours_and_links_to_the_site_whatever_the_host(client, mailoutbox):
    response = submit(
        client,
        reverse("account_signup"),
        {
            "email": "new.shopkeeper@example.com",
            "display_name": "李春燕",
            "shop_id": "12345678",
            "password1": STRONG,
            "password2": STRONG,
        },
        form="form:has([name=password1])",
        **FORGED,
    )
    assert response.status_code == 302
    [message] = mailoutbox
    assert_ours(message)
    assert "请确认" in message.subject
    link = next(x for x in links(message.body) if "/accounts/confirm-email/" in x)
    assert link in html_part(message)
    # The link works: it confirms the address and signs her in.
    page = client.post(link.removeprefix(SITE), follow=True)
    assert page.redirect_chain[-1][0] == reverse("profile")


def test_the_reset_mail_is_ours_and_links_to_the_site_whatever_the_host(client, mailoutbox):
    user = shopkeeper()
    submit(
        client,
        reverse("account_reset_password"),
        {"email": user.email},
        form="form:has([name=email])",
        **FORGED,
    )
    [message] = mailoutbox
    assert_ours(message)
    assert "密码" in message.subject
    link = next(x for x in links(message.body) if "/accounts/password/reset/key/" in x)
    assert link in html_part(message)
    assert client.get(link.removeprefix(SITE), follow=True).status_code == 200


def test_the_mails_of_unknown_and_taken_addresses_are_ours_too(client, mailoutbox):
    owner = shopkeeper()
    submit(
        client,
        reverse("account_reset_password"),
        {"email": "nobody@example.com"},
        form="form:has([name=email])",
        **FORGED,
    )
    submit(
        client,
        reverse("account_signup"),
        {
            "email": owner.email,
            "display_name": "冒名",
            "shop_id": "87654321",
            "password1": STRONG,
            "password2": STRONG,
        },
        form="form:has([name=password1])",
        **FORGED,
    )
    assert [m.to for m in mailoutbox] == [["nobody@example.com"], [owner.email]]
    for message in mailoutbox:
        assert_ours(message)


def test_a_notice_mail_is_ours_and_its_subject_has_no_line_breaks(
    django_capture_on_commit_callbacks, mailoutbox
):
    user = shopkeeper()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            user,
            key="evil:1",
            title="预约成功\r\nBcc: victim@example.com\x1b[2J",
            body="您的辅导已预约。",
            url="/me/",
        )
    [message] = mailoutbox
    assert_ours(message)
    assert message.subject == "【店主商学院】预约成功 Bcc: victim@example.com [2J"
    assert message.message()["Bcc"] is None
    assert SITE + "/me/" in message.body and SITE + "/me/" in html_part(message)


def test_mails_written_elsewhere_get_a_clean_subject_our_message_id_and_an_html_part(settings):
    from django.core import mail
    from wagtail.admin.mail import send_mail

    settings.EMAIL_BACKEND = "academy.mail.EmailBackend"
    settings.ACADEMY_EMAIL_TRANSPORT = "django.core.mail.backends.locmem.EmailBackend"
    # Wagtail's workflow notice about a page whose title an editor typed.
    send_mail(
        '页面 "新课\r\n上线" 已提交审核',
        "请审核：https://academy.example.cn/cms/",
        ["a@example.com"],
    )
    [message] = mail.outbox
    assert message.subject == '页面 "新课 上线" 已提交审核'
    assert "https://academy.example.cn/cms/" in html_part(message)
    assert message.message()["Message-ID"].endswith("@academy.example.cn>")
