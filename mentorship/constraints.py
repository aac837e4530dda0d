"""Database constraints that only PostgreSQL can hold, declared so SQLite still migrates.

An exclusion constraint over a time range is the database's own guarantee that
two active bookings of one mentor never overlap. SQLite has no such constraint:
there, bookings are serialised by its IMMEDIATE write transactions and the
services' checks inside them. The constraint renders no SQL on other backends,
so table rebuilds on SQLite (``_remake_table``) keep working in later migrations.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, DateTimeRangeField
from django.db import connections
from django.db.models import Func


class TsTzRange(Func):
    """``tstzrange(lower, upper, '[)')`` — a half-open range of instants."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class DateRange(Func):
    """``daterange(lower, upper, '[]')`` — whole days, both ends included."""

    function = "DATERANGE"
    output_field = DateRangeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    """An ``ExclusionConstraint`` that is a no-op on databases other than PostgreSQL."""

    @staticmethod
    def _is_postgres(connection):
        return connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        if not self._is_postgres(schema_editor.connection):
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if not self._is_postgres(schema_editor.connection):
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if not self._is_postgres(schema_editor.connection):
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, model, instance, exclude=None, using="default"):
        # Model validation (full_clean) only where the database could hold it;
        # the booking services check overlaps themselves on every backend.
        if self._is_postgres(connections[using]):
            super().validate(model, instance, exclude=exclude, using=using)
