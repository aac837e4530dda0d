"""Models of the online academy, re-exported from their modules.

``pages``: the Wagtail tree Academy → Tier → Course → Lesson / Quiz.
``learning``: enrolments, lesson progress, quiz attempts and tier exemptions.
``certificates``: certificates of courses, tiers and programs.
``live``: star mentors' live sessions, their sign-ups, questions, replays and notices.
"""

from courses.models.certificates import Certificate, CertificateKind
from courses.models.learning import Enrolment, LessonProgress, QuizAttempt, TierExemption
from courses.models.live import (
    LiveNoticeKind,
    LiveNoticeRun,
    LiveQuestion,
    LiveQuestionVote,
    LiveReplayView,
    LiveSessionIndexPage,
    LiveSessionPage,
    LiveSessionState,
    LiveSignup,
    LiveTopic,
)
from courses.models.pages import (
    AcademyIndexPage,
    CoursePage,
    CourseTag,
    LessonPage,
    QuizPage,
    TierLevel,
    TierPage,
)

__all__ = [
    "AcademyIndexPage",
    "Certificate",
    "CertificateKind",
    "CoursePage",
    "CourseTag",
    "Enrolment",
    "LessonPage",
    "LessonProgress",
    "LiveNoticeKind",
    "LiveNoticeRun",
    "LiveQuestion",
    "LiveQuestionVote",
    "LiveReplayView",
    "LiveSessionIndexPage",
    "LiveSessionPage",
    "LiveSessionState",
    "LiveSignup",
    "LiveTopic",
    "QuizAttempt",
    "QuizPage",
    "TierExemption",
    "TierLevel",
    "TierPage",
]
