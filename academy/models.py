"""Accounts, profiles, the home page and notifications of the academy."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from academy import sections

SHOP_ID_VALIDATOR = RegexValidator(
    r"^\d{6,12}$", _("A shop ID is 6 to 12 digits, as shown in the shop app.")
)


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value})


class AcademyUserManager(UserManager):
    """Users log in with their e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account: shopkeeper, mentor, editor, staff or admin.

    The e-mail address is the login identifier and is unique regardless of case;
    accounts made by the platform's entry link have none until she adds one.
    """

    username = None
    # Empty (NULL) for a shopkeeper who came in by the platform's entry link: she
    # may add an address later. Unique when present.
    email = models.EmailField(_("e-mail address"), unique=True, null=True, blank=True)
    display_name = models.CharField(_("display name"), max_length=40, blank=True)
    # A mainland mobile in E.164 (academy/phones.py), unique when set; verified once she
    # has typed a code texted to it, and only then may it sign her in.
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    phone_verified = models.BooleanField(_("mobile phone verified"), default=False)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = AcademyUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="academy_user_email_ci_unique"),
            models.UniqueConstraint(
                fields=["phone"], condition=~Q(phone=""), name="academy_user_phone_unique"
            ),
        ]

    def __str__(self):
        return self.get_full_name()

    def get_full_name(self):
        return self.display_name or self.email or _("account %(pk)s") % {"pk": self.pk}

    def get_short_name(self):
        if self.display_name or not self.email:
            return self.get_full_name()
        return self.email.split("@")[0]

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)


class ShopkeeperLevel(models.IntegerChoices):
    V1 = 1, _("V1 new shopkeeper")
    V2 = 2, _("V2 shopkeeper")
    V3 = 3, _("V3 gold shopkeeper")
    V4 = 4, _("V4 manager")
    V5 = 5, _("V5 director")


class ShopkeeperProfile(models.Model):
    """The platform shop behind a shopkeeper account; one per user.

    A shop ID typed at sign-up is only a claim: several accounts may claim one ID,
    and only one of them can hold it verified (by staff, or by the platform's signed
    entry link: then ``shop_verified_by`` stays empty). Shop results and the level
    come only with a verified ID.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="shopkeeper_profile",
        verbose_name=_("user"),
    )
    shop_id = models.CharField(
        _("shop ID"), max_length=12, db_index=True, validators=[SHOP_ID_VALIDATOR]
    )
    shop_verified = models.BooleanField(_("shop ID verified"), default=False)
    shop_verified_at = models.DateTimeField(_("shop ID verified at"), null=True, blank=True)
    shop_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shop ID verified by"),
    )
    level = models.PositiveSmallIntegerField(
        _("shopkeeper level"), choices=ShopkeeperLevel.choices, default=ShopkeeperLevel.V1
    )
    province = models.CharField(_("province"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=40, blank=True)
    team_leader = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recruits",
        verbose_name=_("team leader"),
    )
    # Her team as the platform said it (entry link or shop list): no longer hers to edit.
    team_from_platform = models.BooleanField(_("team set by the platform"), default=False)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    completed_at = models.DateTimeField(_("profile completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("shopkeeper profile")
        verbose_name_plural = _("shopkeeper profiles")
        indexes = [models.Index(fields=["province", "city"], name="academy_profile_region")]
        permissions = [("verify_shop_ids", _("Can verify shop IDs and set shopkeeper levels"))]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(team_leader=models.F("id")),
                name="academy_profile_not_own_leader",
            ),
            models.UniqueConstraint(
                fields=["shop_id"],
                condition=models.Q(shop_verified=True),
                name="academy_one_verified_profile_per_shop",
            ),
            models.CheckConstraint(
                condition=models.Q(shop_verified=False) | models.Q(shop_verified_at__isnull=False),
                name="academy_profile_verified_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.shop_id})"

    @property
    def region(self):
        return " ".join(part for part in (self.province, self.city) if part)

    @property
    def is_complete(self):
        return self.completed_at is not None


class PlatformEntry(models.Model):
    """One opened entry link of the platform: its ``jti`` may sign someone in once.

    The row is written in the transaction that signs her in, so the unique ``jti``
    refuses a replay even when the same link is opened twice at once. Rows are
    kept until the token would have expired anyway, then pruned.
    """

    jti = models.CharField(_("token ID"), max_length=200, unique=True)
    shop_id = models.CharField(_("shop ID"), max_length=12)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    used_at = models.DateTimeField(_("used at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("platform entry")
        verbose_name_plural = _("platform entries")

    def __str__(self):
        return f"{self.shop_id} ({self.jti})"


class MentorKind(models.TextChoices):
    STAR = "star", _("Star mentor")
    OFFICIAL = "official", _("Official mentor")
    EXPERT = "expert", _("Community-operations expert")


class MentorProfile(models.Model):
    """What mentees and staff need to know of a mentor; one per user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentor_profile",
        verbose_name=_("user"),
    )
    kind = models.CharField(
        _("kind of mentor"), max_length=16, choices=MentorKind.choices, default=MentorKind.STAR
    )
    headline = models.CharField(_("headline"), max_length=80, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    specialities = models.JSONField(_("specialities"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    capacity = models.PositiveSmallIntegerField(
        _("mentee capacity"), default=10, help_text=_("How many mentees at once.")
    )
    is_active = models.BooleanField(_("accepting mentees"), default=True)

    class Meta:
        verbose_name = _("mentor profile")
        verbose_name_plural = _("mentor profiles")
        permissions = [("act_as_mentor", _("Can act as a mentor"))]

    def __str__(self):
        return str(self.user)

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)


class HomePage(Page):
    """The academy's front page: tiers, live sessions and the Star Leader Program."""

    hero_title = models.CharField(_("headline"), max_length=80, blank=True)
    hero_text = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    # Shown until the live-session and Star Leader pages provide real listings.
    live_teaser = RichTextField(
        _("live sessions teaser"), blank=True, features=["bold", "ul", "link"]
    )
    program_teaser = RichTextField(
        _("Star Leader Program teaser"), blank=True, features=["bold", "ul", "link"]
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("live_teaser"),
        FieldPanel("program_teaser"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    @property
    def meta_description(self):
        return self.hero_text or self.hero_title

    def get_context(self, request, *args, **kwargs):
        from academy import userpages

        # The Star Leader section shows the next cohort open for applications.
        userpages.cache_page(request, "cohorts")
        context = super().get_context(request, *args, **kwargs)
        context["top_sections"] = sections.render_context(sections.HOME_TOP, request, page=self)
        context["sections"] = sections.render_context(sections.HOME, request, page=self)
        return context


class Notification(models.Model):
    """An in-site notice; ``key`` makes sending the same notice twice a no-op."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=200, unique=True)
    # academy.notices.kinds: which channels it may use, and the delivery figures.
    kind = models.CharField(_("kind"), max_length=40, default="general")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="academy_notice_user"),
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="academy_notice_unread",
            ),
        ]

    def __str__(self):
        return self.title


class OutboundEmail(models.Model):
    """An e-mail waiting to be sent (an outbox row).

    Written in the same transaction as what caused it, so a broker outage never
    loses a notice; ``key`` is unique so the same notice is queued only once, and
    ``sent_at`` is set exactly once by the relay that claims the row.
    """

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40, default="general")
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("outbound e-mail")
        verbose_name_plural = _("outbound e-mails")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True),
                name="academy_outbox_due",
            )
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"


from academy.notices.models import (  # noqa: E402 - the notices package's models
    ChannelState,
    Delivery,
    NoticePreference,
)

__all__ = [
    "ChannelState",
    "Delivery",
    "HomePage",
    "MentorKind",
    "MentorProfile",
    "NoticePreference",
    "Notification",
    "OutboundEmail",
    "ShopkeeperLevel",
    "ShopkeeperProfile",
    "User",
]
