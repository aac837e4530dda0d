"""Shop metrics per shop and month, and the record of each import."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ShopMonth(models.Model):
    """One shop's results in one month (``month`` is its first day); one row per shop and month.

    Rows belong to the platform's shop ID. ``profile`` is the account holding that
    ID verified, or empty while nobody does: an unproven claim sees no sales.
    """

    shop_id = models.CharField(_("shop ID"), max_length=12)
    profile = models.ForeignKey(
        "academy.ShopkeeperProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shop_months",
        verbose_name=_("shopkeeper"),
    )
    month = models.DateField(_("month"))
    gmv = models.DecimalField(_("sales (GMV, yuan)"), max_digits=14, decimal_places=2)
    orders = models.PositiveIntegerField(_("orders"))
    new_recruits = models.PositiveIntegerField(_("new recruits"))
    team_size = models.PositiveIntegerField(_("team size"))
    imported = models.ForeignKey(
        "growth.ShopMetricImport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rows",
        verbose_name=_("import"),
    )

    class Meta:
        db_table = "academy_shopmonth"  # kept from when it was part of academy
        verbose_name = _("shop month")
        verbose_name_plural = _("shop months")
        ordering = ["shop_id", "month"]
        permissions = [
            ("view_growth_reports", _("Can see shop results, comparisons and top sharers")),
            ("import_shop_metrics", _("Can import shop metrics")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["shop_id", "month"], name="academy_one_row_per_shop_id_month"
            ),
            models.CheckConstraint(condition=models.Q(gmv__gte=0), name="academy_shop_month_gmv"),
        ]
        indexes = [models.Index(fields=["month"], name="academy_shop_month_month")]

    def __str__(self):
        return f"{self.shop_id} {self.month:%Y-%m}"

    def save(self, *args, **kwargs):
        if not self.shop_id and self.profile_id:
            self.shop_id = self.profile.shop_id
        super().save(*args, **kwargs)


class ShopMetricImport(models.Model):
    """Who imported which file for which months: rows added, updated and deleted."""

    filename = models.CharField(_("file"), max_length=200)
    months = models.JSONField(_("months"), default=list)
    row_count = models.PositiveIntegerField(_("rows"))
    created_count = models.PositiveIntegerField(_("rows added"), default=0)
    updated_count = models.PositiveIntegerField(_("rows updated"), default=0)
    replace_months = models.BooleanField(_("months replaced"), default=False)
    removed_count = models.PositiveIntegerField(_("rows deleted"), default=0)
    encoding = models.CharField(_("encoding"), max_length=20)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        db_table = "academy_shopmetricimport"  # kept from when it was part of academy
        verbose_name = _("shop metrics import")
        verbose_name_plural = _("shop metrics imports")
        ordering = ["-imported_at"]

    def __str__(self):
        return self.filename


__all__ = ["ShopMetricImport", "ShopMonth"]
