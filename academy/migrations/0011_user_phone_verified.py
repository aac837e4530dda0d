from collections import Counter

from django.db import migrations, models


def normalise_phones(apps, schema_editor):
    """Keep only valid mainland mobiles, in E.164, and only where one account holds one.

    Numbers were typed freely until now and none was ever verified: a number that is
    not a mobile, or that several accounts share (nobody can tell whose it is), is
    emptied, so the unique constraint can be added and no account signs in by it.
    """
    from academy.phones import normalize_or_blank

    User = apps.get_model("academy", "User")
    rows = [
        (pk, normalize_or_blank(phone))
        for pk, phone in User.objects.exclude(phone="").values_list("pk", "phone")
    ]
    counts = Counter(phone for _pk, phone in rows if phone)
    for pk, phone in rows:
        keep = phone if phone and counts[phone] == 1 else ""
        User.objects.filter(pk=pk).update(phone=keep, phone_verified=False)


class Migration(migrations.Migration):
    dependencies = [
        ("academy", "0010_notice_channels"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="phone_verified",
            field=models.BooleanField(default=False, verbose_name="mobile phone verified"),
        ),
        migrations.RunPython(normalise_phones, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=models.Q(("phone", ""), _negated=True),
                fields=("phone",),
                name="academy_user_phone_unique",
            ),
        ),
    ]
