"""Shop results beside learning: the shopkeeper's own, her mentor's view, staff comparisons."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from academy.access import staff_required
from academy.exports import csv_response
from academy.models import ShopkeeperProfile, User
from courses import catalogue
from growth import access
from growth.metrics import selectors


def _month_header():
    return [
        _("Month"),
        _("Sales (yuan)"),
        _("Orders"),
        _("New recruits"),
        _("Team size"),
        _("Learning"),
    ]


def _show(request, shopkeeper, *, own):
    profile = getattr(shopkeeper, "shopkeeper_profile", None)
    if profile is None or not access.can_see_sales(request.user, shopkeeper):
        raise Http404
    if not profile.shop_verified:
        # An unproven shop ID shows no sales, in a page or a file: say why instead.
        return render(
            request,
            "growth/metrics/results.html",
            {"unverified": True, "shopkeeper": shopkeeper, "own": own},
        )
    results = selectors.results_of(profile)
    if request.GET.get("format") == "csv":
        return csv_response(
            f"shop-{profile.shop_id}.csv",
            _month_header(),
            [
                [
                    m.month.strftime("%Y-%m"),
                    m.gmv,
                    m.orders,
                    m.new_recruits,
                    m.team_size,
                    "; ".join(texts),
                ]
                for m, texts in results.table()
            ],
        )
    return render(
        request,
        "growth/metrics/results.html",
        {"results": results, "shopkeeper": shopkeeper, "own": own},
    )


@login_required
def mine(request):
    return _show(request, request.user, own=True)


@login_required
def shopkeeper(request, user_id):
    user = get_object_or_404(User, pk=user_id)
    return _show(request, user, own=user.pk == request.user.pk)


@staff_required(access.can_view_growth_reports)
def courses(request):
    cat = catalogue.get()
    nodes = [c for tier in cat.tiers for c in tier.courses]
    rows, first, last = selectors.course_comparisons(nodes)
    if request.GET.get("format") == "csv":
        return csv_response(
            "courses-vs-sales.csv",
            [
                _("Course"),
                _("Completers"),
                _("Median monthly sales, completers"),
                _("Non-completers"),
                _("Median monthly sales, non-completers"),
            ],
            [
                [
                    r.title,
                    r.completers,
                    r.completer_medians["gmv"],
                    r.others,
                    r.other_medians["gmv"],
                ]
                for r in rows
            ],
        )
    shops = ShopkeeperProfile.objects.filter(shop_months__isnull=False).distinct().count()
    return render(
        request,
        "growth/metrics/courses.html",
        {"rows": rows, "first": first, "last": last, "shops": shops},
    )
