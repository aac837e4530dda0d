"""Every URL of the academy × every role, with objects that belong to someone else.

The URLs come from the URL configuration itself: a new view of ours is swept
automatically, and this test fails until its expectation is declared below.
Outcomes: OK (the content), LOGIN (sent to log in), DENIED (403 or 404, or
Wagtail's redirect of a signed-in user without admin access), REDIRECT
(elsewhere), NO_GET (a POST-only action answering 405), BAD_REQUEST (400: a
request without the proof it needs, such as an entry link without its token). POST-only actions are
also posted to by every role that must not use them, and without a CSRF token
by one that may.
"""

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from tests.security import world as w
from tests.security.world import ANON, ASSIGNED, EDITOR, MENTOR, OTHER, OWNER, ROLES, STAFF

pytestmark = pytest.mark.django_db

OK, LOGIN, DENIED, REDIRECT, NO_GET = "ok", "login", "denied", "redirect", "405"
BAD_REQUEST = "HTTP 400"
PROJECT_APPS = ("academy", "courses", "mentorship", "growth")


def everyone(outcome):
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome, anonymous=LOGIN):
    return {**everyone(outcome), ANON: anonymous}


def only(allowed, *, anonymous=LOGIN, others=DENIED, allowed_gets=OK):
    """``allowed``: the roles that get ``allowed_gets`` (OK); everyone else gets ``others``."""
    return {role: allowed_gets if role in allowed else others for role in ROLES} | {ANON: anonymous}


