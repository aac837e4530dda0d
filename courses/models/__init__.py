"""Models of the online academy, re-exported from their modules.

``pages``: the Wagtail tree Academy → Tier → Course → Lesson / Quiz.
``learning``: enrolments, lesson progress, quiz attempts and tier exemptions.
``certificates``: certificates of courses, tiers and programs.
``streams``: the HLS version of each uploaded video and audio (wagtailmedia ``Media``).
``courses.live.models``: star mentors' live sessions, their sign-ups, questions, replays
and notices (the live-session package owns its models, like ``mentorship.starleader``).
"""

from courses.live.models import (
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
from courses.models.certificates import Certificate, CertificateKind
from courses.models.learning import Enrolment, LessonProgress, QuizAttempt, TierExemption
from courses.models.pages import (
    AcademyIndexPage,
    CoursePage,
    CourseTag,
    LessonPage,
    QuizPage,
    TierLevel,
    TierPage,
)
from courses.models.streams import MediaStream, StreamFailure, StreamStatus

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
    "MediaStream",
    "QuizAttempt",
    "QuizPage",
    "StreamFailure",
    "StreamStatus",
    "TierExemption",
    "TierLevel",
    "TierPage",
]
