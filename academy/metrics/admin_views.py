"""The shop-metrics import page of the Wagtail admin."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from academy.metrics.importer import MAX_BYTES, ImportRefused, import_bytes
from academy.models import ShopMetricImport

PERMISSION = "academy.import_shop_metrics"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns: shop_id, month (YYYY-MM), gmv, orders, new_recruits, team_size. "
            "UTF-8 or GBK. The months in the file replace what was imported for them before."
        ),
    )


def import_metrics(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            errors = [(None, _("The file is larger than 20 MB."))]
        else:
            try:
                result = import_bytes(upload.read(), filename=upload.name, by=request.user)
            except ImportRefused as refused:
                errors = refused.errors
            else:
                messages.success(
                    request,
                    _("Imported %(rows)s rows for %(months)s.")
                    % {"rows": result.rows, "months": ", ".join(result.months)},
                )
                return redirect("shop_metrics_import")
    return TemplateResponse(
        request,
        "academy/metrics/admin_import.html",
        {
            "form": form,
            "errors": errors,
            "recent": ShopMetricImport.objects.select_related("imported_by")[:10],
        },
    )