STAR_LEADER_ANSWERS = {
    "situation": "团队 12 人，销售下滑",
    "difficulties": "新人留不住",
    "goals": "月销 5 万",
    "team_size": "12",
    "sales_band": "10k-50k",
    "focus": "training",
}
# url name → (args from the world [, query], GET expectations, roles refused on POST or
# None [, data they post, or a function of the world giving it]). A refused POST may
# answer 403/404, send to log in, send back with a message or refuse the form (400);
# whatever it answers, no row may change.
SPECS = {
    # academy
    "healthz": (lambda x: [], everyone(OK), None),
    "robots_txt": (lambda x: [], everyone(OK), None),
    "sitemap": (lambda x: [], everyone(OK), None),
    "set_language": (lambda x: ["en"], everyone(REDIRECT), None),
    "dashboard": (lambda x: [], signed_in(OK), None),
    # Only the platform's signed token signs anyone in (tests/academy/test_platform_entry.py).
    "platform_entry": (lambda x: [], everyone(BAD_REQUEST), None),
    "profile": (
        lambda x: [],
        {**signed_in(REDIRECT), OWNER: OK, OTHER: OK},  # no shop profile: back to 我的学习
        None,
    ),
    "notifications": (lambda x: [], signed_in(OK), None),
    "notifications_read": (lambda x: [], signed_in(NO_GET), [ANON]),
    # 通知设置: her own choices only (tests/academy/test_notice_settings_page.py).
    "notice_settings": (lambda x: [], signed_in(OK), [ANON]),
    "academy_notice_figures": (lambda x: [], only({STAFF}), None),
    # The development outbox exists only with DEBUG on.
    "dev_outbox": (lambda x: [], everyone(DENIED), None),
    "wagtailcore_authenticate_with_password": (
        lambda x: [999, x.open_course.id],
        everyone(DENIED),
        None,
    ),
    # courses: public descriptions, gated study
    "courses:search": (lambda x: [], everyone(OK), None),
    "courses:cover": (lambda x: [x.cover_signature, x.img.id, "fill-640x360"], everyone(OK), None),
    "courses:enrol": (
        lambda x: [x.locked_course.id],
        signed_in(NO_GET),
        [ANON, OWNER, OTHER, MENTOR, ASSIGNED],
    ),
    "courses:complete_lesson": (
        lambda x: [x.open_lesson.id],
        signed_in(NO_GET),
        [ANON, OTHER, MENTOR, ASSIGNED],
    ),
    "courses:lesson_position": (
        lambda x: [x.open_lesson.id],
        everyone(NO_GET),
        [ANON, OTHER, MENTOR, ASSIGNED],
        {"seconds": "27", "duration": "30"},
    ),
    "courses:lesson_media": (
        lambda x: [x.open_lesson.id, x.media.id],
        only({OWNER, EDITOR, STAFF}, anonymous=DENIED),
        None,
    ),
    # The stream: the lesson's check, then a redirect to a playlist signed for this viewer.
    "courses:lesson_media_stream": (
        lambda x: [x.open_lesson.id, x.media.id],
        only({OWNER, EDITOR, STAFF}, anonymous=DENIED, allowed_gets=REDIRECT),
        None,
    ),
    "courses:lesson_media_poster": (
        lambda x: [x.open_lesson.id, x.media.id],
        only({OWNER, EDITOR, STAFF}, anonymous=DENIED),
        None,
    ),
    # The signed link is the permission, whoever holds it until it expires (refusals:
    # tests/courses/test_video_access.py).
    "courses:hls_file": (lambda x: [x.media.id, x.hls_token, "master.m3u8"], everyone(OK), None),
    "courses:lesson_document": (
        lambda x: [x.open_lesson.id, x.doc.id],
        only({OWNER, EDITOR, STAFF}, anonymous=DENIED),
        None,
    ),
    "courses:lesson_image": (
        lambda x: [x.open_lesson.id, x.img.id, "width-800"],
        only({OWNER, EDITOR, STAFF}, anonymous=DENIED),
        None,
    ),
    # Staff may fetch any certificate (it shows no more than the public check page).
    "courses:certificate_download": (
        lambda x: [x.certificate.code],
        only({OWNER, EDITOR, STAFF}),
        None,
    ),
    "courses:certificate_verify": (lambda x: [x.certificate.code], everyone(OK), None),
    "courses_admin_progress_csv": (lambda x: [x.open_course.id], only({EDITOR, STAFF}), None),
    # Video conversions: those who may change media follow and retry them.
    "courses_admin_video_conversions": (lambda x: [], only({EDITOR, STAFF}), None),
    "courses_admin_video_retry": (
        lambda x: [x.stream.pk],
        only({EDITOR, STAFF}, allowed_gets=NO_GET),
        [ANON, OWNER, OTHER, MENTOR, ASSIGNED],
    ),
    "course_listing:index": (lambda x: [], only({EDITOR, STAFF}), None),
    "course_listing:index_results": (lambda x: [], only({EDITOR, STAFF}), None),
    "tier_exemptions:add": (lambda x: [], only({STAFF}), None),
    # live sessions: anyone signed in signs up; only those signed up join, ask and vote
    "courses:live_signup": (lambda x: [x.live_session.pk], signed_in(NO_GET), [ANON]),
    "courses:live_withdraw": (lambda x: [x.live_session.pk], signed_in(NO_GET), [ANON]),
    "courses:live_ics": (lambda x: [x.live_session.pk], everyone(OK), None),
    "courses:live_join": (
        lambda x: [x.live_session.pk],
        signed_in(NO_GET),
        [ANON, OTHER, MENTOR, ASSIGNED, EDITOR, STAFF],
    ),
    "courses:live_ask": (
        lambda x: [x.live_session.pk],
        signed_in(NO_GET),
        [ANON, OTHER, MENTOR, ASSIGNED],
        {"text": "我也想问一个问题"},
    ),
    "courses:live_vote": (
        lambda x: [x.live_question.pk],
        signed_in(NO_GET),
        [ANON, OTHER, MENTOR, ASSIGNED],
    ),
    "courses:live_hide": (
        lambda x: [x.live_question.pk],
        signed_in(NO_GET),
        [ANON, OWNER, OTHER, MENTOR, ASSIGNED],
    ),
    "courses:live_replay": (lambda x: [x.locked_replay.pk], only({EDITOR, STAFF}), None),
    "courses:live_replay_media": (
        lambda x: [x.locked_replay.pk],
        only({EDITOR, STAFF}, anonymous=DENIED),
        None,
    ),
    "courses:live_replay_stream": (
        lambda x: [x.locked_replay.pk],
        only({EDITOR, STAFF}, anonymous=DENIED, allowed_gets=REDIRECT),
        None,
    ),
    "courses:live_replay_poster": (
        lambda x: [x.locked_replay.pk],
        only({EDITOR, STAFF}, anonymous=DENIED),
        None,
    ),
    "courses:live_replay_position": (
        lambda x: [x.locked_replay.pk],
        everyone(NO_GET),
        [ANON, OWNER, OTHER, MENTOR, ASSIGNED],
        {"seconds": "27", "duration": "30"},
    ),
    "courses:live_material": (lambda x: [x.live_session.pk, x.doc.id], signed_in(OK), None),
    "courses:live_mentor": (lambda x: [], only({MENTOR, ASSIGNED}), None),
    # Another mentor's session; her own: tests/courses/test_live_people.py
    "courses:live_mentor_session": (
        lambda x: [x.live_session.pk],
        only({EDITOR, STAFF}),
        None,
    ),
    "courses:live_staff": (lambda x: [], only({EDITOR, STAFF}), None),
    "courses:live_staff_csv": (lambda x: [x.live_session.pk], only({EDITOR, STAFF}), None),
    # mentorship: one's own bookings, notes, goals, messages and calendar
    "mentorship:home": (lambda x: [], signed_in(OK), None),
    "mentorship:mentor": (lambda x: [x.users[ASSIGNED].mentor_profile.pk], signed_in(OK), None),
    "mentorship:book": (
        lambda x: ([x.users[ASSIGNED].mentor_profile.pk], x.free_slot_query),
        {**signed_in(DENIED), OWNER: OK},  # an expert takes only her assigned mentees
        [ANON, OTHER, MENTOR, ASSIGNED, EDITOR, STAFF],
    ),
    "mentorship:bookings": (lambda x: [], signed_in(OK), None),
    "mentorship:booking": (lambda x: [x.booking.pk], only({OWNER, ASSIGNED}), None),
    "mentorship:booking_ics": (lambda x: [x.booking.pk], only({OWNER, ASSIGNED}), None),
    "mentorship:reschedule": (
        lambda x: [x.booking.pk],
        {**only({OWNER}), ASSIGNED: REDIRECT},  # the mentor proposes a time instead
        [ANON, OTHER, MENTOR, EDITOR, STAFF],
    ),
    "mentorship:cancel": (
        lambda x: [x.booking.pk],
        signed_in(NO_GET),
        [ANON, OTHER, MENTOR, EDITOR, STAFF],
    ),
    "mentorship:propose": (
        lambda x: [x.booking.pk],
        {**only({ASSIGNED}), OWNER: REDIRECT},  # the mentee is sent back to the session
        [ANON, OWNER, OTHER, MENTOR, EDITOR, STAFF],
    ),
    "mentorship:attendance": (
        lambda x: [x.booking.pk],
        signed_in(NO_GET),
        [ANON, OWNER, OTHER, MENTOR, EDITOR, STAFF],
    ),
    "mentorship:add_note": (
        lambda x: [x.booking.pk],
        signed_in(NO_GET),
        [ANON, OTHER, MENTOR, EDITOR, STAFF],
    ),
    "mentorship:add_action_item": (
        lambda x: [x.booking.pk],
        signed_in(NO_GET),
        [ANON, OWNER, OTHER, MENTOR, EDITOR, STAFF],
    ),
    "mentorship:accept_proposal": (
        lambda x: [x.proposal.pk],
        signed_in(NO_GET),
        [ANON, OTHER, MENTOR, ASSIGNED, EDITOR, STAFF],
    ),
    "mentorship:decline_proposal": (
        lambda x: [x.proposal.pk],
        signed_in(NO_GET),
        [ANON, OTHER, MENTOR, ASSIGNED, EDITOR, STAFF],
    ),
    "mentorship:goals": (lambda x: [], signed_in(OK), None),
    "mentorship:goal": (
        lambda x: [x.goal.pk],
        only({OWNER, ASSIGNED, STAFF}),
        [ANON, OTHER, MENTOR, EDITOR],
    ),
    "mentorship:threads": (lambda x: [], signed_in(OK), None),
    "mentorship:thread": (
        lambda x: [x.thread.pk],
        only({OWNER, ASSIGNED}),
        [ANON, OTHER, MENTOR, EDITOR, STAFF],
    ),
    "mentorship:thread_with": (
        lambda x: [x.users[ASSIGNED].pk],
        {**signed_in(DENIED), OWNER: REDIRECT},
        None,
    ),
    "mentorship:calendar": (lambda x: [], signed_in(OK), None),
    # The secret address is the credential: calendar apps fetch it without a session.
    "mentorship:feed": (lambda x: [x.feed.token], everyone(OK), None),
    "mentorship:agenda": (lambda x: [], only({MENTOR, ASSIGNED}), None),
    "mentorship:availability": (lambda x: [], only({MENTOR, ASSIGNED}), None),
    "mentorship:delete_override": (
        lambda x: [x.override.pk],
        {**signed_in(DENIED), MENTOR: NO_GET, ASSIGNED: NO_GET},
        [ANON, OWNER, OTHER, MENTOR, EDITOR, STAFF],
    ),
    "mentorship:mentees": (lambda x: [], only({MENTOR, ASSIGNED}), None),
    "mentorship:mentee": (lambda x: [x.owner.pk], only({ASSIGNED, STAFF}), None),
    "mentorship:staff": (lambda x: [], only({STAFF}), None),
    "mentorship:staff_csv": (lambda x: [], only({STAFF}), None),
    "mentorship:staff_assignments": (
        lambda x: [],
        only({STAFF}),
        [ANON, OWNER, OTHER, MENTOR, ASSIGNED, EDITOR],
    ),
    "mentorship:end_assignment": (
        lambda x: [x.assignment.pk],
        {**signed_in(DENIED), STAFF: NO_GET},
        [ANON, OWNER, OTHER, MENTOR, ASSIGNED, EDITOR],
    ),
    # Star Leader Program: one's own application; mentors see their members; staff run it.
    "mentorship:starleader:home": (lambda x: [], signed_in(OK), None),
    "mentorship:starleader:apply": (
        lambda x: [x.cohort.pk],
        {**signed_in(OK), OWNER: REDIRECT},  # she applied already: to her application
        # The owner applied already, non-shopkeepers are not eligible: 400, nothing saved.
        [ANON, OWNER, MENTOR, ASSIGNED, EDITOR, STAFF],
        STAR_LEADER_ANSWERS,
    ),
    "mentorship:starleader:application": (lambda x: [x.application.pk], only({OWNER}), None),
    "mentorship:starleader:confirm": (
        lambda x: [x.application.pk],
        signed_in(NO_GET),
        [ANON, OTHER, MENTOR, ASSIGNED, EDITOR, STAFF],
    ),
    "mentorship:starleader:withdraw": (
        lambda x: [x.application.pk],
        signed_in(NO_GET),
        [ANON, OTHER, MENTOR, ASSIGNED, EDITOR, STAFF],
    ),
    "mentorship:starleader:plan": (
        lambda x: [x.application.pk],
        only({OWNER}),
        [ANON, OTHER, MENTOR, ASSIGNED, EDITOR, STAFF],
        {"diagnosis": "x", "targets": "y", "steps": "z", "submit": "1"},
    ),
    "mentorship:starleader:check_in": (
        lambda x: [],
        signed_in(OK),
        # Only members of the code's cohort can check in with it.
        [ANON, OTHER, MENTOR, ASSIGNED, EDITOR, STAFF],
        lambda x: {"code": x.check_in_code.code},
    ),
    # Every mentor has the tab to it; one with no classes or members sees it empty.
    "mentorship:starleader:mentor": (lambda x: [], only({MENTOR, ASSIGNED, STAFF}), None),
    "mentorship:starleader:member": (
        lambda x: [x.application.pk],
        {**only({ASSIGNED, STAFF}), OWNER: REDIRECT},  # the member is sent to her own page
        [ANON, OWNER, OTHER, MENTOR, EDITOR],
        {"body": "很好"},
    ),
    "mentorship:starleader:staff": (lambda x: [], only({STAFF}), None),
    "mentorship:starleader:dashboard": (lambda x: [x.cohort.pk], only({STAFF}), None),
    "mentorship:starleader:export": (
        lambda x: [x.cohort.pk, "applications"],
        only({STAFF}),
        None,
    ),
    "growth_starleader:results": (lambda x: [x.cohort.pk], only({STAFF}), None),
    "mentorship:starleader:experts": (
        lambda x: [x.cohort.pk],
        only({STAFF}),
        [ANON, OWNER, OTHER, MENTOR, ASSIGNED, EDITOR],
        {"action": "auto"},
    ),
    "mentorship:starleader:graduate_all": (
        lambda x: [x.cohort.pk],
        only({STAFF}),
        [ANON, OWNER, OTHER, MENTOR, ASSIGNED, EDITOR],
    ),
    "mentorship:starleader:decide": (
        lambda x: [x.application.pk],
        {**signed_in(DENIED), STAFF: NO_GET},
        [ANON, OWNER, OTHER, MENTOR, ASSIGNED, EDITOR],
        {"action": "withdraw", "reason": "x"},
    ),
    "mentorship:starleader:session": (
        lambda x: [x.class_session.pk],
        only({STAFF}),
        [ANON, OWNER, OTHER, MENTOR, ASSIGNED, EDITOR],
        {"action": "rotate"},
    ),
    # teams: a leader sees her own team only; accounts without a shop have no team
    "teams:team": (lambda x: [], {**only({OWNER, OTHER})}, None),
    "teams:plan": (
        lambda x: [],
        {**only({OWNER, OTHER})},
        [ANON, MENTOR, ASSIGNED, EDITOR, STAFF],
    ),
    "teams:nudge_behind": (
        lambda x: [],
        signed_in(NO_GET),
        [ANON, MENTOR, ASSIGNED, EDITOR, STAFF],
        {"text": "加油"},
    ),
    "teams:member": (lambda x: [x.recruit.shopkeeper_profile.pk], only({OWNER}), None),
    "teams:nudge": (
        lambda x: [x.recruit.shopkeeper_profile.pk],
        signed_in(NO_GET),
        [ANON, OTHER, MENTOR, ASSIGNED, EDITOR, STAFF],
        {"text": "加油"},
    ),
    # share cards: one's own cards; the shared page and image are public by design
    "sharecards:mine": (lambda x: [], signed_in(OK), None),
    "sharecards:top_sharers": (lambda x: [], only({STAFF}), None),
    "sharecards:card": (lambda x: ["course", x.open_course.id], only({OWNER}), None),
    "sharecards:landing": (
        lambda x: [x.referral_code, "course", x.open_course.id],
        everyone(OK),
        None,
    ),
    "sharecards:image": (
        lambda x: [x.referral_code, "course", x.open_course.id],
        everyone(OK),
        None,
    ),
    # shop results: herself, her assigned mentor during the mentorship, program staff
    "metrics:mine": (lambda x: [], only({OWNER, OTHER}), None),
    "metrics:shopkeeper": (lambda x: [x.owner.pk], only({OWNER, ASSIGNED, STAFF}), None),
    "metrics:courses": (lambda x: [], only({STAFF}), None),
    "shop_metrics_import": (
        lambda x: [],
        only({STAFF}),
        [ANON, OWNER, OTHER, MENTOR, ASSIGNED, EDITOR],
    ),
    # shop IDs: program staff verify them and set levels
    "academy_shop_ids": (lambda x: [], only({STAFF}), None),
    # Wagtail's inspect view, with the academy's words for yes, no and empty.
    "cohorts:inspect": (lambda x: [x.cohort.pk], only({STAFF}), None),
    "academy_shop_id_decide": (
        lambda x: [x.owner.shopkeeper_profile.pk],
        {**only(set()), EDITOR: NO_GET, STAFF: NO_GET},
        [ANON, OWNER, OTHER, MENTOR, ASSIGNED, EDITOR],
        {"action": "unverify"},
    ),
}

