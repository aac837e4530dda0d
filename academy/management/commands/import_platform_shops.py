"""Import the platform's shop list (see academy/platform_shops.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from academy import imports, platform_shops
from academy.imports import ImportRefused


class Command(BaseCommand):
    help = _(
        "Update levels and team leaders of verified shops from the platform's shop list "
        "(CSV: 店铺ID, 等级, 团队长店铺ID; or JSON lines). A file with a bad line changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        data = imports.read_file(path)
        try:
            result = platform_shops.import_shop_list(data)
        except ImportRefused as refused:
            for _line, message in refused.errors:
                self.stderr.write(str(message))
            raise CommandError(_("Nothing was imported.")) from None
        self.stdout.write(self.style.SUCCESS(platform_shops.describe(result)))
