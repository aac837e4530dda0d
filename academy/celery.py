"""The Celery app: a real worker and a single beat, with or without a broker server."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")

app = Celery("academy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
