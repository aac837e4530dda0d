"""Admin of growth: the shop-metrics CSV import."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from academy.access import PermissionMenuItem
from growth import access
from growth.metrics import admin_views


@hooks.register("register_admin_urls")
def register_metrics_admin_urls():
    return [
        path("shop-metrics/import/", admin_views.import_metrics, name="shop_metrics_import"),
    ]


@hooks.register("register_admin_menu_item")
def register_metrics_menu_item():
    return PermissionMenuItem(
        _("Shop metrics"),
        reverse("shop_metrics_import"),
        icon_name="table",
        order=180,
        check=access.can_import_shop_metrics,
    )
