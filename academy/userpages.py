"""Signed-in pages kept per person, and dropped the moment anything they show changes.

Rendering a signed-in page costs twenty to thirty times a bare view (queries,
template work), yet a shopkeeper reopens the same few pages far more often than
anything on them changes. A page that opts in (:func:`cache_page`) is kept in
the shared cache for its viewer only, with the *versions* of the scopes it was
built from; it is served again only to the same person, in the same language,
time zone and browser flavour, while every one of those versions is unchanged
and its time (``seconds``/``until``) has not run out.

Scopes are named sets of rows with a version token each:

- ``user:<id>``: everything about one person (her enrolments, progress, quiz
  attempts, bookings, notices, profile, roles). Every cached page depends on its
  viewer's scope.
- ``content``: published pages, images, documents and media.
- ``shared``: anything written without a more precise scope. Every cached page
  depends on it.
- what a page adds: ``mentor:<profile id>`` (hours and days off),
  ``cohort:<id>``, ``cohorts``, ``live``.

A write bumps its scopes (a new random token) now and again after its commit
(``academy.cache.invalidate_now_and_on_commit``): saving or deleting a row does
it through :func:`register`-ed rules (``post_save``/``post_delete``), and the
services that write in bulk (``update()``, ``bulk_create``) call :func:`bump`
themselves. Besides, any request of a signed-in person that is not a GET, or
that changed her session, bumps her own scope: what she did is on the next page
she opens, whatever rows it touched.

Versions are read before the page reads its rows, so a page built while a
write commits is stored under the old versions and never served. A version
missing from the cache (evicted, flushed) is replaced by a new random token, so
an old page can never match it again. While Redis is unreachable nothing is
kept and every page is rendered (``academy.cache``).

CSRF tokens differ per browser: a kept page holds a placeholder that is
replaced with the requesting browser's own token when the page is sent.
Pages with a one-off message waiting, previews and responses that set cookies
or touched the session are never kept.
"""

import hashlib
import time
import uuid
import zlib

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils import timezone

from academy.cache import invalidate_now_and_on_commit
from academy.wechat.browser import in_wechat

CONTENT = "content"
SHARED = "shared"
# A scope's version outlives any page kept under it; a version that expires is
# replaced by a new token, which only costs a render.
VERSION_TIMEOUT = 7 * 24 * 3600
SAFE_METHODS = ("GET", "HEAD")
CSRF_PLACEHOLDER = "academy-csrf-placeholder-9f3c1e7a"
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Frame-Options")


def user(user_id):
    """The scope of everything about one person."""
    return f"user:{user_id}"


def _version_key(scope):
    return f"userpages:v:{scope}"


def versions(scopes):
    """``{scope: token}`` for the scopes, creating missing ones; None while the cache is down."""
    scopes = list(dict.fromkeys(scopes))
    keys = {_version_key(s): s for s in scopes}
    found = cache.get_many(list(keys))
    missing = [k for k in keys if k not in found]
    if missing:
        for key in missing:
            cache.add(key, uuid.uuid4().hex, VERSION_TIMEOUT)
        found.update(cache.get_many(missing))
        if any(k not in found for k in missing):
            return None
    return {keys[k]: v for k, v in found.items()}


def bump(*scopes):
    """Every page kept under these scopes is stale from now on (and again after the commit)."""
    scopes = {s for s in scopes if s}
    if not scopes:
        return

    def new_versions():
        token = uuid.uuid4().hex
        cache.set_many({_version_key(s): token for s in scopes}, VERSION_TIMEOUT)

    invalidate_now_and_on_commit(new_versions)


def bump_users(*user_ids):
    bump(*(user(uid) for uid in user_ids if uid))


# --- what a page declares ------------------------------------------------------------


class _PageState:
    """What the page of one request depends on, filled in while it renders."""

    def __init__(self, versions):
        self.versions = versions
        self.opted_in = False
        self.refused = False
        self.expires = time.time() + settings.ACADEMY_USER_PAGE_CACHE_SECONDS


def keepable(view):
    """Mark a view whose pages may be kept (it calls :func:`cache_page` when they may).

    Only the requests of such views (and of Wagtail's pages) look in the cache,
    so files, reports and forms cost no cache read.
    """
    view.userpages_keepable = True
    return view


