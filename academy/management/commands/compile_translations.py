"""Compile every app's .po files and the override catalogue to .mo without GNU gettext."""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's translations (.po → .mo); needs no system tools."

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR)
        # The project's own apps, then the override catalogue of LOCALE_PATHS.
        folders = [
            Path(config.path) / "locale"
            for config in apps.get_app_configs()
            if Path(config.path).parent == base
        ]
        folders += [Path(folder) for folder in settings.LOCALE_PATHS]
        count = 0
        for folder in folders:
            for po_path in sorted(folder.glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                count += 1
        self.stdout.write(f"Compiled {count} translation file(s).")
