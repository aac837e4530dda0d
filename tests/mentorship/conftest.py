"""Fixtures of the mentorship tests."""

import pytest
from django.db import connection


@pytest.fixture
def restore_database(django_db_setup, django_db_blocker):
    """Leave the database as migrations made it after a transactional test.

    A transactional test ends by emptying every table, including the roles and
    Wagtail's root page that migrations created, which later tests expect.
    Listed before ``django_db_serialized_rollback`` and ``transactional_db`` in a
    test's signature, this fixture is torn down after them and reloads the
    snapshot pytest-django took when it created the test database.
    """
    yield
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)
            connection.close()