def _may_be_kept(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name == "wagtail_serve" or getattr(match.func, "userpages_keepable", False)


def cache_page(request, *scopes, seconds=None, until=None):
    """Let this request's page be kept for its viewer, depending on ``scopes`` as well.

    Call it before reading the rows of those scopes. ``seconds`` or ``until`` (an
    aware datetime) shorten how long the page may be served, for what changes
    with the clock. A no-op where pages are not kept (previews, messages waiting,
    cache off or down).
    """
    state = getattr(request, "_user_page", None)
    if state is None or state.refused or getattr(request, "is_preview", False):
        return
    if scopes:
        extra = versions(scopes)
        if extra is None:
            state.refused = True
            return
        state.versions.update(extra)
    if seconds is not None:
        state.expires = min(state.expires, time.time() + seconds)
    if until is not None:
        state.expires = min(state.expires, until.timestamp())
    state.opted_in = True


def csrf_placeholder(request):
    """Context processor: while a page may be kept, its CSRF token is a placeholder.

    The middleware puts the requesting browser's token in its place, in cached
    and fresh pages alike.
    """
    if getattr(request, "_user_page", None) is None:
        return {}
    return {"csrf_token": CSRF_PLACEHOLDER}


# --- the middleware -------------------------------------------------------------------


def _base_scopes(user_id):
    return [user(user_id), CONTENT, SHARED]


def _entry_key(request, user_id):
    flavour = "wx" if in_wechat(request) else "web"
    described = "|".join(
        (
            request.get_host(),
            request.get_full_path(),
            request.LANGUAGE_CODE,
            timezone.get_current_timezone_name(),
            flavour,
        )
    )
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    return f"userpages:page:{user_id}:{digest}"


def _messages_waiting(request):
    return bool(request.COOKIES.get("messages")) or "_messages" in request.session


def _with_token(request, content):
    if CSRF_PLACEHOLDER.encode() not in content:
        return content
    return content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())


