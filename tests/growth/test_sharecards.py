"""Share cards: the image and its QR code, the public page, referral attribution."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from academy import roles
from academy import services as account_services
from academy.models import ShopkeeperProfile
from courses.models import LessonProgress
from growth.models import Referral, ReferralCode, ReferralVisit
from growth.sharecards import kinds, selectors, services, streaks
from tests.academy.factories import UserFactory, staff
from tests.courses import factories as courses
from tests.forms import submit
from tests.growth.builders import profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def sharer(home_page):
    tree = courses.academy(home_page)
    course = courses.course(tree.beginner, "moments", lessons=1, title="朋友圈文案")
    user = profile(user__display_name="陈丽娟").user
    courses.complete(user, course)
    return user, course


def _landing(user, course):
    code = services.code_of(user).code
    return reverse("sharecards:landing", args=[code, "course", course.id])


def test_a_completed_course_offers_a_card_with_moments_text(client, sharer):
    user, course = sharer
    client.force_login(user)
    page = client.get(reverse("sharecards:card", args=["course", course.id])).content.decode()
    assert "朋友圈文案" in page
    assert 'data-copy-target="#moments-text"' in page
    code = ReferralCode.objects.get(user=user).code
    assert f"/share/r/{code}/course/{course.id}/" in page


def test_a_card_of_an_achievement_she_does_not_have_is_refused(client, sharer, home_page):
    _user, course = sharer
    other = profile().user
    client.force_login(other)
    assert client.get(reverse("sharecards:card", args=["course", course.id])).status_code == 404
    assert client.get(reverse("sharecards:card", args=["streak", 7])).status_code == 404
    code = services.code_of(other).code
    landing = reverse("sharecards:landing", args=[code, "course", course.id])
    assert client.get(landing).status_code == 404


def test_the_card_png_decodes_and_its_qr_code_reads_back_the_link(client, sharer, settings):
    user, course = sharer
    response = client.get(_landing(user, course) + "card.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    assert image.size == (750, 1200)
    expected = settings.SITE_URL + _landing(user, course)
    zxingcpp = pytest.importorskip("zxingcpp")
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [expected]


def test_the_public_page_has_open_graph_tags(client, sharer, settings):
    user, course = sharer
    page = client.get(_landing(user, course)).content.decode()
    assert 'property="og:title"' in page and "陈丽娟" in page and "朋友圈文案" in page
    assert f'content="{settings.SITE_URL}{_landing(user, course)}card.png"' in page
    assert course.url in page


def test_a_forged_code_is_refused_and_records_nothing(client, sharer):
    user, course = sharer
    services.code_of(user)
    response = client.get(reverse("sharecards:landing", args=["forged-code", "course", course.id]))
    assert response.status_code == 404
    assert not ReferralVisit.objects.exists()
    assert services.REF_COOKIE not in response.cookies


def test_referral_codes_are_unguessable():
    codes = {ReferralCode.objects.create(user=UserFactory()).code for _ in range(20)}
    assert len(codes) == 20 and all(len(c) >= 12 for c in codes)


def test_a_visitor_counts_once_and_her_sign_up_is_credited_to_the_first_card(client, sharer):
    user, course = sharer
    client.get(_landing(user, course))
    client.get(_landing(user, course))
    assert ReferralVisit.objects.filter(code__user=user).count() == 1
    # A second sharer's card later does not take the credit (first touch).
    second, second_course = profile().user, course
    courses.complete(second, second_course)
    client.get(_landing(second, second_course))
    assert ReferralVisit.objects.count() == 2
    response = client.post(
        reverse("account_signup"),
        {
            "email": "newbie@example.com",
            "display_name": "新人小王",
            "shop_id": "77000001",
            "password1": "Kd83-lanzhou-spring",
            "password2": "Kd83-lanzhou-spring",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get(user__email="newbie@example.com")
    assert referral.sharer == user
    # Her profile suggests the sharer as her team leader.
    client.force_login(referral.user)
    page = client.get(reverse("profile")).content.decode()
    assert user.shopkeeper_profile.shop_id in page


def test_a_referral_expires_after_thirty_days(sharer, time_machine):
    user, _course = sharer
    time_machine.move_to(timezone.now(), tick=False)
    code = services.code_of(user)
    old = services.first_touch_value(code, "course:1", "visitor-1")
    newcomer = UserFactory()
    time_machine.shift(timedelta(days=31))
    assert services.attribute_signup(newcomer, old) is None
    time_machine.shift(timedelta(days=-2))
    assert services.attribute_signup(newcomer, old).sharer == user


def test_her_own_visits_and_floods_are_not_counted(client, sharer, settings):
    user, course = sharer
    client.force_login(user)
    client.get(_landing(user, course))
    assert not ReferralVisit.objects.exists()
    client.logout()
    settings.ACADEMY_RATE_LIMITS = {**settings.ACADEMY_RATE_LIMITS, "referral_visit": "2/h"}
    for _ in range(5):
        client.cookies.pop(services.VISITOR_COOKIE, None)
        assert client.get(_landing(user, course)).status_code == 200
    assert ReferralVisit.objects.count() == 2


def test_the_sharer_sees_her_counts_and_staff_see_top_sharers(client, sharer):
    user, course = sharer
    client.get(_landing(user, course))
    client.force_login(user)
    page = client.get(reverse("sharecards:mine")).content.decode()
    assert (
        "你的卡片已被 1 人打开，带来 0 位店铺编号已核实的新店主。" in page and "朋友圈文案" in page
    )
    client.force_login(staff(roles.PROGRAM_STAFF))
    page = client.get(reverse("sharecards:top_sharers")).content.decode()
    assert "陈丽娟" in page
    client.force_login(profile().user)
    assert client.get(reverse("sharecards:top_sharers")).status_code == 403


def test_a_learning_streak_unlocks_its_card(sharer):
    user, _course = sharer
    now = timezone.now()
    progress = LessonProgress.objects.filter(user=user).first()
    for days_ago in range(1, 7):
        LessonProgress.objects.create(
            user=user,
            lesson_title=f"课 {days_ago}",
            updated_at=now - timedelta(days=days_ago),
            lesson=None,
        )
    days = streaks.learning_days(user)
    assert streaks.longest(days) == 7 and streaks.current(days, timezone.localdate()) == 7
    assert kinds.achievement(user, "streak", "7") is not None
    assert kinds.achievement(user, "streak", "14") is None
    assert progress is not None


# --- referral credit: once, after verification, one per visitor --------------------------


def _sign_up(client, email, shop_id):
    # No logout in between: it would drop the cookies, as a new browser does.
    return submit(
        client,
        reverse("account_signup"),
        {
            "email": email,
            "display_name": "新人小王",
            "shop_id": shop_id,
            "password1": "Kd83-lanzhou-spring",
            "password2": "Kd83-lanzhou-spring",
        },
    )


def test_a_sign_up_is_credited_once_when_her_shop_id_is_verified(client, sharer):
    user, course = sharer
    client.get(_landing(user, course))
    assert _sign_up(client, "newbie@example.com", "77000001").status_code == 302
    referral = Referral.objects.get(user__email="newbie@example.com")
    assert referral.sharer == user and referral.credited_at is None
    assert selectors.counts_of(user) == (1, 0)  # a sign-up alone earns nothing
    officer = staff(roles.PROGRAM_STAFF)
    account_services.verify_shop(referral.user.shopkeeper_profile, by=officer)
    assert selectors.counts_of(user) == (1, 1)
    account_services.verify_shop(referral.user.shopkeeper_profile, by=officer, level=2)
    assert selectors.counts_of(user) == (1, 1)
    assert [row["signups"] for row in selectors.top_sharers()] == [1]


def test_one_visitor_brings_one_referral_however_many_accounts_she_makes(client, sharer):
    user, course = sharer
    client.get(_landing(user, course))
    ref_cookie = client.cookies[services.REF_COOKIE].value
    for number in range(3):
        assert _sign_up(client, f"n{number}@example.com", f"7700000{number}").status_code == 302
    # Without her visitor cookie, the referral cookie still names the same visitor.
    client.cookies.pop(services.VISITOR_COOKIE)
    client.cookies[services.REF_COOKIE] = ref_cookie
    assert _sign_up(client, "n3@example.com", "77000003").status_code == 302
    assert Referral.objects.count() == 1
    officer = staff(roles.PROGRAM_STAFF)
    for profile_ in ShopkeeperProfile.objects.filter(shop_id__startswith="7700000"):
        account_services.verify_shop(profile_, by=officer)
    assert selectors.counts_of(user) == (1, 1)
