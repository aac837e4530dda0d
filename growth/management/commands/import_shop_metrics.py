"""Import shop metrics from a CSV file (see growth/metrics/importer.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from academy import imports
from academy.imports import ImportRefused
from growth.metrics import importer
from growth.metrics.importer import PreviewChanged, import_bytes


class Command(BaseCommand):
    help = _(
        "Import shop metrics (店铺ID, 月份, 销售额, 订单数, 新增招募, 团队人数) from a CSV file. "
        "Each row adds or updates its shop's month; other shops are kept. A file with a bad "
        "line imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--replace-months",
            action="store_true",
            help=_(
                "Also delete, for the months in the file, the figures the file has no row "
                "for. Shows how many rows of how many shops go, and asks before deleting."
            ),
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help=_("With --replace-months: delete without asking (for scripts)."),
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        data = imports.read_file(path)
        replace = options["replace_months"]
        try:
            expect = None
            if replace:
                preview = importer.plan(data, replace_months=True)
                self.stdout.write(importer.describe_plan(preview))
                if not options["yes"] and input(_("Type yes to delete and import: ")) != "yes":
                    raise CommandError(_("Nothing was imported."))
                expect = preview.removed
            result = import_bytes(
                data, filename=path.name, replace_months=replace, expect_removed=expect
            )
        except ImportRefused as refused:
            for _line, message in refused.errors:
                self.stderr.write(str(message))
            raise CommandError(_("Nothing was imported.")) from None
        except PreviewChanged as changed:
            self.stderr.write(importer.describe_plan(changed.plan))
            raise CommandError(changed.message) from None
        self.stdout.write(self.style.SUCCESS(importer.describe_result(result)))
