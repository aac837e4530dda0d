"""Admin of the academy's shop metrics: the CSV import page and its menu item."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from academy.metrics import admin_views


@hooks.register("register_admin_urls")
def register_metrics_admin_urls():
    return [
        path("shop-metrics/import/", admin_views.import_metrics, name="shop_metrics_import"),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def register_metrics_menu_item():
    return PermissionMenuItem(
        _("Shop metrics"),
        reverse("shop_metrics_import"),
        icon_name="table",
        order=180,
        permission=admin_views.PERMISSION,
    )
