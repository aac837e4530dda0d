"""Compile every app's .po files to .mo without GNU gettext (polib)."""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's translations (.po → .mo); needs no system tools."

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR)
        count = 0
        for config in apps.get_app_configs():
            path = Path(config.path)
            if path.parent != base:  # only the project's own apps
                continue
            for po_path in sorted(path.glob("locale/*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                count += 1
        self.stdout.write(f"Compiled {count} translation file(s).")
