"""Learning streaks 连续学习: consecutive days (in the learner's zone) with learning."""

from datetime import timedelta

from django.utils import timezone

from courses.models import LessonProgress, QuizAttempt

MILESTONES = (3, 7, 14, 21, 30, 60, 100)
WINDOW_DAYS = 400


def learning_days(user):
    """The days on which the user completed a lesson or took a quiz; two queries."""
    since = timezone.now() - timedelta(days=WINDOW_DAYS)
    zone = user.zone
    moments = list(
        LessonProgress.objects.filter(user=user, updated_at__gte=since).values_list(
            "updated_at", flat=True
        )
    )
    moments += QuizAttempt.objects.filter(user=user, submitted_at__gte=since).values_list(
        "submitted_at", flat=True
    )
    return {moment.astimezone(zone).date() for moment in moments}


def longest(days):
    """The longest run of consecutive days."""
    best = run = 0
    previous = None
    for day in sorted(days):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    return best


def current(days, today):
    """The run ending today (or yesterday, if today has no learning yet)."""
    day = today if today in days else today - timedelta(days=1)
    run = 0
    while day in days:
        run += 1
        day -= timedelta(days=1)
    return run