# Project URLs swept by other tests, with the reason.
ELSEWHERE = {
    "wagtail_serve": "page gating by role: tests/courses/test_gating.py",
    "bench/ping/": "exists only with ACADEMY_BENCH_URLS=1",
    "cms/login/": "redirects to the academy login: tests/academy/test_roles.py",
    "_util/login/": "redirects to the academy login: tests/academy/test_roles.py",
    "wechat_share_config": "a JS-SDK signature for a page of the site, the same for anyone: "
    "tests/academy/test_wechat_jssdk.py",
    "account_confirm_login_code": "allauth's sign-in code page, a stage before anyone is "
    "signed in: tests/accounts/test_phone_login.py",
    "account_verify_phone": "allauth's phone code page: a sign-up stage before anyone is "
    "signed in, or her own change of number: tests/accounts/test_phone_login.py",
}


def _project_urls():
    """(key, pattern) of every URL whose view is the project's, or a page or page helper."""

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                ns = f"{namespace}:{inner}" if namespace and inner else inner or namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
                continue
            callback = pattern.callback
            module = getattr(getattr(callback, "view_class", callback), "__module__", "")
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            path = prefix + str(pattern.pattern)
            if module.split(".")[0] in PROJECT_APPS or name in SPECS or name in ELSEWHERE:
                yield name or path, path

    return dict(walk(get_resolver().url_patterns))


