"""Demo content of the online academy: tiers, a Chinese curriculum, pictures, and progress.

Everything is looked up by slug, title or e-mail before it is created, so
seeding twice changes nothing. Pictures and the audio clip are generated
locally (Pillow, the wave module), the demo video with ffmpeg's test sources
(skipped, with a word, when ffmpeg is missing); nothing is downloaded.
"""

import io
import math
import random
import struct
import tempfile
import uuid
import wave
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from wagtail.images import get_image_model
from wagtailmedia.models import get_media_model

from academy.fonts import cjk_font
from academy.models import HomePage, MentorProfile, User
from courses import certificates, services
from courses.demo_content import CURRICULUM
from courses.models import (
    AcademyIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    QuizPage,
    StreamStatus,
    TierLevel,
    TierPage,
)
from courses.video import ffmpeg
from courses.video import services as video_services

TIERS = [
    (TierLevel.BEGINNER, "beginner", "新手入门", "了解平台、完成第一单、学会在朋友圈分享"),
    (TierLevel.INTERMEDIATE, "intermediate", "中班进阶", "提升销量、经营客户群、学会选品"),
    (TierLevel.ADVANCED, "advanced", "高班提升", "搭建并培训团队、打造个人品牌、精细化运营"),
]
TIER_INTROS = {
    "beginner": "<p>从认识平台到完成第一单，再到发好每一条朋友圈。"
    "完成本阶段的必修课，中班进阶自动解锁。</p>",
    "intermediate": "<p>经营客户群、学会选品、提升复购。完成本阶段的必修课，高班提升自动解锁。</p>",
    "advanced": "<p>招募和培训团队、打造个人IP、用目标和复盘带团队增收。</p>",
}
# Prerequisites and electives shown in the demo: (course slug, prerequisite slugs, required).
COURSE_RULES = {"repeat-sales": (["customer-group"], False)}
DEMO_NAMESPACE = uuid.UUID("6f1c3c1e-5b7a-4f7e-9a55-1c0ffee0a8ad")
COVER_SIZE = (1280, 720)
PICTURE_SIZE = (1200, 800)


def stable_id(*parts):
    """Block IDs that are the same on every run, so quiz answers keep their IDs."""
    return str(uuid.uuid5(DEMO_NAMESPACE, ":".join(parts)))


def seed(stdout, options):
    _index, tiers = seed_tiers()
    mentors = {
        profile.user.email.split("@")[0]: profile
        for profile in MentorProfile.objects.select_related("user")
    }
    audio = demo_audio()
    created = 0
    for tier_slug, courses in CURRICULUM.items():
        for spec in courses:
            created += seed_course(tiers[tier_slug], spec, mentors, audio)
    apply_course_rules()
    add_demo_video(stdout)
    stdout.write(
        f"  academy index, three tiers, {CoursePage.objects.count()} courses "
        f"({created} new), {LessonPage.objects.count()} lessons"
    )
    seed_demo_shopkeeper(stdout)
    seed_bulk_learners(stdout)
    warm_renditions()


def seed_tiers():
    home = HomePage.objects.get()
    index = AcademyIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=AcademyIndexPage(
                title="商学院",
                slug="academy",
                intro="<p>三个阶段，循序渐进：完成一个阶段的必修课，下一个阶段自动解锁。</p>",
            )
        )
    tiers = {}
    for level, slug, title, tagline in TIERS:
        tier = TierPage.objects.filter(level=level).first()
        if tier is None:
            tier = index.add_child(
                instance=TierPage(
                    title=title, slug=slug, level=level, tagline=tagline, intro=TIER_INTROS[slug]
                )
            )
        tiers[slug] = tier
    return index, tiers


# --- pictures and sound ----------------------------------------------------------------


def _font(weight, size):
    return cjk_font(weight, size, fallback=False)


