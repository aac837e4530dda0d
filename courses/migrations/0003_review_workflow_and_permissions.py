"""The academy review workflow (program staff approve) and the courses' role permissions."""

from django.db import migrations

from academy.roles import ADMINISTRATOR, EDITOR, PROGRAM_STAFF, ensure_permissions, grant
from courses.workflow import ensure_review_workflow

PERMISSIONS = {
    EDITOR: ["courses.export_progress"],
    PROGRAM_STAFF: [
        "courses.export_progress",
        "courses.view_tierexemption",
        "courses.add_tierexemption",
        "courses.delete_tierexemption",
        "courses.view_certificate",
    ],
}


def forwards(apps, schema_editor):
    ensure_permissions(apps)
    for role, permissions in PERMISSIONS.items():
        grant(apps, role, permissions)
    Permission = apps.get_model("auth", "Permission")
    grant(
        apps,
        ADMINISTRATOR,
        [
            f"courses.{codename}"
            for codename in Permission.objects.filter(
                content_type__app_label="courses"
            ).values_list("codename", flat=True)
        ],
    )
    AcademyIndexPage = apps.get_model("courses", "AcademyIndexPage")
    ensure_review_workflow(apps, list(AcademyIndexPage.objects.values_list("pk", flat=True)))


def backwards(apps, schema_editor):
    workflows = apps.get_model("wagtailcore", "Workflow").objects
    workflows.filter(name__in=["Academy review", "商学院审核"]).delete()
    tasks = apps.get_model("wagtailcore", "Task").objects
    tasks.filter(name__in=["Program staff approval", "项目运营审批"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_curriculum"),
        ("academy", "0003_roles"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
