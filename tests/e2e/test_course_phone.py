"""A shopkeeper continues a course on a 360 px phone, passes the quiz, downloads her certificate."""

import io

import pytest
from pypdf import PdfReader

from courses import services
from tests.academy.factories import PASSWORD
from tests.courses import factories, files
from tests.e2e.phone import no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTIONS = [
    {
        "kind": "single",
        "text": "朋友圈一天发几条比较合适？",
        "choices": [("三到五条", True), ("二十条", False), ("一条都不发", False)],
        "explanation": "刷屏容易被屏蔽。",
    },
    {
        "kind": "multiple",
        "text": "三段式文案包括哪些部分？",
        "choices": [("场景", True), ("体验", True), ("价格对比表", False)],
        "explanation": "场景、体验、行动。",
    },
    {"kind": "true_false", "text": "店主需要先囤货。", "truth": False, "explanation": "不需要。"},
]


@pytest.fixture
def shopkeeper_halfway(home_page):
    """Like the demo shopkeeper: enrolled in a beginner course, first lesson done."""
    tree = factories.academy(home_page)
    picture = files.image("朋友圈配图")
    course = factories.course(
        tree.beginner,
        "moments-basics",
        title="发朋友圈的技巧",
        lessons=2,
        quiz=False,
        bodies={
            2: [
                factories.paragraph("一条好文案的三段式：场景、体验、行动。"),
                {"type": "image", "value": {"image": picture.id, "caption": "真实的使用场景"}},
                {
                    "type": "share_card",
                    "value": {"title": "三段式文案示例", "text": "早上赶时间给孩子做早餐……"},
                },
            ]
        },
    )
    factories.add_quiz(course, questions=QUESTIONS)
    user = factories.learner(user__email="chenlijuan@example.com", user__display_name="陈丽娟")
    services.enrol(user, course)
    services.record_lesson_complete(user, factories.lessons_of(course)[0])
    return user


def test_continue_a_course_pass_the_quiz_and_download_the_certificate(
    shopkeeper_halfway, phone, artifacts_dir
):
    phone.goto("/accounts/login/")
    phone.locator("input[name=login]").fill("chenlijuan@example.com")
    phone.locator("input[name=password]").fill(PASSWORD)
    phone.locator("form:has([name=password]) button[type=submit]").click()
    phone.wait_for_url("**/me/")
    assert phone.get_by_role("heading", name="我的学习").is_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "01-dashboard.png", full_page=True)

    phone.locator("[data-continue]").click()
    phone.wait_for_url("**/moments-basics/lesson-2/")
    assert phone.get_by_text("一条好文案的三段式").is_visible()
    assert phone.get_by_role("button", name="复制文案").is_visible()
    # The lesson picture loads through the permission-checked view (lazily: scroll to it).
    phone.locator("img[alt='真实的使用场景']").scroll_into_view_if_needed()
    phone.wait_for_function(
        "() => { const img = document.querySelector(\"img[alt='真实的使用场景']\");"
        " return img && img.complete && img.naturalWidth > 0; }"
    )
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "02-lesson.png", full_page=True)

    phone.get_by_role("button", name="标记为已完成").click()
    phone.wait_for_url("**/moments-basics/quiz/")
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "03-quiz.png", full_page=True)
    phone.get_by_label("三到五条").check()
    phone.get_by_label("场景").check()
    phone.get_by_label("体验").check()
    phone.get_by_label("错").check()
    phone.get_by_role("button", name="提交答案").click()
    phone.wait_for_url("**/quiz/?attempt=1")
    assert phone.get_by_text("通过啦").is_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "04-passed.png", full_page=True)

    phone.goto("/me/")
    # The course certificate, and the tier's: this was the tier's only course.
    assert phone.locator(".certificate").count() == 2
    phone.screenshot(path=artifacts_dir / "05-certificate.png", full_page=True)
    with phone.expect_download() as download_info:
        course_card = phone.locator(".certificate", has_text="发朋友圈的技巧")
        course_card.get_by_role("link", name="下载结业证书").click()
    download = download_info.value
    target = artifacts_dir / "certificate.pdf"
    download.save_as(target)
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    assert "陈丽娟" in text and "发朋友圈的技巧" in text


@pytest.fixture
def listener(home_page):
    from courses.demo import demo_audio

    tree = factories.academy(home_page)
    voice = demo_audio()  # a real 30-second WAV the browser can play
    course = factories.course(
        tree.beginner,
        "listen",
        lessons=2,
        bodies={1: [{"type": "audio", "value": {"audio": voice.id, "title": "导师语音"}}]},
    )
    user = factories.learner(user__email="listener@example.com")
    services.enrol(user, course)
    return user, factories.lessons_of(course)[0]


def log_in(phone, email):
    phone.goto("/accounts/login/")
    phone.locator("input[name=login]").fill(email)
    phone.locator("input[name=password]").fill(PASSWORD)
    phone.locator("form:has([name=password]) button[type=submit]").click()
    phone.wait_for_url("**/me/")


def test_listening_to_ninety_percent_completes_the_lesson(listener, phone, artifacts_dir):
    from courses.models import LessonProgress

    user, lesson = listener
    log_in(phone, "listener@example.com")
    phone.goto(lesson.url)
    phone.wait_for_function("() => document.querySelector('audio').readyState >= 1")
    assert phone.locator("audio").bounding_box()["height"] > 0
    # Jump near the end and pause: the player reports its position.
    phone.evaluate(
        "(() => { const a = document.querySelector('audio'); a.currentTime = 28;"
        " a.dispatchEvent(new Event('pause')); })()"
    )
    phone.get_by_text("你已完成本课时。").wait_for()
    phone.screenshot(path=artifacts_dir / "01-listened.png", full_page=True)
    progress = LessonProgress.objects.get(user=user, lesson=lesson)
    assert progress.completed_at is not None
    assert progress.position_seconds == 28
