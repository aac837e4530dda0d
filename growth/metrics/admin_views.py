"""The shop-metrics import page of the Wagtail admin.

A file adds or updates its shops' months at once. Replacing whole months is
ticked explicitly: the page then shows how many rows of how many shops would
go, keeps the file for half an hour, and deletes only when staff confirm.
"""

import secrets

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from academy.access import staff_required
from academy.imports import MAX_BYTES, ImportRefused, too_large
from growth import access
from growth.metrics import importer
from growth.metrics.importer import PreviewChanged
from growth.models import ShopMetricImport

PENDING_SECONDS = 30 * 60


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns: 店铺ID, 月份 (2026-11 or 2026年11月), 销售额, 订单数, 新增招募, 团队人数. "
            "UTF-8 or GBK. Each row adds or updates its shop's month; other shops' figures "
            "are kept."
        ),
    )
    replace_months = forms.BooleanField(
        label=gettext_lazy("Replace the months in the file"),
        required=False,
        help_text=gettext_lazy(
            "Also delete, for the months in the file, the figures the file has no row for. "
            "You see how many rows of how many shops go before anything is deleted."
        ),
    )


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    expect_removed = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _pending_key(token):
    return f"metrics-import:{token}"


def _keep(request, filename, data):
    token = secrets.token_urlsafe(24)
    cache.set(
        _pending_key(token),
        {"user": request.user.pk, "filename": filename, "data": data},
        PENDING_SECONDS,
    )
    return token


def _preview(request, plan, token, *, changed=False):
    return TemplateResponse(
        request,
        "growth/metrics/admin_import_confirm.html",
        {
            "plan": plan,
            "summary": importer.describe_plan(plan),
            "changed": changed,
            "confirm": ConfirmForm(initial={"token": token, "expect_removed": plan.removed}),
        },
    )


@staff_required(access.can_import_shop_metrics)
def import_metrics(request):
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        replace = form.cleaned_data["replace_months"]
        try:
            if upload.size > MAX_BYTES:
                raise too_large()
            data = upload.read()
            if replace:
                plan = importer.plan(data, replace_months=True)
                return _preview(request, plan, _keep(request, upload.name, data))
            result = importer.import_bytes(data, filename=upload.name, by=request.user)
        except ImportRefused as refused:
            errors = refused.errors
        else:
            messages.success(request, importer.describe_result(result))
            return redirect("shop_metrics_import")
    return TemplateResponse(
        request,
        "growth/metrics/admin_import.html",
        {
            "form": form,
            "errors": errors,
            "recent": ShopMetricImport.objects.select_related("imported_by")[:10],
        },
    )


def _confirm(request):
    form = ConfirmForm(request.POST)
    pending = cache.get(_pending_key(request.POST.get("token", ""))) if form.is_valid() else None
    if pending is None or pending["user"] != request.user.pk:
        messages.error(request, _("The preview has expired. Choose the file again."))
        return redirect("shop_metrics_import")
    token = form.cleaned_data["token"]
    try:
        result = importer.import_bytes(
            pending["data"],
            filename=pending["filename"],
            by=request.user,
            replace_months=True,
            expect_removed=form.cleaned_data["expect_removed"],
        )
    except PreviewChanged as changed:
        return _preview(request, changed.plan, token, changed=True)
    except ImportRefused as refused:
        cache.delete(_pending_key(token))
        for _line, message in refused.errors:
            messages.error(request, message)
        return redirect("shop_metrics_import")
    cache.delete(_pending_key(token))
    messages.success(request, importer.describe_result(result))
    return redirect("shop_metrics_import")
