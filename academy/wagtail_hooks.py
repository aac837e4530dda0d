"""Admin of the academy's shops: verifying shop IDs, and the shop-metrics CSV import."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from academy import shop_admin
from academy.metrics import admin_views


@hooks.register("register_admin_urls")
def register_metrics_admin_urls():
    return [
        path("shop-metrics/import/", admin_views.import_metrics, name="shop_metrics_import"),
        path("shop-ids/", shop_admin.shop_ids, name="academy_shop_ids"),
        path("shop-ids/<int:profile_id>/", shop_admin.decide, name="academy_shop_id_decide"),
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


@hooks.register("register_admin_menu_item")
def register_shop_ids_menu_item():
    return PermissionMenuItem(
        _("Verify shop IDs"),
        reverse("academy_shop_ids"),
        icon_name="user",
        order=170,
        permission=shop_admin.PERMISSION,
    )