class SignedInPageCacheMiddleware:
    """Serve a signed-in person's kept page while nothing on it changed; keep new ones."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        if not signed_in:
            return self.get_response(request)
        user_id = request.user.pk
        if (
            not settings.ACADEMY_USER_PAGE_CACHE_SECONDS
            or request.method not in SAFE_METHODS
            or len(request.get_full_path()) > 300
            or not _may_be_kept(request)
            or _messages_waiting(request)
        ):
            response = self.get_response(request)
            self._after_request(request, response, user_id)
            return response
        key = _entry_key(request, user_id)
        base = _base_scopes(user_id)
        found = cache.get_many([key, *(_version_key(s) for s in base)])
        entry = found.get(key)
        if entry is not None:
            response = self._serve(request, entry, user_id, found)
            if response is not None:
                return response
        current = versions(base)
        if current is not None:
            request._user_page = _PageState(current)
        response = self.get_response(request)
        state = getattr(request, "_user_page", None)
        if state is not None:
            del request._user_page
            if self._keepable(request, response, state):
                self._store(key, user_id, state, response)
            if not response.streaming:
                response.content = _with_token(request, response.content)
        self._after_request(request, response, user_id)
        return response

    def _serve(self, request, entry, user_id, found):
        owner, expires, kept_versions, status, headers, content = entry
        if owner != user_id or expires <= time.time():
            return None
        known = {s: found.get(_version_key(s)) for s in kept_versions}
        others = [s for s, v in known.items() if v is None]
        if others:
            read = versions(others)
            if read is None:
                return None
            known.update(read)
        if known != kept_versions:
            return None
        response = HttpResponse(_with_token(request, zlib.decompress(content)), status=status)
        for name, value in headers:
            response[name] = value
        response["X-User-Page-Cache"] = "hit"
        return response

    @staticmethod
    def _keepable(request, response, state):
        return (
            state.opted_in
            and not state.refused
            and request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.session.modified
            # A token taken outside the placeholder would be this browser's only.
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not getattr(request, "_messages", None)
            and state.expires > time.time() + 1
        )

    @staticmethod
    def _store(key, user_id, state, response):
        headers = [(h, response[h]) for h in KEPT_HEADERS if h in response]
        content = zlib.compress(response.content, 1)
        entry = (user_id, state.expires, state.versions, response.status_code, headers, content)
        cache.set(key, entry, max(1, int(state.expires - time.time())))
        response["X-User-Page-Cache"] = "miss"

    @staticmethod
    def _after_request(request, response, user_id):
        """What she did shows on her next page, whatever rows it touched."""
        session = getattr(request, "session", None)
        if request.method not in SAFE_METHODS or (session is not None and session.modified):
            bump_users(user_id)


# --- which writes change which scopes -------------------------------------------------

_rules = {}
# Apps whose models must say which scopes they change; others' models are ignored
# except those that are published content.
OWN_APPS = ("academy", "courses", "mentorship", "growth")
CONTENT_MODELS = (
    "wagtailcore.pageviewrestriction",
    "wagtailcore.site",
    "wagtailcore.locale",
    "wagtailcore.collection",
    "wagtailcore.collectionviewrestriction",
    "wagtailimages.image",
    "wagtaildocs.document",
    "wagtailmedia.media",
    "taggit.tag",
)


def register(model, scopes_of):
    """``scopes_of(instance)`` names the scopes a save or delete of ``model`` changes."""
    _rules[model] = scopes_of


def ignore(*models):
    """Rows no kept page shows (outboxes, audit trails of other pages)."""
    for model in models:
        _rules[model] = _nothing


def _nothing(instance):
    return ()


def users_of(*fields):
    """A rule: the people named by these foreign keys to users."""

    def scopes_of(instance):
        return [user(getattr(instance, f"{name}_id")) for name in fields]

    return scopes_of


def via(relation, rule):
    """A rule applied to the row a foreign key points to (one query unless it is loaded).

    When that row is gone already (a cascade), every kept page is stale to be safe.
    """
    from django.core.exceptions import ObjectDoesNotExist

    def scopes_of(instance):
        try:
            related = getattr(instance, relation)
        except ObjectDoesNotExist:
            return [SHARED]
        return rule(related) if related is not None else []

    return scopes_of


def scopes_for(instance):
    """The scopes a save or delete of ``instance`` changes."""
    from wagtail.models import Page

    model = type(instance)
    rule = _rules.get(model)
    if rule is not None:
        return [s for s in rule(instance) if s and not s.endswith(":None")]
    if isinstance(instance, Page) or model._meta.label_lower in CONTENT_MODELS:
        return [CONTENT]
    if model._meta.app_label in OWN_APPS:
        # Not described: whoever it names, and every kept page to be safe.
        return [*_default_users(instance), SHARED]
    return []


def _default_users(instance):
    auth_model = settings.AUTH_USER_MODEL.lower()
    return [
        user(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if field.is_relation and field.related_model._meta.label_lower == auth_model
    ]


def _row_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    scopes = scopes_for(instance)
    if scopes:
        bump(*scopes)


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        bump_users(instance.pk)
    elif action == "pre_clear":
        bump_users(*instance.user_set.values_list("pk", flat=True))
    else:
        bump_users(*(pk_set or ()))


def connect_signals():
    from academy.models import User

    post_save.connect(_row_changed, dispatch_uid="userpages-save")
    post_delete.connect(_row_changed, dispatch_uid="userpages-delete")
    m2m_changed.connect(
        _groups_changed, sender=User.groups.through, dispatch_uid="userpages-groups"
    )
    register_academy_models()


def register_academy_models():
    from academy.models import (
        ChannelState,
        Delivery,
        MentorProfile,
        NoticePreference,
        Notification,
        OutboundEmail,
        PlatformEntry,
        ShopkeeperProfile,
        User,
    )

    register(User, lambda u: [user(u.pk)])
    register(ShopkeeperProfile, _profile_scopes)
    register(MentorProfile, lambda p: [user(p.user_id), f"mentor:{p.pk}", CONTENT])
    for model in (PlatformEntry, Notification, NoticePreference, ChannelState):
        register(model, users_of("user"))
    # Delivery rows of notices and the e-mail outbox appear on no kept page.
    ignore(Delivery, OutboundEmail)


def _profile_scopes(profile):
    """Her own pages, and her team leader's (whose team section lists her)."""
    from academy.models import ShopkeeperProfile

    scopes = [user(profile.user_id)]
    if profile.team_leader_id:
        leader = (
            ShopkeeperProfile.objects.filter(pk=profile.team_leader_id)
            .values_list("user_id", flat=True)
            .first()
        )
        scopes.append(user(leader))
    return scopes
