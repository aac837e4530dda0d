"""Import shop metrics from a CSV file (see academy/metrics/importer.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from academy.metrics.importer import ImportRefused, import_bytes


class Command(BaseCommand):
    help = _(
        "Import shop metrics (shop_id, month, gmv, orders, new_recruits, team_size) from a "
        "CSV file. Months in the file are replaced; a file with a bad line imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error}
            ) from None
        try:
            result = import_bytes(data, filename=path.name)
        except ImportRefused as refused:
            for line, message in refused.errors:
                self.stderr.write(
                    _("line %(line)s: %(message)s") % {"line": line, "message": message}
                    if line
                    else str(message)
                )
            raise CommandError(_("Nothing was imported.")) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported %(rows)s rows for %(months)s (%(encoding)s).")
                % {
                    "rows": result.rows,
                    "months": ", ".join(result.months),
                    "encoding": result.encoding,
                }
            )
        )
