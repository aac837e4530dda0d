"""Print an entry link as the platform's app would open it (development only)."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from academy.models import ShopkeeperLevel
from academy.platform import make_entry_token


class Command(BaseCommand):
    help = "Print a signed 进入商学院 link (valid five minutes, once) on ACADEMY_SITE_URL."

    def add_arguments(self, parser):
        parser.add_argument("--shop-id", default="88000099", help="her shop ID")
        parser.add_argument(
            "--level", type=int, default=ShopkeeperLevel.V2, choices=ShopkeeperLevel.values
        )
        parser.add_argument("--leader", default="88000001", help="her team leader's shop ID")
        parser.add_argument("--province", default="河南")
        parser.add_argument("--city", default="周口")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("platform_entry_link is for development only (DJANGO_DEBUG=1).")
        if not settings.ACADEMY_PLATFORM_ENTRY:
            raise CommandError("The entry link is off (ACADEMY_PLATFORM_ENTRY=0).")
        if settings.ACADEMY_PLATFORM_JWT_ALGORITHM != "HS256":
            raise CommandError("Only HS256 links can be made here: RS256 needs the platform's key.")
        token = make_entry_token(
            shop_id=options["shop_id"],
            level=options["level"],
            leader_shop_id=options["leader"],
            region={"province": options["province"], "city": options["city"]},
        )
        # Always the configured site, never a request's host.
        url = f"{settings.SITE_URL}{reverse('platform_entry')}?{urlencode({'token': token})}"
        self.stdout.write(url)
