"""Certificates (结业证书) of courses, tiers and programs, with a public verification code.

One model for every kind so later programs (the Star Leader Program's
graduation) issue theirs through the same service, PDF and verification page.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CertificateKind(models.TextChoices):
    COURSE = "course", _("Course")
    TIER = "tier", _("Tier")
    PROGRAM = "program", _("Program")


def new_code():
    # 144 random bits: codes cannot be guessed or enumerated.
    return secrets.token_urlsafe(18)


def certificate_path(instance, filename):
    return f"certificates/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.pdf"


class Certificate(models.Model):
    """A certificate held by a learner; one per (learner, kind, subject).

    Title and holder name are stored as issued, so the certificate stays true
    when the course is renamed or deleted.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("holder"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    subject_key = models.CharField(pgettext_lazy("certificate", "subject"), max_length=100)
    title = models.CharField(_("title"), max_length=255)
    holder_name = models.CharField(_("holder name"), max_length=100)
    code = models.CharField(_("verification code"), max_length=32, unique=True, default=new_code)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course"),
    )
    tier = models.ForeignKey(
        "courses.TierPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tier"),
    )
    pdf = models.FileField(_("PDF"), upload_to=certificate_path, blank=True)
    pdf_generated_at = models.DateTimeField(_("PDF generated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "subject_key"], name="courses_one_certificate_per_subject"
            ),
        ]
        indexes = [models.Index(fields=["user", "-issued_at"], name="courses_cert_user_recent")]

    def __str__(self):
        return f"{self.holder_name} · {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("courses:certificate_verify", args=[self.code])
