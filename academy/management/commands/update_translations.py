"""Extract each app's strings (its code and its templates/<app>/ folder) into its .po file.

Templates live in the top-level ``templates/`` folder; each app's folder there is
linked into the app for the extraction, so every app keeps a .po file of its own.
Site-wide templates (base, includes, account pages) belong to ``academy``.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

APPS = ["academy", "courses", "mentorship", "growth"]


class Command(BaseCommand):
    help = "Update the zh_Hans .po file of every app (needs GNU gettext's xgettext)."

    def add_arguments(self, parser):
        parser.add_argument("apps", nargs="*", choices=[[], *APPS], help="Only these apps.")

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR)
        templates = base / "templates"
        cwd = os.getcwd()
        for app in options["apps"] or APPS:
            app_dir = base / app
            link = app_dir / "_templates"
            (app_dir / "locale").mkdir(exist_ok=True)
            if app == "academy":
                target = templates
                ignore = [f"_templates/{other}/*" for other in APPS if other != app]
            else:
                target = templates / app
                ignore = []
            link.unlink(missing_ok=True)
            if target.exists():
                link.symlink_to(target, target_is_directory=True)
            try:
                os.chdir(app_dir)
                call_command(
                    "makemessages",
                    locale=["zh_Hans"],
                    symlinks=True,
                    ignore_patterns=[*ignore, "migrations/*", "static/*"],
                    no_obsolete=True,
                    add_location="file",
                    verbosity=0,
                )
            finally:
                os.chdir(cwd)
                link.unlink(missing_ok=True)
            self.stdout.write(f"{app}: {app}/locale/zh_Hans/LC_MESSAGES/django.po")
