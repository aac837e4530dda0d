from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mentorship", "0004_booking_end_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="pending_announcement",
            field=models.BooleanField(default=False, verbose_name="notices still to be written"),
        ),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(
                condition=models.Q(("pending_announcement", True)),
                fields=["created_at"],
                name="mentorship_booking_to_announce",
            ),
        ),
    ]
