"""Publishing in the academy goes through review: an editor submits, program staff approve.

The workflow and its task are created by a data migration and attached to the
root page, so every page type (home, academy, tiers, courses, lessons, quizzes,
live sessions, cohort pages) inherits it; Wagtail's default "Moderators
approval" workflow is removed (``courses/migrations/0005``). Academy and
live-session index pages are also attached when created, so a tree built
after a database flush is moderated too.
"""

from academy.roles import PROGRAM_STAFF

# Wagtail shows these names as they are ("提交给商学院审核", the stage in e-mail
# subjects), so they are Chinese. The English names of the first release are
# still recognised, so a database not yet migrated never gets a second workflow.
WORKFLOW_NAME = "商学院审核"
TASK_NAME = "项目运营审批"
OLD_WORKFLOW_NAME = "Academy review"
OLD_TASK_NAME = "Program staff approval"


def ensure_review_workflow(apps, academy_page_ids=()):
    """Create the workflow and task once and attach them to the given academy pages."""

    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    task = GroupApprovalTask.objects.filter(name__in=[TASK_NAME, OLD_TASK_NAME]).first()
    if task is None:
        content_type, _created = ContentType.objects.get_or_create(
            app_label="wagtailcore", model="groupapprovaltask"
        )
        task = GroupApprovalTask.objects.create(
            name=TASK_NAME, content_type=content_type, active=True
        )
        task.groups.set(Group.objects.filter(name=PROGRAM_STAFF))
    workflow = Workflow.objects.filter(name__in=[WORKFLOW_NAME, OLD_WORKFLOW_NAME]).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for page_id in academy_page_ids:
        WorkflowPage.objects.get_or_create(page_id=page_id, defaults={"workflow": workflow})
    return workflow


def attach_new_academy_page(sender, instance, created, raw=False, **kwargs):
    """post_save of AcademyIndexPage: moderate the new academy tree."""
    if created and not raw:
        from django.apps import apps

        ensure_review_workflow(apps, [instance.pk])
