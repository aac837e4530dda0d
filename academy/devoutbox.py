"""The development outbox: what the console backends of SMS and WeChat "send".

Each message is logged and appended as one JSON line to ``ACADEMY_DEV_OUTBOX``, so
``make run`` shows every flow on one machine, in the console and on /dev/outbox/.
"""

import json
import logging
import threading

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger("academy.devoutbox")
_lock = threading.Lock()


def record(channel, to, text, **extra):
    entry = {"at": timezone.now().isoformat(), "channel": channel, "to": to, "text": text}
    entry.update(extra)
    path = settings.ACADEMY_DEV_OUTBOX
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock, path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    logger.info("[%s → %s] %s", channel, to, text)


def read(limit=50, channel=None):
    """The newest messages first."""
    path = settings.ACADEMY_DEV_OUTBOX
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if channel is None or entry.get("channel") == channel:
            entries.append(entry)
    return entries[::-1][:limit]
