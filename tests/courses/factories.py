"""Builders of the smallest academy trees the course tests need."""

import uuid
from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from courses import services
from courses.models import (
    AcademyIndexPage,
    CoursePage,
    LessonPage,
    LiveSessionIndexPage,
    LiveSessionPage,
    QuizPage,
    TierPage,
)
from tests.academy.factories import shopkeeper

QUESTIONS = [
    {
        "kind": "single",
        "text": "朋友圈一天发几条比较合适？",
        "choices": [("三到五条", True), ("20 条", False), ("1 条都不发", False)],
        "explanation": "刷屏容易被屏蔽。",
    },
    {
        "kind": "multiple",
        "text": "三段式文案包括？",
        "choices": [("场景", True), ("体验", True), ("价格表", False)],
        "explanation": "场景、体验、行动。",
    },
    {"kind": "true_false", "text": "店主需要囤货。", "truth": False, "explanation": "不需要囤货。"},
]


def academy(home_page):
    """Academy index and the three tiers under the test home page."""
    index = home_page.add_child(instance=AcademyIndexPage(title="商学院", slug="academy"))
    tiers = [
        index.add_child(instance=TierPage(title=title, slug=slug, level=level))
        for level, slug, title in [
            (1, "beginner", "新手入门"),
            (2, "intermediate", "中班进阶"),
            (3, "advanced", "高班提升"),
        ]
    ]
    return SimpleNamespace(index=index, beginner=tiers[0], intermediate=tiers[1], advanced=tiers[2])


def paragraph(text):
    return {"type": "paragraph", "value": f"<p>{text}</p>", "id": str(uuid.uuid4())}


def course(tier, slug, *, lessons=2, quiz=True, required=True, title=None, bodies=None, **fields):
    """A live course with ``lessons`` lessons (lesson-1, …) and, by default, a quiz."""
    page = tier.add_child(
        instance=CoursePage(
            title=title or f"课程 {slug}",
            slug=slug,
            summary="一门用来测试的课程",
            required=required,
            **fields,
        )
    )
    for number in range(1, lessons + 1):
        body = (bodies or {}).get(number) or [paragraph(f"第 {number} 课的内容")]
        page.add_child(
            instance=LessonPage(title=f"第{number}课", slug=f"lesson-{number}", body=body)
        )
    if quiz:
        add_quiz(page)
    return page


def question_blocks(questions=QUESTIONS):
    blocks = []
    for question in questions:
        value = {
            "kind": question["kind"],
            "text": question["text"],
            "explanation": question["explanation"],
            "statement_is_true": question.get("truth", False),
            "choices": [
                {
                    "type": "item",
                    "value": {"text": text, "correct": correct},
                    "id": str(uuid.uuid4()),
                }
                for text, correct in question.get("choices", [])
            ],
        }
        blocks.append({"type": "question", "value": value, "id": str(uuid.uuid4())})
    return blocks


def add_quiz(course_page, *, pass_mark=80, max_attempts=3, cooldown_hours=24, questions=QUESTIONS):
    return course_page.add_child(
        instance=QuizPage(
            title="课程测验",
            slug="quiz",
            questions=question_blocks(questions),
            pass_mark=pass_mark,
            max_attempts=max_attempts,
            cooldown_hours=cooldown_hours,
        )
    )


def lessons_of(course_page):
    return list(LessonPage.objects.child_of(course_page).live().order_by("path"))


def quiz_of(course_page):
    return QuizPage.objects.child_of(course_page).get()


def answers(quiz, *, right=True):
    """Answers to every question of ``quiz``; with right=False the first one is wrong."""
    result = {}
    for number, question in enumerate(quiz.question_list()):
        good = [c["id"] for c in question["choices"] if c["correct"]]
        bad = [c["id"] for c in question["choices"] if not c["correct"]]
        result[question["id"]] = good if right or number else bad[:1]
    return result


def post_data(quiz, answer_map, nonce=None):
    data = {"nonce": str(nonce or uuid.uuid4())}
    for question_id, choice_ids in answer_map.items():
        data[f"q-{question_id}"] = choice_ids
    return data


def complete(user, course_page):
    """Enrol, complete every lesson and pass the quiz through the services."""
    services.enrol(user, course_page)
    for lesson in lessons_of(course_page):
        services.record_lesson_complete(user, lesson)
    quiz = QuizPage.objects.child_of(course_page).first()
    if quiz is not None:
        services.submit_quiz(user, quiz, answers(quiz), uuid.uuid4())


def learner(**kwargs):
    return shopkeeper(**kwargs)


def live_index(home_page):
    """The live-session index page under the home page."""
    return home_page.add_child(instance=LiveSessionIndexPage(title="直播分享", slug="live"))


def live_session(index, *, start=None, mentor=None, title="朋友圈三段式文案实战", **fields):
    """A published live session (two days ahead by default) with its reminders planned."""
    from academy.models import MentorKind
    from courses.live import services as live_services
    from tests.academy.factories import MentorProfileFactory

    page = index.add_child(
        instance=LiveSessionPage(
            title=title,
            slug=f"live-{uuid.uuid4().hex[:8]}",
            topic=fields.pop("topic", "moments"),
            summary=fields.pop("summary", "王老师分享朋友圈文案的三段式写法"),
            start=start or (timezone.now() + timedelta(days=2)).replace(microsecond=0),
            mentor=mentor or MentorProfileFactory(kind=MentorKind.STAR),
            join_url=fields.pop("join_url", "https://live.example.com/room/8848"),
            **fields,
        )
    )
    live_services.sync_schedule(page)
    return page
