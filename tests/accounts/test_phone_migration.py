"""Numbers typed freely before phones signed anyone in become E.164, unique, unverified."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from academy.models import User

BEFORE = [("academy", "0010_notice_channels")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_old_numbers_are_normalised_and_doubtful_ones_emptied():
    old = migrate(BEFORE)
    OldUser = old.get_model("academy", "User")
    typed = {
        "spaced@example.com": "138 0013 8000",
        "plus@example.com": "+86 139-0013-9000",
        "landline@example.com": "010 6552 9988",
        "foreign@example.com": "+1 202 555 0143",
        "twice-a@example.com": "13700137000",
        "twice-b@example.com": "+8613700137000",
        "none@example.com": "",
    }
    for email, phone in typed.items():
        OldUser.objects.create(email=email, phone=phone)

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    phones = dict(User.objects.values_list("email", "phone"))
    assert phones["spaced@example.com"] == "+8613800138000"
    assert phones["plus@example.com"] == "+8613900139000"
    # Not a mainland mobile, or nobody can tell whose: emptied.
    for email in ("landline", "foreign", "twice-a", "twice-b", "none"):
        assert phones[f"{email}@example.com"] == ""
    assert not User.objects.filter(phone_verified=True).exists()
    # From now on one number belongs to one account.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="third@example.com", phone="+8613800138000")
    User.objects.create(email="fourth@example.com", phone="")