def test_every_project_url_has_a_declared_expectation():
    undeclared = sorted(key for key in _project_urls() if key not in SPECS and key not in ELSEWHERE)
    assert undeclared == [], f"declare who may use these URLs in {__file__}: {undeclared}"


def outcome(response, signed_in):
    """What the visitor got, in the words of the table above."""
    status = response.status_code
    if status in (200, 202, 206):  # 202: a certificate still being made
        return OK
    if status in (403, 404):
        return DENIED
    if status == 405:
        return NO_GET
    if status in (301, 302, 303):
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return DENIED if signed_in else LOGIN
        if (
            signed_in
            and location.startswith("/cms/")
            and response.wsgi_request.path.startswith("/cms/")
        ):
            return DENIED  # Wagtail's "you do not have permission" back to the admin
        return REDIRECT
    return f"HTTP {status}"


@pytest.fixture
def world(home_page):
    return w.build(home_page)


def snapshot():
    """Every row of the project's tables: a refused POST must leave them as they were."""
    from django.apps import apps

    rows = {
        model._meta.label: list(model.objects.order_by("pk").values())
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
    }
    for row in rows["academy.User"]:
        row.pop("last_login")  # logging in to try is not the POST's doing
    return rows


def log_in_as(client, world, role):
    client.logout()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return user is not None


