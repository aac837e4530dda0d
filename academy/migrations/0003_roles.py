"""Create the five roles as groups with explicit permissions."""

from django.db import migrations

from academy.roles import (
    ADMINISTRATOR,
    EDITOR,
    MENTOR,
    PROGRAM_STAFF,
    SHOPKEEPER,
    ensure_permissions,
    grant,
)

MEDIA_LIBRARY = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
    "wagtailmedia.add_media",
    "wagtailmedia.change_media",
]

# Editors write and submit pages; program staff also publish (moderate).
PAGE_PERMISSIONS = {
    EDITOR: ["add_page", "change_page"],
    PROGRAM_STAFF: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    ADMINISTRATOR: [
        "add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page",
    ],
}

COLLECTION_PERMISSIONS = ["add", "change", "choose"]


def create_roles(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    grant(apps, SHOPKEEPER, [])
    grant(apps, MENTOR, ["academy.act_as_mentor", "academy.change_mentorprofile"])
    grant(apps, EDITOR, ["wagtailadmin.access_admin"])
    grant(
        apps,
        PROGRAM_STAFF,
        [
            "wagtailadmin.access_admin",
            "academy.view_shopkeeperprofile",
            "academy.view_mentorprofile",
            "academy.change_mentorprofile",
        ],
    )
    grant(apps, ADMINISTRATOR, [f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.all()])

    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    for role, codenames in PAGE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root_page,
                permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
            )
        for action in COLLECTION_PERMISSIONS:
            for app_label, model in (("wagtailimages", "image"), ("wagtaildocs", "document")):
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=Permission.objects.get(
                        content_type__app_label=app_label, codename=f"{action}_{model}"
                    ),
                )
        for name in MEDIA_LIBRARY:
            app_label, codename = name.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[SHOPKEEPER, MENTOR, EDITOR, PROGRAM_STAFF, ADMINISTRATOR]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("academy", "0002_home_page"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailmedia", "0005_alter_media_options"),
        ("courses", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
