"""Editors and program staff upload and choose lesson video and audio.

wagtailmedia checks permissions per collection (like images and documents);
the roles had only the model permissions, so its chooser listed nothing and
refused uploads.
"""

from django.db import migrations

from academy.roles import ADMINISTRATOR, EDITOR, PROGRAM_STAFF, ensure_permissions

ROLES = [EDITOR, PROGRAM_STAFF, ADMINISTRATOR]
CODENAMES = ["add_media", "change_media"]


def forwards(apps, schema_editor):
    ensure_permissions(apps)
    Collection = apps.get_model("wagtailcore", "Collection")
    Group = apps.get_model("auth", "Group")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Permission = apps.get_model("auth", "Permission")
    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailmedia", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=ROLES):
        for permission in permissions:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root, permission=permission
            )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_academy_review_for_every_page"),
        ("wagtailmedia", "0005_alter_media_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
