"""Settings of the Shopkeeper Academy, read from environment variables.

Every variable has a development fallback (SQLite under ``var/``, local-memory
cache, a broker-less Celery on kombu's filesystem transport), so a fresh clone
runs with nothing else installed. Production (``DJANGO_DEBUG=0``) refuses to
start without its secrets. Every variable is listed in the README.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ACADEMY_DATA_DIR", BASE_DIR / "var"))


def _fail(variable, problem):
    # One line naming the variable, not a traceback: the operator fixes the
    # environment, not the code.
    raise SystemExit(f"Configuration error: {variable} {problem}")


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    _fail(name, f"must be 0 or 1, not {value!r}")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        _fail(name, f"must be a whole number, not {value!r}")


def env_list(name, default=()):
    value = os.environ.get(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
TESTING = env_bool("ACADEMY_TESTING", False)

# --- secrets and hosts -------------------------------------------------------

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        _fail("DJANGO_SECRET_KEY", "must be set when DJANGO_DEBUG=0")
    # Development only: a key generated once and kept beside the SQLite file,
    # so sessions survive restarts of `make run`.
    key_file = VAR_DIR / "secret_key"
    try:
        SECRET_KEY = key_file.read_text().strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        SECRET_KEY = secrets.token_urlsafe(50)
        key_file.write_text(SECRET_KEY)

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    _fail("DJANGO_ALLOWED_HOSTS", "must list the site's host names when DJANGO_DEBUG=0")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("ACADEMY_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL

# --- applications ------------------------------------------------------------

INSTALLED_APPS = [
    "academy",
    "courses",
    "mentorship",
    "growth",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtailmedia",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "academy.wechat",
    "django_celery_beat",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "academy.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "academy.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "academy.middleware.StaffMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Innermost, so security headers and CSP are still added to cached pages.
    "academy.userpages.SignedInPageCacheMiddleware",
    "academy.pagecache.AnonymousPageCacheMiddleware",
]

ROOT_URLCONF = "academy.urls"
WSGI_APPLICATION = "academy.wsgi.application"
AUTH_USER_MODEL = "academy.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "academy.context_processors.academy",
                # After Django's own csrf processor, which it overrides for kept pages.
                "academy.userpages.csrf_placeholder",
            ],
        },
    },
]

# --- database ----------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    import dj_database_url

    parts = urlsplit(DATABASE_URL)
    if parts.scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        _fail(
            "DATABASE_URL",
            f"must start with postgres:// or sqlite://, not {parts.scheme or '(empty)'}://",
        )
    try:
        _db = dj_database_url.parse(
            DATABASE_URL,
            # Tests open connections in short-lived threads: close them after each request.
            conn_max_age=0 if TESTING else env_int("DATABASE_CONN_MAX_AGE", 60),
        )
    except Exception as exc:  # noqa: BLE001 - the parser raises several kinds
        _fail("DATABASE_URL", f"is malformed ({exc})")
    if _db["ENGINE"] == "django.db.backends.postgresql" and not _db.get("NAME"):
        _fail("DATABASE_URL", "names no database (postgres://user@host:port/NAME)")
    # A connection killed by a database restart is noticed before it is used.
    _db["CONN_HEALTH_CHECKS"] = True
    if _db["ENGINE"] == "django.db.backends.postgresql":
        _db.setdefault("OPTIONS", {})["connect_timeout"] = 5
    if os.environ.get("TEST_DATABASE_NAME"):
        _db["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
    DATABASES = {"default": _db}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "academy.sqlite3",
            # WAL lets the web server, the worker and beat read while one writes.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
# An optional read replica for heavy staff reports and exports (never for
# pages that must read what the user just wrote). See docs/deployment.md.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    if not DATABASE_URL:
        _fail("DATABASE_REPLICA_URL", "needs DATABASE_URL (the primary) as well")
    try:
        _replica = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    except Exception as exc:  # noqa: BLE001 - the parser raises several kinds
        _fail("DATABASE_REPLICA_URL", f"is malformed ({exc})")
    _replica["CONN_HEALTH_CHECKS"] = True
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and Celery ----------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and TESTING and os.environ.get("PYTEST_XDIST_WORKER"):
    # Parallel test workers each get a Redis database of their own: a cache
    # flush in one must not wipe another's rate-limit counters.
    _worker = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw") or 0)
    REDIS_URL = REDIS_URL.rsplit("/", 1)[0] + f"/{1 + _worker % 15}"
if REDIS_URL:
    parts = urlsplit(REDIS_URL)
    if parts.scheme not in {"redis", "rediss", "unix"}:
        _fail(
            "REDIS_URL",
            f"must start with redis://, rediss:// or unix://, not {parts.scheme or '(empty)'}://",
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        _fail("REDIS_URL", f"is malformed ({exc})")
    CACHES = {
        "default": {
            # Misses instead of errors when Redis is down (see academy/cache.py).
            "BACKEND": "academy.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "academy",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_QUEUE_DIR = VAR_DIR / "celery"
if CELERY_BROKER_URL == "filesystem://":
    # Kombu's filesystem transport: a real worker and beat, no broker server.
    for sub in ("queue", "processed"):
        (CELERY_QUEUE_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        # Exchange bindings; kombu's default is a "control" folder in the working directory.
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
else:
    # Short timeouts: a web request that publishes a task must never hang on
    # an unreachable broker (the outbox relays the work later).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 1,
        "socket_timeout": 2,
        "visibility_timeout": 3600,
        # One attempt per publish: kombu otherwise sleeps and retries until the
        # connection timeout (2 s per task while Redis is down).
        "max_retries": 0,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = "UTC"
# One beat at a time: a second one waits as a standby (academy/beat.py).
CELERY_BEAT_SCHEDULER = "academy.beat:SingleBeatScheduler"
# How long the running beat's lock lasts without renewal: a standby takes over this
# long after the running beat dies.
ACADEMY_BEAT_LOCK_SECONDS = env_int("ACADEMY_BEAT_LOCK_SECONDS", 60)
CELERY_BEAT_SCHEDULE = {
    "send-pending-emails": {
        "task": "academy.tasks.send_pending_emails",
        "schedule": crontab(minute="*"),
    },
    # WeChat and SMS notices; the kick on commit usually sends them first.
    "send-pending-notices": {
        "task": "academy.tasks.send_pending_notices",
        "schedule": crontab(minute="*"),
    },
}

# Anonymous visitors get Wagtail pages from the cache for this long (0: off);
# publishing anything clears it. Off in tests unless a test turns it on.
ACADEMY_PAGE_CACHE_SECONDS = env_int("ACADEMY_PAGE_CACHE_SECONDS", 0 if TESTING else 300)
# Signed-in pages that opt in are kept per person for at most this long (0: off),
# and dropped at once when anything they show changes (academy/userpages.py).
ACADEMY_USER_PAGE_CACHE_SECONDS = env_int("ACADEMY_USER_PAGE_CACHE_SECONDS", 60)
# Sessions are read from the cache and written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- accounts ------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "academy.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# A shopkeeper signs up and in with her mobile number and a texted code (allauth's
# phone support, academy/adapters.py); an e-mail address and a password are optional
# for her. Staff keep e-mail, password and TOTP.
ACCOUNT_LOGIN_METHODS = {"phone", "email"}
# Either a phone or an e-mail address is required: academy/account_forms.py says which.
ACCOUNT_SIGNUP_FIELDS = ["phone", "email", "password1", "password2"]
ACCOUNT_SIGNUP_FORM_CLASS = "academy.forms.SignupForm"
ACCOUNT_FORMS = {
    "signup": "academy.account_forms.AccountSignupForm",
    "request_login_code": "academy.account_forms.PhoneCodeRequestForm",
    "change_phone": "academy.account_forms.ChangePhoneForm",
    "login": "academy.account_forms.LoginForm",
    "confirm_login_code": "academy.account_forms.ConfirmLoginCodeForm",
    "verify_phone": "academy.account_forms.VerifyPhoneForm",
}
ACCOUNT_UNIQUE_EMAIL = True
# Mandatory for an account without a verified phone (academy/stages.py): an address is
# then her only proof of who she is. With a verified phone it is confirmed by mail later.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 5
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = 3
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 600
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 5
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = 3
_SIX_DIGITS = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_LOGIN_BY_CODE_FORMAT = _SIX_DIGITS
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = _SIX_DIGITS
# Neither phone nor e-mail is "required" in ACCOUNT_SIGNUP_FIELDS: one of them is.
SILENCED_SYSTEM_CHECKS = ["account.W001"]
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
# Signup and password reset never tell whether an address has an account.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 600
# Mails read 【店主商学院】, never the Host a request named (academy/mail.py).
ACCOUNT_EMAIL_SUBJECT_PREFIX = "【店主商学院】"
# The reset link signs her in (through the second-factor stage if she has one):
# whoever locked her account by guessing cannot keep her out.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Per address: refused. Per account: locked, but the owner's second factor or a
    # password-reset link still signs her in (academy/ratelimits.py).
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    # Codes by SMS: asked for per address and number; each text is counted again below.
    "request_login_code": "20/h/ip,10/h/key",
    "verify_phone": "1/60s/key,20/h/ip",
    "change_phone": "3/h/user",
}
# Every text the accounts send (academy/phones.py): one a minute and a few an hour to
# one number, a few an hour from one address, and a ceiling for the whole site, so
# nobody can spend the SMS budget or flood one phone.
ACADEMY_SMS_GLOBAL_PER_HOUR = env_int("ACADEMY_SMS_GLOBAL_PER_HOUR", 1000)
ACADEMY_SMS_RATE_LIMITS = {
    "sms_number": "1/60s/key,5/h/key,10/d/key",
    "sms_address": "10/h/ip,30/d/ip",
    "sms_all": f"{ACADEMY_SMS_GLOBAL_PER_HOUR}/h/key",
}
# A code asked for an unknown number gets a sign-up hint by SMS (the page is the same).
ACADEMY_SMS_UNKNOWN_ACCOUNT_HINT = env_bool("ACADEMY_SMS_UNKNOWN_ACCOUNT_HINT", True)
# The academy's own actions (see academy/ratelimits.py): "count/period".
ACADEMY_RATE_LIMITS = {
    "booking": "20/h",
    # Guessing a six-digit check-in code must stay hopeless.
    "starleader-check-in": "20/h",
    "starleader-apply": "20/h",
    # Referral visits counted per visitor's address: more are shown but not counted.
    "referral_visit": "30/h",
    # Share-card images rendered per visitor (cached ones are not counted).
    "share_card": "60/h",
    # Questions before a live session, and votes on them.
    "live_question": "10/h",
    "live_vote": "120/h",
    # Entry links opened per address: a whole family or shop may share one.
    "platform_entry": "30/m",
}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("ALLAUTH_TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "店主商学院"
# Whoever can reach the admin (any group with access_admin, superusers) must have TOTP.
ACADEMY_STAFF_MFA_REQUIRED = env_bool("ACADEMY_STAFF_MFA_REQUIRED", True)

# The platform's entry link (进入商学院): a short-lived JWT the platform's app opens,
# saying which shop she owns, her level, region and team leader (academy/platform.py).
# On in development; production turns it on with its secret or public key.
ACADEMY_PLATFORM_ENTRY = env_bool("ACADEMY_PLATFORM_ENTRY", DEBUG)
ACADEMY_PLATFORM_JWT_ALGORITHM = os.environ.get("ACADEMY_PLATFORM_JWT_ALGORITHM", "HS256")
if ACADEMY_PLATFORM_JWT_ALGORITHM not in {"HS256", "RS256"}:
    _fail(
        "ACADEMY_PLATFORM_JWT_ALGORITHM",
        f"must be HS256 or RS256, not {ACADEMY_PLATFORM_JWT_ALGORITHM!r}",
    )
ACADEMY_PLATFORM_JWT_SECRET = os.environ.get("ACADEMY_PLATFORM_JWT_SECRET", "")
ACADEMY_PLATFORM_JWT_PUBLIC_KEY = os.environ.get("ACADEMY_PLATFORM_JWT_PUBLIC_KEY", "")
if ACADEMY_PLATFORM_JWT_PUBLIC_KEY and not ACADEMY_PLATFORM_JWT_PUBLIC_KEY.lstrip().startswith(
    "-----BEGIN"
):
    try:
        ACADEMY_PLATFORM_JWT_PUBLIC_KEY = Path(ACADEMY_PLATFORM_JWT_PUBLIC_KEY).read_text()
    except OSError as exc:
        _fail(
            "ACADEMY_PLATFORM_JWT_PUBLIC_KEY", f"is neither a PEM key nor a readable file ({exc})"
        )
if ACADEMY_PLATFORM_ENTRY and ACADEMY_PLATFORM_JWT_ALGORITHM == "HS256":
    if not ACADEMY_PLATFORM_JWT_SECRET:
        if not DEBUG:
            _fail("ACADEMY_PLATFORM_JWT_SECRET", "must be set when the entry link is on (HS256)")
        # Development only: a fixed demo secret, so `platform_entry_link` and the
        # server agree without setup. Never accepted with DJANGO_DEBUG=0.
        ACADEMY_PLATFORM_JWT_SECRET = "academy-development-platform-entry-secret"  # noqa: S105 - development only
    elif len(ACADEMY_PLATFORM_JWT_SECRET) < 32:
        # RFC 7518: an HS256 key has at least 256 bits.
        _fail("ACADEMY_PLATFORM_JWT_SECRET", "must be at least 32 characters long")
if (
    ACADEMY_PLATFORM_ENTRY
    and ACADEMY_PLATFORM_JWT_ALGORITHM == "RS256"
    and not ACADEMY_PLATFORM_JWT_PUBLIC_KEY
):
    _fail("ACADEMY_PLATFORM_JWT_PUBLIC_KEY", "must be set when the entry link is on (RS256)")
ACADEMY_PLATFORM_JWT_AUDIENCE = os.environ.get(
    "ACADEMY_PLATFORM_JWT_AUDIENCE", "shopkeeper-academy"
)
# Checked only when set.
ACADEMY_PLATFORM_JWT_ISSUER = os.environ.get("ACADEMY_PLATFORM_JWT_ISSUER", "")

# SMS and WeChat messages (academy/sms/, academy/wechat/): "console" in development
# logs them and keeps them in the development outbox (/dev/outbox/).
ACADEMY_SMS_BACKEND = os.environ.get("ACADEMY_SMS_BACKEND", "console")
ACADEMY_WECHAT_BACKEND = os.environ.get("ACADEMY_WECHAT_BACKEND", "console")
# Text messages one person gets per day (her calendar day) at most; the next ones
# are skipped and the notice falls back to another channel.
ACADEMY_SMS_DAILY_LIMIT_PER_USER = env_int("ACADEMY_SMS_DAILY_LIMIT_PER_USER", 5)
# Tencent Cloud SMS (academy/sms/tencent.py): keys, the app, the approved signature,
# and one approved template id per kind (JSON, or "kind=id,kind=id").
ACADEMY_SMS_TENCENT_SECRET_ID = os.environ.get("ACADEMY_SMS_TENCENT_SECRET_ID", "")
ACADEMY_SMS_TENCENT_SECRET_KEY = os.environ.get("ACADEMY_SMS_TENCENT_SECRET_KEY", "")
ACADEMY_SMS_TENCENT_SDK_APP_ID = os.environ.get("ACADEMY_SMS_TENCENT_SDK_APP_ID", "")
ACADEMY_SMS_TENCENT_SIGN_NAME = os.environ.get("ACADEMY_SMS_TENCENT_SIGN_NAME", "店主商学院")
ACADEMY_SMS_TENCENT_REGION = os.environ.get("ACADEMY_SMS_TENCENT_REGION", "ap-guangzhou")
# The API's host, or a full URL (http://127.0.0.1:PORT for the fake server in devservers/).
ACADEMY_SMS_ENDPOINT = os.environ.get("ACADEMY_SMS_ENDPOINT", "sms.tencentcloudapi.com")


def _sms_templates(value):
    value = value.strip()
    if not value:
        return {}
    if value.startswith("{"):
        import json

        try:
            parsed = json.loads(value)
        except ValueError as exc:
            _fail("ACADEMY_SMS_TEMPLATES", f"is not valid JSON ({exc})")
        if not isinstance(parsed, dict):
            _fail("ACADEMY_SMS_TEMPLATES", "must be a JSON object of kind to template id")
        return {str(kind): str(template) for kind, template in parsed.items()}
    templates = {}
    for part in value.split(","):
        kind, sep, template = part.partition("=")
        if not sep or not kind.strip() or not template.strip():
            _fail("ACADEMY_SMS_TEMPLATES", f"must read kind=id,kind=id, not {part!r}")
        templates[kind.strip()] = template.strip()
    return templates


ACADEMY_SMS_TEMPLATES = _sms_templates(os.environ.get("ACADEMY_SMS_TEMPLATES", ""))
if ACADEMY_SMS_BACKEND == "tencent" and not DEBUG:
    for _name in (
        "ACADEMY_SMS_TENCENT_SECRET_ID",
        "ACADEMY_SMS_TENCENT_SECRET_KEY",
        "ACADEMY_SMS_TENCENT_SDK_APP_ID",
        "ACADEMY_SMS_TENCENT_SIGN_NAME",
    ):
        if not globals()[_name]:
            _fail(_name, "must be set when ACADEMY_SMS_BACKEND=tencent")
    if "login_code" not in ACADEMY_SMS_TEMPLATES:
        _fail("ACADEMY_SMS_TEMPLATES", "must name the login_code template when SMS is on")
ACADEMY_DEV_OUTBOX = Path(os.environ.get("ACADEMY_DEV_OUTBOX", str(VAR_DIR / "dev-outbox.jsonl")))

# The official account (服务号) shopkeepers follow: OAuth inside WeChat, template
# messages, JS-SDK. WEIXIN_APP_ID/SECRET below are the website app of the QR login.
# Both belong to one open-platform account, so WeChat gives the same unionid in both.
WEIXIN_MP_APP_ID = os.environ.get("WEIXIN_MP_APP_ID", "")
WEIXIN_MP_APP_SECRET = os.environ.get("WEIXIN_MP_APP_SECRET", "")
WEIXIN_APP_ID = os.environ.get("WEIXIN_APP_ID", "")
WEIXIN_APP_SECRET = os.environ.get("WEIXIN_APP_SECRET", "")
# Where WeChat answers: its consent pages and its API.
WEIXIN_OPEN_BASE_URL = os.environ.get("WEIXIN_OPEN_BASE_URL", "https://open.weixin.qq.com")
WEIXIN_API_BASE_URL = os.environ.get("WEIXIN_API_BASE_URL", "https://api.weixin.qq.com")
# Development without the platform's keys: sign in through the local fake WeChat
# (devservers/wechat.py, started by `make run`) with its demo apps.
WEIXIN_DEV_FAKE_URL = os.environ.get("WEIXIN_DEV_FAKE_URL", "").rstrip("/")
if DEBUG and WEIXIN_DEV_FAKE_URL and not (WEIXIN_APP_ID or WEIXIN_MP_APP_ID):
    WEIXIN_APP_ID, WEIXIN_APP_SECRET = "wxdemowebsite000", "demo-website-secret"
    WEIXIN_MP_APP_ID, WEIXIN_MP_APP_SECRET = "wxdemoofficial00", "demo-official-secret"
    WEIXIN_OPEN_BASE_URL = WEIXIN_API_BASE_URL = WEIXIN_DEV_FAKE_URL
WEIXIN_OPEN_BASE_URL = WEIXIN_OPEN_BASE_URL.rstrip("/")
WEIXIN_API_BASE_URL = WEIXIN_API_BASE_URL.rstrip("/")
for _app_id, _secret in (
    ("WEIXIN_APP_ID", "WEIXIN_APP_SECRET"),
    ("WEIXIN_MP_APP_ID", "WEIXIN_MP_APP_SECRET"),
):
    if not DEBUG and globals()[_app_id] and not globals()[_secret]:
        _fail(_secret, f"must be set when {_app_id} is")
if (
    not DEBUG
    and ACADEMY_WECHAT_BACKEND == "official"
    and not (WEIXIN_MP_APP_ID and WEIXIN_MP_APP_SECRET)
):
    _fail(
        "WEIXIN_MP_APP_ID",
        "and WEIXIN_MP_APP_SECRET must be set when ACADEMY_WECHAT_BACKEND=official",
    )
# Template ids of the official account, one per notice kind: "kind=id,kind=id".
ACADEMY_WECHAT_TEMPLATES = {}
for _pair in env_list("ACADEMY_WECHAT_TEMPLATES"):
    _kind, _sep, _template_id = _pair.partition("=")
    if not (_sep and _kind.strip() and _template_id.strip()):
        _fail("ACADEMY_WECHAT_TEMPLATES", f"must be kind=template_id pairs, not {_pair!r}")
    ACADEMY_WECHAT_TEMPLATES[_kind.strip()] = _template_id.strip()
SOCIALACCOUNT_PROVIDERS = {
    # One provider for both apps (academy/wechat/provider.py): the official account's
    # OAuth inside WeChat, the website's QR login elsewhere. Off unless a key is given.
    "wechat": {
        "APPS": [
            app
            for app in (
                {"client_id": WEIXIN_APP_ID, "secret": WEIXIN_APP_SECRET, "settings": {}},
                {
                    "client_id": WEIXIN_MP_APP_ID,
                    "secret": WEIXIN_MP_APP_SECRET,
                    "settings": {"official": True, "hidden": bool(WEIXIN_APP_ID)},
                },
            )
            if app["client_id"]
        ],
    }
}
SOCIALACCOUNT_ADAPTER = "academy.adapters.SocialAccountAdapter"
# A new WeChat user sees the sign-up form once (her name, mobile number, shop ID;
# the number verified by a texted code); WeChat gives no e-mail address.
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_FORMS = {
    "signup": "academy.wechat.forms.WeChatSignupForm",
    "disconnect": "academy.wechat.forms.WeChatDisconnectForm",
}
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "optional"

# --- e-mail -----------------------------------------------------------------------

# Every message goes through academy.mail.EmailBackend (Message-ID on the site's
# domain, one-line subject, an HTML part), which hands it to this transport.
ACADEMY_EMAIL_TRANSPORT = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_BACKEND = "academy.mail.EmailBackend"
# The file-based backend (django.core.mail.backends.filebased.EmailBackend) writes here.
EMAIL_FILE_PATH = os.environ.get("DJANGO_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "店主商学院 <academy@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- languages and time ----------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
LANGUAGE_COOKIE_NAME = "academy_language"
# Our words for strings of Wagtail, allauth and the other apps where theirs are
# missing or say something else: merged last, so this catalogue wins everywhere.
LOCALE_PATHS = [BASE_DIR / "locale"]
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES[:1]

# --- static and media ------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
if DEBUG or TESTING:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Several web nodes share media through S3-compatible object storage. Files are
# private (signed URLs); lesson files are still served through permission checks.
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MEDIA_S3_REGION") or None,
            "access_key": os.environ.get("MEDIA_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("MEDIA_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 600,
            # Version 4 signatures: every S3-compatible store accepts them, not all take v2.
            "signature_version": "s3v4",
            "file_overwrite": False,
        },
    }
# How a permission-checked file reaches the browser (academy/delivery.py): "django"
# streams it from the web worker (development), "accel" hands it to the front nginx
# with X-Accel-Redirect (production on one machine's disk, deploy/nginx/), "s3"
# redirects to a signed URL of the object storage (production with MEDIA_S3_BUCKET).
ACADEMY_FILE_DELIVERY = os.environ.get("ACADEMY_FILE_DELIVERY") or (
    "s3" if MEDIA_S3_BUCKET else "django" if DEBUG or TESTING else "accel"
)
if ACADEMY_FILE_DELIVERY not in {"django", "accel", "s3"}:
    _fail("ACADEMY_FILE_DELIVERY", f"must be django, accel or s3, not {ACADEMY_FILE_DELIVERY!r}")
if ACADEMY_FILE_DELIVERY == "s3" and not MEDIA_S3_BUCKET:
    _fail("ACADEMY_FILE_DELIVERY", "is s3, but MEDIA_S3_BUCKET is not set")
if ACADEMY_FILE_DELIVERY == "accel" and MEDIA_S3_BUCKET:
    _fail("ACADEMY_FILE_DELIVERY", "is accel, but files are in object storage (MEDIA_S3_BUCKET)")
# The front server's internal location that aliases MEDIA_ROOT.
ACADEMY_ACCEL_PREFIX = os.environ.get("ACADEMY_ACCEL_PREFIX", "/_protected/")
if not (ACADEMY_ACCEL_PREFIX.startswith("/") and ACADEMY_ACCEL_PREFIX.endswith("/")):
    _fail("ACADEMY_ACCEL_PREFIX", f"must start and end with /, not {ACADEMY_ACCEL_PREFIX!r}")
# How long a signed object-storage URL handed to a player or a download stays valid.
ACADEMY_SIGNED_URL_SECONDS = env_int("ACADEMY_SIGNED_URL_SECONDS", 300)
if not 10 <= ACADEMY_SIGNED_URL_SECONDS <= 7 * 24 * 3600:
    _fail("ACADEMY_SIGNED_URL_SECONDS", "must be between 10 seconds and 7 days")
# Wagtail's document view sends local files through academy.delivery.sendfile.
SENDFILE_BACKEND = "academy.delivery"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Wagtail ------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "店主商学院"
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
# Password resets go through allauth, which hides who has an account and is rate-limited.
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "pptx", "xlsx", "txt", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# After the permission hooks: local files through SENDFILE_BACKEND, files on the object
# storage by a redirect to their signed URL (Wagtail picks by the storage).
WAGTAILDOCS_SERVE_METHOD = None
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# Video links: the Chinese platforms by their player address, then oEmbed (YouTube, Vimeo…).
WAGTAILEMBEDS_FINDERS = [
    {"class": "courses.embeds.ChineseVideoFinder"},
    {"class": "wagtail.embeds.finders.oembed"},
]
# Uploaded lesson video and audio: the types phones play, and a size limit.
WAGTAILMEDIA = {
    "MEDIA_FORM_BASE": "courses.admin_forms.LessonMediaForm",
    "AUDIO_EXTENSIONS": ["mp3", "m4a", "aac"],
    "VIDEO_EXTENSIONS": ["mp4", "m4v", "webm", "mov"],
}
ACADEMY_MEDIA_MAX_UPLOAD_SIZE = env_int("ACADEMY_MEDIA_MAX_UPLOAD_SIZE", 500 * 1024 * 1024)
# Each upload is converted to HLS (360p and up to 720p, or AAC for audio) by a task on
# the "video" queue, so long conversions never delay reminders (courses/video/).
ACADEMY_FFMPEG = os.environ.get("ACADEMY_FFMPEG", "ffmpeg")
ACADEMY_FFPROBE = os.environ.get("ACADEMY_FFPROBE", "ffprobe")
# One conversion is stopped after this long.
ACADEMY_VIDEO_TIMEOUT_MINUTES = env_int("ACADEMY_VIDEO_TIMEOUT_MINUTES", 180)
# A conversion that shows no progress for this long lost its worker and is sent again,
# up to this many attempts.
ACADEMY_VIDEO_STALE_MINUTES = env_int("ACADEMY_VIDEO_STALE_MINUTES", 10)
ACADEMY_VIDEO_MAX_ATTEMPTS = env_int("ACADEMY_VIDEO_MAX_ATTEMPTS", 3)
# Length of the demo video the seed makes from ffmpeg's test sources.
ACADEMY_DEMO_VIDEO_SECONDS = env_int("ACADEMY_DEMO_VIDEO_SECONDS", 24)
# A viewer's signed playlist links last the video's duration plus this many minutes.
ACADEMY_HLS_LINK_MINUTES = env_int("ACADEMY_HLS_LINK_MINUTES", 120)
CELERY_TASK_ROUTES = {"courses.tasks.transcode_media": {"queue": "video"}}
CELERY_BEAT_SCHEDULE |= {
    # Conversions whose message was lost (broker down, worker killed) are sent again.
    "courses-sweep-media-streams": {
        "task": "courses.tasks.sweep_media_streams",
        "schedule": crontab(minute="*/5"),
    },
}

# A CDN or caching proxy in front of anonymous pages: Wagtail purges a page's
# URLs from it when the page is published.
FRONTEND_CACHE_PURGE_URL = os.environ.get("FRONTEND_CACHE_PURGE_URL", "")
FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID = os.environ.get(
    "FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID", ""
)
WAGTAILFRONTENDCACHE = {}
if FRONTEND_CACHE_PURGE_URL:
    WAGTAILFRONTENDCACHE["proxy"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": FRONTEND_CACHE_PURGE_URL,
    }
if FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID:
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID,
    }
if WAGTAILFRONTENDCACHE:
    INSTALLED_APPS.append("wagtail.contrib.frontend_cache")
# How long the CDN may keep an anonymous page (Cache-Control s-maxage; 0: not at all).
ACADEMY_CDN_SECONDS = env_int("ACADEMY_CDN_SECONDS", 0)

# --- security ----------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Load balancers probe health over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/cms/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "frame-src": ["'self'", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        # WeChat sign-in: the button's form is answered by a redirect to WeChat's consent.
        "form-action": ["'self'", WEIXIN_OPEN_BASE_URL],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Wagtail logs every page action and background task at INFO.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # Certificates: WeasyPrint and its font subsetter log every step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- the academy --------------------------------------------------------------------

# Modules whose ``seed(stdout)`` builds the demo academy, in order.
# How many levels below a team leader her training view shows (1 = direct recruits).
ACADEMY_TEAM_DEPTH = env_int("ACADEMY_TEAM_DEPTH", 2)
# A referral counts for a sign-up this many days after the first card visit.
ACADEMY_REFERRAL_DAYS = 30

ACADEMY_SEEDERS = [
    "academy.demo",
    "courses.demo",
    "courses.live.demo",
    "mentorship.demo",
    "mentorship.starleader.demo",
    "growth.teams.demo",
    "growth.sharecards.demo",
    "growth.metrics.demo",
]
# Benchmarks only: a minimal view (/bench/ping/) to compare every page with, and
# Server-Timing headers with what load tests measure inside the server (academy.timings).
ACADEMY_BENCH_URLS = env_bool("ACADEMY_BENCH_URLS", False)
if ACADEMY_BENCH_URLS:
    MIDDLEWARE.insert(0, "academy.timings.ServerTimingMiddleware")
ACADEMY_DEMO_PASSWORD = "academy-demo-2026"  # noqa: S105 - demo accounts only (DEBUG)

# --- mentorship -----------------------------------------------------------------------


def _minutes_list(name, default):
    values = env_list(name, [str(v) for v in default])
    try:
        minutes = sorted({int(v) for v in values}, reverse=True)
    except ValueError:
        _fail(name, f"must be whole numbers of minutes separated by commas, not {values!r}")
    if any(m <= 0 for m in minutes):
        _fail(name, "must list positive numbers of minutes")
    return minutes


# Reminders before a session, in minutes (both sides, e-mail and in-site).
MENTORSHIP_REMINDER_MINUTES = _minutes_list("MENTORSHIP_REMINDER_MINUTES", [24 * 60, 60])
# Messages stay open this many days after the pair's last session.
MENTORSHIP_MESSAGE_WINDOW_DAYS = env_int("MENTORSHIP_MESSAGE_WINDOW_DAYS", 14)
# Unread messages are announced in a digest after this many minutes.
MENTORSHIP_MESSAGE_DIGEST_DELAY_MINUTES = env_int("MENTORSHIP_MESSAGE_DIGEST_DELAY_MINUTES", 30)
CELERY_BEAT_SCHEDULE |= {
    # Due reminders are rows claimed every minute, never ETA tasks.
    "mentorship-send-due-reminders": {
        "task": "mentorship.tasks.send_due_reminders",
        "schedule": crontab(minute="*"),
    },
    # A booking's follow-ups (notices, reminders) that its request did not write.
    "mentorship-announce-bookings": {
        "task": "mentorship.tasks.announce_bookings",
        "schedule": crontab(minute="*"),
    },
    "mentorship-send-message-digests": {
        "task": "mentorship.tasks.send_message_digests",
        "schedule": crontab(minute="*/10"),
    },
    # Star Leader Program: offers past their deadline, class reminders, guidance summaries.
    "starleader-expire-offers": {
        "task": "mentorship.starleader.tasks.expire_offers",
        "schedule": crontab(minute="*"),
    },
    "starleader-class-reminders": {
        "task": "mentorship.starleader.tasks.send_class_reminders",
        "schedule": crontab(minute="*/10"),
    },
    "starleader-close-guidance": {
        "task": "mentorship.starleader.tasks.close_guidance_months",
        "schedule": crontab(minute=5),
    },
}

# --- live sessions ----------------------------------------------------------------------

# Reminders before a live session, in minutes, to everyone signed up.
LIVE_REMINDER_MINUTES = _minutes_list("LIVE_REMINDER_MINUTES", [24 * 60, 15])
# The join link shows from this many minutes before the start until the end.
LIVE_JOIN_OPENS_MINUTES = env_int("LIVE_JOIN_OPENS_MINUTES", 15)
# Sign-ups notified per transaction, and batches per run of the periodic task.
LIVE_NOTICE_BATCH = env_int("LIVE_NOTICE_BATCH", 500)
LIVE_NOTICE_BATCHES_PER_RUN = env_int("LIVE_NOTICE_BATCHES_PER_RUN", 200)
CELERY_BEAT_SCHEDULE |= {
    # Notices to everyone signed up are rows claimed every minute, in batches.
    "courses-send-live-notices": {
        "task": "courses.tasks.send_live_notices",
        "schedule": crontab(minute="*"),
    },
}