@pytest.mark.parametrize("name", sorted(SPECS))
def test_each_role_gets_only_what_it_should(client, world, name):
    args_of, expected, refused_posts, *post_data = SPECS[name]
    args = args_of(world)
    args, query = args if isinstance(args, tuple) else (args, "")
    url = reverse(name, args=args)
    seen = {}
    for role in ROLES:
        signed_in = log_in_as(client, world, role)
        seen[role] = outcome(client.get(url + query), signed_in)
    wrong = {role: (seen[role], expected[role]) for role in ROLES if seen[role] != expected[role]}
    assert not wrong, f"{url}: role → (got, expected) {wrong}"
    post = post_data[0] if post_data else None
    if callable(post):  # data that names an object of the world
        post = post(world)
    before = snapshot()
    for role in refused_posts or []:
        signed_in = log_in_as(client, world, role)
        response = client.post(url, post or {})
        assert outcome(response, signed_in) in (DENIED, LOGIN, REDIRECT, "HTTP 400"), (
            url,
            role,
            response.status_code,
        )
        assert snapshot() == before, f"{role} changed data through POST {url}"
    if refused_posts:
        # Even a role that may use the action is refused without the CSRF token.
        allowed = [role for role in ROLES if role not in refused_posts]
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.users[allowed[0]])
        response = client.post(url, post or {"reason": "x"})
        assert response.status_code == 403, (url, allowed[0], "without CSRF token")
        assert b"CSRF" in response.content  # refused by the CSRF check, not by the view
        assert snapshot() == before
