"""Print the current two-factor codes of the demo staff accounts (development only)."""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from academy.demo import DEMO_PEOPLE, DEMO_TOTP_SECRET, demo_email
from academy.roles import STAFF_ROLES


def current_code(secret=DEMO_TOTP_SECRET):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


class Command(BaseCommand):
    help = "Print the current TOTP code of the demo editor, staff and administrator."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp is for development only (DJANGO_DEBUG=1).")
        code = current_code()
        remaining = 30 - int(time.time()) % 30
        for local, _name, role_names, _extra in DEMO_PEOPLE:
            if set(role_names) & STAFF_ROLES:
                self.stdout.write(f"{demo_email(local)}: {code}")
        self.stdout.write(f"(valid for {remaining} more seconds)")
