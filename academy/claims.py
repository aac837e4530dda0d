"""Locks for work several processes do at once: claiming due rows, and named locks.

Work that is due later is a database row; a periodic task claims the rows due now.
Several workers may run the same task at once: each locks the rows it takes and skips
the rows another holds, so every row is handled once. SQLite has no ``SKIP LOCKED``
(its writers already take turns), so there the rows are returned as they are.
"""

from django.db import connection


def supports_skip_locked():
    return connection.features.has_select_for_update_skip_locked


def claim(queryset, *, of=("self",)):
    """``queryset`` locked for this transaction, without the rows other workers hold.

    Call it inside ``transaction.atomic()``; ``of`` limits the lock to the claimed
    table when the query joins others.
    """
    if not supports_skip_locked():
        return queryset
    return queryset.select_for_update(skip_locked=True, of=of)


def lock_named(name):
    """Hold the lock called ``name`` until this transaction ends (rules over many rows).

    For an invariant no single row guards — a team tree without circles — every
    change takes the same named lock. PostgreSQL keeps it as a transaction-level
    advisory lock; SQLite lets one writer in at a time anyway.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])
