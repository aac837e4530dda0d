"""E-mail as the academy sends it, whoever wrote it (allauth, the notice outbox, Wagtail).

The academy's own and allauth's messages are branded (【店主商学院】 in the
subject, the academy's name in the body); every message, through
:class:`EmailBackend`, has a plain-text part and a simple HTML part a phone shows well, a
Message-ID on the site's own domain (not the sending machine's), and a subject
without control characters (a line break there would start a new header). Links
are built from ACADEMY_SITE_URL, never from the Host a request named.
"""

from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string

from academy.validators import is_forbidden

SUBJECT_PREFIX = "【店主商学院】"
SUBJECT_MAX_LENGTH = 200


def site_domain():
    return urlsplit(settings.SITE_URL).hostname or "academy.local"


def site_link(location):
    """``location`` (a path, or a URL on any host) as a link on the configured site."""
    parts = urlsplit(location)
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{settings.SITE_URL}{path}{query}{fragment}"


def clean_subject(text):
    """One line: control characters and direction marks become spaces, runs of spaces one."""
    text = "".join(" " if is_forbidden(character) else character for character in str(text))
    return " ".join(text.split())[:SUBJECT_MAX_LENGTH]


def notice_subject(title):
    return clean_subject(f"{SUBJECT_PREFIX}{title}")


def message_id():
    return make_msgid(domain=site_domain())


def html_from_text(text):
    """The branded HTML part for a plain-text body: its paragraphs, links made clickable."""
    return render_to_string(
        "academy/email/text_message.html", {"text": text, "site_url": settings.SITE_URL}
    )


def finish(message):
    """Give ``message`` what every academy e-mail has: clean subject, Message-ID, HTML part."""
    message.subject = clean_subject(message.subject)
    if not any(name.lower() == "message-id" for name in message.extra_headers):
        message.extra_headers["Message-ID"] = message_id()
    if isinstance(message, EmailMultiAlternatives) and not any(
        kind == "text/html" for _content, kind in message.alternatives
    ):
        message.attach_alternative(html_from_text(message.body), "text/html")
    return message


def compose(subject, text, to):
    """A message of the academy: ``text`` signed with its name, and the HTML part made from it."""
    context = {"text": text, "site_url": settings.SITE_URL}
    body = render_to_string("academy/email/text_message.txt", context).strip()
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html_from_text(text), "text/html")
    return finish(message)


class EmailBackend(BaseEmailBackend):
    """The academy's e-mail backend: ``finish`` every message, then hand it on.

    Mails written elsewhere (Wagtail's workflow notices, error reports) get the
    same Message-ID, one-line subject and HTML part as the academy's own. The
    real transport (SMTP, console, file) is ``ACADEMY_EMAIL_TRANSPORT``.
    """

    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.transport = get_connection(
            settings.ACADEMY_EMAIL_TRANSPORT, fail_silently=fail_silently, **kwargs
        )

    def open(self):
        return self.transport.open()

    def close(self):
        return self.transport.close()

    def send_messages(self, email_messages):
        return self.transport.send_messages([finish(message) for message in email_messages])