def draw_picture(title, subtitle, color, size):
    """A PNG with a gradient, shapes and (when the CJK font exists) the Chinese title."""
    from PIL import Image, ImageDraw

    width, height = size
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    r, g, b = color
    for y in range(height):
        shade = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=(
                int(r + (255 - r) * shade * 0.35),
                int(g + (255 - g) * shade * 0.35),
                int(b + (255 - b) * shade * 0.35),
            ),
        )
    rng = random.Random(title)  # noqa: S311 - decoration only
    for _ in range(6):
        x, y, radius = rng.randint(0, width), rng.randint(0, height), rng.randint(60, 220)
        draw.ellipse(
            [x - radius, y - radius, x + radius, y + radius], outline=(255, 255, 255), width=4
        )
    big, small = _font("bold", width // 16), _font("regular", width // 32)
    if big is not None:
        lines = _wrap(title, 14)
        top = height // 2 - len(lines) * width // 32
        for line in lines:
            draw.text((width // 12, top), line, font=big, fill="white")
            top += width // 13
        if subtitle:
            draw.text((width // 12, top + 20), subtitle, font=small, fill=(255, 255, 255))
    else:
        # Without the CJK font a title would render as boxes: keep the picture plain.
        draw.rectangle(
            [width // 12, height // 2 - 8, width * 11 // 12, height // 2 + 8], fill="white"
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _wrap(text, per_line):
    return [text[i : i + per_line] for i in range(0, len(text), per_line)] or [text]


def demo_image(title, subtitle, color, size):
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        data = draw_picture(title.split("：", 1)[-1], subtitle, color, size)
        image = Image(title=title)
        image.file = ImageFile(io.BytesIO(data), name=f"demo-{stable_id(title)[:8]}.png")
        image.save()
    return image


def demo_audio():
    """A 30-second soft chime as the mentor's voice note of the first lesson."""
    Media = get_media_model()
    title = "导师语音：平台管货，你管人"
    media = Media.objects.filter(title=title).first()
    if media is None:
        buffer = io.BytesIO()
        rate, seconds = 8000, 30
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            frames = bytearray()
            for i in range(rate * seconds):
                t = i / rate
                envelope = 0.25 * (1 - (t % 3) / 3)
                value = envelope * math.sin(2 * math.pi * (440 if int(t) % 6 < 3 else 523) * t)
                frames += struct.pack("<h", int(value * 32767))
            out.writeframes(bytes(frames))
        media = Media(title=title, type="audio", duration=seconds)
        media.file.save("demo-voice-note.wav", ContentFile(buffer.getvalue()), save=False)
        media.save()
    return media


DEMO_VIDEO_TITLE = "演示视频：网速慢先播 360p（测试画面）"
# The lesson the demo shopkeeper continues at shows the video (course slug, lesson slug).
DEMO_VIDEO_LESSON = ("first-sale", "follow-up")


def demo_video(stdout):
    """A short test-pattern video, converted to HLS at once so the lesson streams it.

    None (with a word) when ffmpeg is not installed: the seed goes on without it.
    """
    Media = get_media_model()
    media = Media.objects.filter(title=DEMO_VIDEO_TITLE).first()
    if media is None:
        if not ffmpeg.available():
            stdout.write("  ffmpeg is not installed: no demo video (apt-get install ffmpeg)")
            return None
        seconds = settings.ACADEMY_DEMO_VIDEO_SECONDS
        with tempfile.TemporaryDirectory() as folder:
            clip = ffmpeg.test_pattern(Path(folder) / "demo.mp4", seconds)
            media = Media(title=DEMO_VIDEO_TITLE, type="video", duration=seconds)
            media.file.save("demo-video.mp4", ContentFile(clip.read_bytes()), save=False)
            media.save()
    # Converted here rather than by the worker, so the first page already streams it.
    status = video_services.convert(media.pk)
    if status not in (StreamStatus.READY, None):
        stream = media.stream
        stdout.write(f"  demo video not converted: {stream.failure_message or stream.status}")
    return media


def add_demo_video(stdout):
    video = demo_video(stdout)
    course_slug, lesson_slug = DEMO_VIDEO_LESSON
    course = CoursePage.objects.filter(slug=course_slug).first()
    lesson = course and LessonPage.objects.child_of(course).filter(slug=lesson_slug).first()
    block_id = stable_id(course_slug, lesson_slug, "video")
    if video is None or lesson is None or any(b.id == block_id for b in lesson.body):
        return
    lesson.body.insert(
        1,
        (
            "video",
            {"video": video, "caption": "网速慢时先播 360p，网络好了自动切到 720p。"},
        ),
    )
    lesson.body[1].id = block_id
    lesson.save_revision().publish()
    stdout.write(f"  demo video in “{lesson.title}”")


# --- courses ------------------------------------------------------------------------------


def _lesson_body(course_slug, lesson, picture, audio):
    key = f"{course_slug}/{lesson['slug']}"
    body = [
        {
            "type": "paragraph",
            "value": f"<p>{lesson['paragraphs'][0]}</p>",
            "id": stable_id(key, "p0"),
        }
    ]
    if picture is not None:
        body.append(
            {
                "type": "image",
                "value": {"image": picture.id, "caption": lesson["picture"]},
                "id": stable_id(key, "image"),
            }
        )
    if audio is not None:
        body.append(
            {
                "type": "audio",
                "value": {"audio": audio.id, "title": audio.title},
                "id": stable_id(key, "audio"),
            }
        )
    for number, paragraph in enumerate(lesson["paragraphs"][1:], start=1):
        body.append(
            {
                "type": "paragraph",
                "value": f"<p>{paragraph}</p>",
                "id": stable_id(key, f"p{number}"),
            }
        )
    body.append(
        {
            "type": "callout",
            "value": {"kind": "tip", "title": "小贴士", "text": f"<p>{lesson['tip']}</p>"},
            "id": stable_id(key, "tip"),
        }
    )
    if lesson.get("share"):
        title, text = lesson["share"]
        body.append(
            {
                "type": "share_card",
                "value": {"title": title, "text": text, "image": None},
                "id": stable_id(key, "share"),
            }
        )
    return body


def _quiz_questions(course_slug, questions):
    blocks = []
    for number, (kind, text, answers, explanation) in enumerate(questions):
        key = f"{course_slug}/quiz/{number}"
        value = {
            "kind": kind,
            "text": text,
            "explanation": explanation,
            "statement_is_true": False,
            "choices": [],
        }
        if kind == "true_false":
            value["statement_is_true"] = bool(answers)
        else:
            value["choices"] = [
                {
                    "type": "item",
                    "value": {"text": answer, "correct": correct},
                    "id": stable_id(key, str(i)),
                }
                for i, (answer, correct) in enumerate(answers)
            ]
        blocks.append({"type": "question", "value": value, "id": stable_id(key)})
    return blocks


def seed_course(tier, spec, mentors, audio):
    if CoursePage.objects.filter(slug=spec["slug"]).exists():
        return 0
    cover = demo_image(f"课程封面：{spec['title']}", tier.title, spec["color"], COVER_SIZE)
    course = tier.add_child(
        instance=CoursePage(
            title=spec["title"],
            slug=spec["slug"],
            summary=spec["summary"],
            description="".join(f"<p>{lesson['summary']}</p>" for lesson in spec["lessons"][:2]),
            outcomes="\n".join(spec["outcomes"]),
            estimated_minutes=spec["minutes"],
            instructor=mentors.get(spec["instructor"]),
            cover_image=cover,
        )
    )
    course.tags.add(*spec["tags"])
    course.save()
    for number, lesson in enumerate(spec["lessons"]):
        picture = None
        if lesson.get("picture"):
            picture = demo_image(
                f"课时配图：{lesson['title']}", lesson["picture"], spec["color"], PICTURE_SIZE
            )
        voice = audio if (spec["slug"], number) == ("how-the-platform-works", 0) else None
        course.add_child(
            instance=LessonPage(
                title=lesson["title"],
                slug=lesson["slug"],
                summary=lesson["summary"],
                body=_lesson_body(spec["slug"], lesson, picture, voice),
                estimated_minutes=max(3, spec["minutes"] // len(spec["lessons"])),
            )
        )
    course.add_child(
        instance=QuizPage(
            title="课程测验",
            slug="quiz",
            intro="<p>检验一下学习成果吧！答对八成即可通过，每 24 小时内可作答 3 次。</p>",
            questions=_quiz_questions(spec["slug"], spec["quiz"]),
            pass_mark=80,
            max_attempts=3,
            cooldown_hours=24,
        )
    )
    return 1


def apply_course_rules():
    for slug, (prerequisite_slugs, required) in COURSE_RULES.items():
        course = CoursePage.objects.filter(slug=slug).first()
        if course is None or course.prerequisites.exists():
            continue
        course.prerequisites.set(CoursePage.objects.filter(slug__in=prerequisite_slugs))
        course.required = required
        course.save()


# --- learners ------------------------------------------------------------------------------


def _answers(quiz, right=True):
    """Answers to every question: all correct, or the first question wrong."""
    answers = {}
    for number, question in enumerate(quiz.question_list()):
        correct = [c["id"] for c in question["choices"] if c["correct"]]
        wrong = [c["id"] for c in question["choices"] if not c["correct"]]
        answers[question["id"]] = correct if right or number else wrong[:1]
    return answers


def seed_demo_shopkeeper(stdout):
    """shopkeeper@example.com: one beginner course done (with certificate), one half-way."""
    user = User.objects.filter(email="shopkeeper@example.com").first()
    if user is None or Enrolment.objects.filter(user=user).exists():
        return
    done = CoursePage.objects.get(slug="how-the-platform-works")
    services.enrol(user, done)
    for lesson in LessonPage.objects.child_of(done).live().order_by("path"):
        services.record_lesson_complete(user, lesson)
    quiz = QuizPage.objects.child_of(done).get()
    services.submit_quiz(user, quiz, _answers(quiz, right=False), uuid.uuid4())
    services.submit_quiz(user, quiz, _answers(quiz), uuid.uuid4())
    halfway = CoursePage.objects.get(slug="first-sale")
    services.enrol(user, halfway)
    lessons = list(LessonPage.objects.child_of(halfway).live().order_by("path"))
    for lesson in lessons[:2]:
        services.record_lesson_complete(user, lesson)
    services.record_lesson_visit(user, lessons[1])
    for certificate in user.certificates.all():
        certificates.generate_pdf(certificate.pk)
    stdout.write("  shopkeeper@example.com: one course completed with a certificate, one half-way")


def seed_bulk_learners(stdout, limit=60):
    """Enrolments of the first bulk shopkeepers, so the admin shows real counts."""
    users = list(
        User.objects.filter(email__startswith="shop0")
        .order_by("email")
        .values_list("id", flat=True)[:limit]
    )
    courses = list(
        CoursePage.objects.live()
        .filter(slug__in=[c["slug"] for c in CURRICULUM["beginner"]])
        .order_by("path")
    )
    if not users or not courses:
        return
    lessons = {
        course.id: list(LessonPage.objects.child_of(course).order_by("path")) for course in courses
    }
    now = timezone.now()
    enrolments, progress = [], []
    for user_id in users:
        rng = random.Random(user_id)  # noqa: S311 - repeatable demo data
        for course in courses[: rng.randint(1, len(courses))]:
            course_lessons = lessons[course.id]
            done = rng.randint(0, len(course_lessons))
            started = now - timedelta(days=rng.randint(2, 40))
            enrolments.append(
                Enrolment(
                    user_id=user_id,
                    course=course,
                    course_title=course.title,
                    enrolled_at=started,
                    last_seen_at=started + timedelta(days=1),
                    last_lesson=course_lessons[max(0, done - 1)],
                )
            )
            progress.extend(
                LessonProgress(
                    user_id=user_id,
                    lesson=lesson,
                    course=course,
                    lesson_title=lesson.title,
                    started_at=started,
                    updated_at=started + timedelta(hours=1),
                    completed_at=started + timedelta(hours=1),
                )
                for lesson in course_lessons[:done]
            )
    Enrolment.objects.bulk_create(enrolments, ignore_conflicts=True)
    LessonProgress.objects.bulk_create(progress, ignore_conflicts=True)
    stdout.write(f"  {len(users)} demo shopkeepers studying the beginner courses")


def warm_renditions():
    """Generate the picture sizes pages use, so no page request has to."""
    from courses.selectors import COVER_SPEC

    for course in CoursePage.objects.select_related("cover_image"):
        if course.cover_image:
            course.cover_image.get_rendition(COVER_SPEC)
    Image = get_image_model()
    for image in Image.objects.filter(title__startswith="课时配图："):
        image.get_rendition("width-800")
