"""Give program staff and administrators the mentorship permissions."""

from django.db import migrations

from academy.roles import ADMINISTRATOR, PROGRAM_STAFF, ensure_permissions, grant

STAFF = [
    "mentorship.manage_mentoring",
    "mentorship.view_mentorassignment",
    "mentorship.add_mentorassignment",
    "mentorship.change_mentorassignment",
    "mentorship.view_booking",
    "mentorship.view_mentorschedule",
]


def grant_permissions(apps, schema_editor):
    ensure_permissions(apps)
    Permission = apps.get_model("auth", "Permission")
    grant(apps, PROGRAM_STAFF, STAFF)
    grant(
        apps,
        ADMINISTRATOR,
        [f"mentorship.{p.codename}" for p in Permission.objects.filter(content_type__app_label="mentorship")],
    )


def revoke_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="mentorship")
    for group in Group.objects.filter(name__in=[PROGRAM_STAFF, ADMINISTRATOR]):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [("mentorship", "0001_initial")]

    operations = [migrations.RunPython(grant_permissions, revoke_permissions)]
