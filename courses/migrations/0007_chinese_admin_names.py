"""Name the review workflow, its task and the root page in Chinese.

Wagtail shows these names as they are: on the editor's submit button
("提交给商学院审核"), in the workflow e-mails' subjects and in the admin's
breadcrumbs, so an English name is English on a Chinese page.
"""

from django.db import migrations

NAMES = [
    ("Workflow", "name", "Academy review", "商学院审核"),
    ("Task", "name", "Program staff approval", "项目运营审批"),
]
ROOT_TITLE = ("Root", "根目录")


def _rename(apps, old_index, new_index):
    for model, field, *names in NAMES:
        manager = apps.get_model("wagtailcore", model).objects
        manager.filter(**{field: names[old_index]}).update(**{field: names[new_index]})
    pages = apps.get_model("wagtailcore", "Page").objects.filter(depth=1)
    pages.filter(title=ROOT_TITLE[old_index]).update(
        title=ROOT_TITLE[new_index], draft_title=ROOT_TITLE[new_index]
    )


def forwards(apps, schema_editor):
    _rename(apps, 0, 1)


def backwards(apps, schema_editor):
    _rename(apps, 1, 0)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_media_for_editors"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
