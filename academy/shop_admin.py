"""Staff verify shop IDs in the admin (店铺编号核实) and set each shopkeeper's level.

A shop ID typed at sign-up is a claim. Staff check it against the platform and
verify one claimant per ID; her shop's sales then show to her. A later issue
adds the platform's signed link, which verifies without staff.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from academy import services
from academy.models import ShopkeeperLevel, ShopkeeperProfile

PERMISSION = "academy.verify_shop_ids"
PENDING, VERIFIED = "pending", "verified"


class VerifyForm(forms.Form):
    level = forms.TypedChoiceField(
        choices=ShopkeeperLevel.choices, coerce=int, label=gettext_lazy("Shopkeeper level")
    )


def _claims():
    same = (
        ShopkeeperProfile.objects.filter(shop_id=OuterRef("shop_id"))
        .values("shop_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(same[:1]), 0)


def shop_ids(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    show = request.GET.get("show", PENDING)
    if show not in (PENDING, VERIFIED):
        show = PENDING
    query = request.GET.get("q", "").strip()
    profiles = ShopkeeperProfile.objects.filter(shop_verified=show == VERIFIED)
    if query:
        profiles = profiles.filter(Q(shop_id=query) | Q(user__email__iexact=query))
    profiles = (
        profiles.select_related("user", "shop_verified_by")
        .annotate(claims=_claims())
        .order_by("shop_id", "pk")
    )
    page = Paginator(profiles, 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "academy/shop_ids.html",
        {
            "page": page,
            "show": show,
            "query": query,
            "rows": [(p, VerifyForm(initial={"level": p.level}, prefix=f"p{p.pk}")) for p in page],
        },
    )


@require_POST
def decide(request, profile_id):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    profile = get_object_or_404(ShopkeeperProfile.objects.select_related("user"), pk=profile_id)
    back = reverse("academy_shop_ids") + "?" + urlencode({"q": profile.shop_id})
    if request.POST.get("action") == "unverify":
        services.unverify_shop(profile, by=request.user)
        messages.success(
            request,
            _("Verification of %(shop_id)s for %(name)s was undone.")
            % {"shop_id": profile.shop_id, "name": profile.user},
        )
        return redirect(back)
    form = VerifyForm(request.POST, prefix=f"p{profile.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a level from the list."))
        return redirect(back)
    try:
        services.verify_shop(profile, by=request.user, level=form.cleaned_data["level"])
    except services.ShopVerificationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Shop ID %(shop_id)s verified for %(name)s.")
            % {"shop_id": profile.shop_id, "name": profile.user},
        )
    return redirect(back + "&" + urlencode({"show": VERIFIED}))
