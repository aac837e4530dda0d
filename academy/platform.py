"""The platform's entry link (进入商学院): reading and making its signed token.

The platform's app opens ``/enter/?token=…`` with a JWT saying which shop she
owns, her level, her region and her team leader's shop. Only the configured
algorithm is accepted (never the one the token's header names, never ``none``);
the audience must be ours, and a token may live at most five minutes.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.errors import DomainError
from academy.models import SHOP_ID_VALIDATOR, ShopkeeperLevel
from academy.regions import PROVINCES

MAX_LIFETIME = timedelta(minutes=5)
# Clocks of the platform and ours may differ a little.
LEEWAY = timedelta(seconds=30)
REQUIRED_CLAIMS = ["exp", "iat", "aud", "jti", "shop_id", "level"]
PROVINCE_NAMES = {name for name, _label in PROVINCES}


class PlatformEntryError(DomainError):
    """An entry link that signs nobody in; nothing was changed. ``status`` is the page's."""

    default_code = "invalid"
    default_message = _(
        "This link to the academy is not valid. Please open the academy again from the "
        "platform's app."
    )
    status = 400


class ExpiredEntryError(PlatformEntryError):
    default_code = "expired"
    default_message = _(
        "This link to the academy has expired: links work for a few minutes only. Please "
        "open the academy again from the platform's app."
    )
    status = 410


class UsedEntryError(PlatformEntryError):
    default_code = "used"
    default_message = _(
        "This link to the academy was already used: each link works once. Please open "
        "the academy again from the platform's app."
    )
    status = 410


class StaffEntryError(PlatformEntryError):
    default_code = "staff"
    default_message = _(
        "Staff accounts do not sign in by the platform's link. Please sign in with your "
        "e-mail address, password and two-factor code."
    )
    status = 403


@dataclass(frozen=True)
class EntryClaims:
    """What a valid entry token says about her shop."""

    jti: str
    shop_id: str
    level: int
    expires_at: object
    province: str = ""
    city: str = ""
    leader_shop_id: str = ""


def _verification_key():
    if settings.ACADEMY_PLATFORM_JWT_ALGORITHM == "RS256":
        return settings.ACADEMY_PLATFORM_JWT_PUBLIC_KEY
    return settings.ACADEMY_PLATFORM_JWT_SECRET


def decode_entry_token(token):
    """The claims of a valid entry token, or PlatformEntryError saying why not."""
    if not settings.ACADEMY_PLATFORM_ENTRY or not token:
        raise PlatformEntryError()
    algorithm = settings.ACADEMY_PLATFORM_JWT_ALGORITHM
    options = {"require": [*REQUIRED_CLAIMS, *(["iss"] if _issuer() else [])]}
    try:
        payload = jwt.decode(
            token,
            _verification_key(),
            algorithms=[algorithm],
            audience=settings.ACADEMY_PLATFORM_JWT_AUDIENCE,
            issuer=_issuer(),
            leeway=LEEWAY,
            options=options,
        )
    except jwt.ExpiredSignatureError:
        raise ExpiredEntryError() from None
    except (jwt.InvalidTokenError, ValueError, TypeError):
        # Wrong signature, audience, issuer or algorithm, a malformed token, or a key
        # of the wrong kind (an HS256 token against an RS256 public key).
        raise PlatformEntryError() from None
    return _claims_from(payload)


def _issuer():
    return settings.ACADEMY_PLATFORM_JWT_ISSUER or None


def _claims_from(payload):
    iat, exp = payload["iat"], payload["exp"]
    if not all(isinstance(value, int | float) for value in (iat, exp)):
        raise PlatformEntryError()
    if exp - iat > MAX_LIFETIME.total_seconds():
        raise PlatformEntryError()  # a long-lived link would be a password in a URL
    shop_id = _shop_id(payload["shop_id"])
    leader = _shop_id(payload["leader_shop_id"]) if payload.get("leader_shop_id") else ""
    level = payload["level"]
    if isinstance(level, bool) or level not in ShopkeeperLevel.values:
        raise PlatformEntryError()
    jti = payload["jti"]
    if not isinstance(jti, str) or not 1 <= len(jti) <= 200:
        raise PlatformEntryError()
    province, city = _region(payload.get("region"))
    return EntryClaims(
        jti=jti,
        shop_id=shop_id,
        level=level,
        expires_at=datetime.fromtimestamp(exp, tz=UTC),
        province=province,
        city=city,
        leader_shop_id=leader,
    )


def _shop_id(value):
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise PlatformEntryError()
    value = str(value)
    try:
        SHOP_ID_VALIDATOR(value)
    except Exception:  # noqa: BLE001 - any failure means a malformed claim
        raise PlatformEntryError() from None
    return value


def _region(region):
    """``{"province": "河南", "city": "周口"}``; an unknown province is dropped, not fatal."""
    if not isinstance(region, dict):
        return "", ""
    province = region.get("province") if region.get("province") in PROVINCE_NAMES else ""
    city = region.get("city") if isinstance(region.get("city"), str) else ""
    return province, city.strip()[:40]


def make_entry_token(*, shop_id, level, leader_shop_id="", region=None, lifetime=MAX_LIFETIME):
    """A token as the platform would sign it (HS256 only): for the demo link and tests."""
    if settings.ACADEMY_PLATFORM_JWT_ALGORITHM != "HS256":
        raise ValueError("Only HS256 links can be made here: RS256 needs the platform's key.")
    now = timezone.now()
    payload = {
        "jti": uuid.uuid4().hex,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "aud": settings.ACADEMY_PLATFORM_JWT_AUDIENCE,
        "shop_id": str(shop_id),
        "level": int(level),
    }
    if settings.ACADEMY_PLATFORM_JWT_ISSUER:
        payload["iss"] = settings.ACADEMY_PLATFORM_JWT_ISSUER
    if leader_shop_id:
        payload["leader_shop_id"] = str(leader_shop_id)
    if region:
        payload["region"] = region
    return jwt.encode(payload, settings.ACADEMY_PLATFORM_JWT_SECRET, algorithm="HS256")
