"""通知设置 (her channels per kind of notice), delivery figures for staff, the dev outbox."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from academy import access, devoutbox
from academy.notices import delivery, kinds

PERMISSION = "academy.view_delivery_figures"
can_view_figures = access.has_permission(PERMISSION)
PERIODS = (1, 7, 30, 90)
CHOOSABLE = (kinds.WECHAT, kinds.SMS, kinds.EMAIL)


def field_name(group, channel):
    return f"{group}__{channel}"


class NoticeSettingsForm(forms.Form):
    """One checkbox per group of kinds and channel the group may use."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = delivery.choices_of([user.pk]).get(user.pk, {})
        self.rows = []
        for group in kinds.groups():
            cells = []
            for channel in CHOOSABLE:
                if not kinds.group_allows(group.name, channel):
                    cells.append((channel, None))
                    continue
                name = field_name(group.name, channel)
                self.fields[name] = forms.BooleanField(
                    required=False,
                    label=kinds.CHANNEL_LABELS[channel],
                    initial=delivery.enabled(chosen, group.name, channel),
                )
                cells.append((channel, name))
            self.rows.append((group, cells))

    def choices(self):
        """{(group, channel): on} from the submitted form."""
        result = {}
        for name, value in self.cleaned_data.items():
            group, channel = name.split("__")
            result[group, channel] = value
        return result

    def table(self):
        return [
            (group, [(channel, self[name] if name else None) for channel, name in cells])
            for group, cells in self.rows
        ]


@login_required
def notice_settings(request):
    data = request.POST if request.method == "POST" else None
    form = NoticeSettingsForm(data, user=request.user)
    if request.method == "POST" and form.is_valid():
        delivery.save_choices(request.user, form.choices())
        messages.success(request, _("Notice settings saved."))
        return redirect("notice_settings")
    return render(
        request,
        "academy/notice_settings.html",
        {
            "form": form,
            "table": form.table(),
            "channels": [kinds.CHANNEL_LABELS[c] for c in CHOOSABLE],
            "has_email": bool(request.user.email),
            "has_phone": bool(delivery.sms_number(request.user)),
        },
    )


@access.staff_required(can_view_figures)
def delivery_figures(request):
    """Sent, failed, pending and skipped per channel and kind over a period (fixed queries)."""
    try:
        days = int(request.GET.get("days", 7))
    except ValueError:
        days = 7
    if days not in PERIODS:
        days = 7
    since = timezone.now() - timedelta(days=days)
    rows = [
        {
            "channel": kinds.CHANNEL_LABELS.get(channel, channel),
            "kind": kind,
            **counts,
        }
        for (channel, kind), counts in delivery.figures(since)
    ]
    return TemplateResponse(
        request,
        "academy/notice_figures.html",
        {"rows": rows, "days": days, "periods": PERIODS, "since": since},
    )


def dev_outbox(request):
    """What the console backends sent (SMS, WeChat), newest first; only while DEBUG is on."""
    if not settings.DEBUG:
        raise Http404
    channel = request.GET.get("channel") or None
    if channel not in (None, kinds.SMS, kinds.WECHAT):
        channel = None
    return render(
        request,
        "academy/dev_outbox.html",
        {"entries": devoutbox.read(limit=200, channel=channel), "channel": channel},
    )
