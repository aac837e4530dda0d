"""Build the demo academy: site, tiers, demo accounts of every role, shopkeepers."""

import importlib
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

MAX_SHOPKEEPERS = 5_000_000


def shopkeeper_count(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise CommandError(
            _("--shopkeepers must be a whole number, not %(value)r.") % {"value": value}
        ) from None
    if number < 0 or number > MAX_SHOPKEEPERS:
        raise CommandError(
            _("--shopkeepers must be between 0 and %(max)s, not %(value)s.")
            % {"max": MAX_SHOPKEEPERS, "value": number}
        )
    return number


class Command(BaseCommand):
    help = _("Create the demo academy. Running it again changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--shopkeepers",
            help=_("How many demo shopkeepers to have (default 300)."),
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help=_("Seed even when DJANGO_DEBUG=0 (demo passwords are public)."),
        )

    def handle(self, *args, **options):
        # Validate everything before the first write: bad input changes nothing.
        if options["shopkeepers"] is not None:
            options["shopkeepers"] = shopkeeper_count(options["shopkeepers"])
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                _("Refusing to create demo accounts with public passwords when DJANGO_DEBUG=0.")
            )
        started = time.monotonic()
        with transaction.atomic():
            for module_name in settings.ACADEMY_SEEDERS:
                module = importlib.import_module(module_name)
                self.stdout.write(f"{module_name}:")
                module.seed(self.stdout, options)
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo academy ready in %(seconds).1f s.")
                % {"seconds": time.monotonic() - started}
            )
        )
