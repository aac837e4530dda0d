"""Per-user facts the layout of every signed-in page shows: roles and unread notices.

They cost a query each on every page, so they are kept in the shared cache and
dropped whenever their rows change (signals on the rows; the bulk update of
``mark_notifications_read`` drops them itself). They also expire after a short
time, so a drop lost to a cache outage (``academy/cache.py`` turns those into
misses) is corrected within a minute.
"""

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

from academy.cache import invalidate_now_and_on_commit

TIMEOUT = 60


def _key(kind, user_id):
    return f"academy:user:{kind}:{user_id}"


def get(kind, user_id, compute):
    key = _key(kind, user_id)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def forget(kind, *user_ids):
    keys = [_key(kind, user_id) for user_id in user_ids]
    if keys:
        invalidate_now_and_on_commit(lambda: cache.delete_many(keys))


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse:
        # group.user_set changed: pk_set names the users, except on clear, when the
        # members must be read before they are gone.
        if action == "pre_clear":
            forget("roles", *instance.user_set.values_list("pk", flat=True))
        elif action in ("post_add", "post_remove"):
            forget("roles", *pk_set)
    elif action in ("post_add", "post_remove", "post_clear"):
        forget("roles", instance.pk)


def _notification_changed(sender, instance, **kwargs):
    forget("unread", instance.user_id)


def connect_signals():
    from academy.models import Notification, User

    m2m_changed.connect(_groups_changed, sender=User.groups.through, dispatch_uid="usercache-roles")
    post_save.connect(_notification_changed, sender=Notification, dispatch_uid="usercache-unread")
    post_delete.connect(_notification_changed, sender=Notification, dispatch_uid="usercache-gone")
