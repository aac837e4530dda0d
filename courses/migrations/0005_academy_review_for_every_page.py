"""Every page goes through the academy review; Wagtail's default groups and workflow go.

Wagtail creates "Editors" and "Moderators" groups and a "Moderators approval"
workflow on the root page. Nobody is in the Moderators group here, so pages
submitted to that workflow (a new cohort page under the home page) waited for
ever, and the two groups reached the admin outside the academy's roles.

The academy review is attached to the root page, so every page type inherits
it. Whatever used the default workflow (pages, snippets, past and running
reviews) moves to the academy review, and members of the default groups
become editors: they keep writing pages, and publishing goes through review.
"""

from django.conf import settings
from django.db import migrations

from academy.roles import EDITOR
from courses.workflow import OLD_TASK_NAME, TASK_NAME, ensure_review_workflow

DEFAULT_GROUPS = ["Editors", "Moderators"]
DEFAULT_WORKFLOW = "Moderators approval"


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Task = apps.get_model("wagtailcore", "Task")
    TaskState = apps.get_model("wagtailcore", "TaskState")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    User = apps.get_model(settings.AUTH_USER_MODEL)

    review = ensure_review_workflow(apps)
    review_task = Task.objects.filter(name__in=[TASK_NAME, OLD_TASK_NAME]).get()
    root = Page.objects.filter(depth=1).first()
    if root is not None:
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": review})

    defaults = Workflow.objects.filter(name=DEFAULT_WORKFLOW).exclude(pk=review.pk)
    default_tasks = Task.objects.filter(name=DEFAULT_WORKFLOW).exclude(pk=review_task.pk)
    WorkflowPage.objects.filter(workflow__in=defaults).update(workflow=review)
    for link in WorkflowContentType.objects.filter(workflow__in=defaults):
        if WorkflowContentType.objects.filter(content_type=link.content_type, workflow=review):
            link.delete()
        else:
            link.workflow = review
            link.save(update_fields=["workflow"])
    # Reviews under way (and their history) continue in the academy review.
    WorkflowState.objects.filter(workflow__in=defaults).update(workflow=review)
    TaskState.objects.filter(task__in=default_tasks).update(task=review_task)
    defaults.delete()
    default_tasks.delete()

    editors, _created = Group.objects.get_or_create(name=EDITOR)
    for user in User.objects.filter(groups__name__in=DEFAULT_GROUPS).distinct():
        user.groups.add(editors)
    Group.objects.filter(name__in=DEFAULT_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_live_sessions"),
        ("academy", "0003_roles"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # Its data migration gives the default groups media permissions first.
        ("wagtailmedia", "0005_alter_media_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
