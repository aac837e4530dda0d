"""Admin of the academy: verifying shop IDs, notice delivery figures."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from academy import shop_admin
from academy.access import PermissionMenuItem, has_permission
from academy.notices import views as notice_views


@hooks.register("register_admin_urls")
def register_shop_admin_urls():
    return [
        path("shop-ids/", shop_admin.shop_ids, name="academy_shop_ids"),
        path("shop-ids/<int:profile_id>/", shop_admin.decide, name="academy_shop_id_decide"),
        path("notice-deliveries/", notice_views.delivery_figures, name="academy_notice_figures"),
    ]


@hooks.register("register_admin_menu_item")
def register_shop_ids_menu_item():
    return PermissionMenuItem(
        _("Verify shop IDs"),
        reverse("academy_shop_ids"),
        icon_name="user",
        order=170,
        check=has_permission(shop_admin.PERMISSION),
    )


@hooks.register("register_admin_menu_item")
def register_notice_figures_menu_item():
    return PermissionMenuItem(
        _("Notice deliveries"),
        reverse("academy_notice_figures"),
        icon_name="mail",
        order=175,
        check=notice_views.can_view_figures,
    )
