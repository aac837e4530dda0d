"""The kinds of notice and the channels each may use.

academy registers its own; the apps above register theirs from ``AppConfig.ready()``
(``register(Kind(...))``), so academy never imports them. A kind names the group she
chooses channels for in 通知设置, whether it is time-critical (only those may go by
SMS, whose templates the provider approved one per kind), and whether it is urgent
(sent even in quiet hours).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SITE = "site"
WECHAT = "wechat"
SMS = "sms"
EMAIL = "email"
# Phone channels are tried in this order, one at a time; e-mail goes beside them.
PHONE_CHANNELS = (WECHAT, SMS)
CHANNELS = (SITE, WECHAT, SMS, EMAIL)
CHANNEL_LABELS = {
    SITE: pgettext_lazy("notice channel", "In the academy"),
    WECHAT: pgettext_lazy("notice channel", "WeChat"),
    SMS: pgettext_lazy("notice channel", "Text message"),
    EMAIL: pgettext_lazy("notice channel", "E-mail"),
}


def params(*names):
    """An SMS template's parameters: these entries of the notice's context, in order."""

    def build(context):
        return [context.get(name, "") for name in names]

    return build


def fields(**mapping):
    """A WeChat template's data: its field names mapped to entries of the context."""

    def build(context):
        return {field: context.get(name, "") for field, name in mapping.items()}

    return build


def _title_only(context):
    return [context.get("title", "")]


_wechat_default = fields(first="title", keyword1="name", keyword2="when")


@dataclass(frozen=True)
class Group:
    """Kinds she chooses channels for together (all her bookings, all live sessions…)."""

    name: str
    label: str
    order: int = 50


@dataclass(frozen=True)
class Kind:
    """One kind of notice: its group, its channels and what its templates need.

    ``sms_params(context)`` gives the SMS template's parameters in order;
    ``wechat_data(context)`` the WeChat template's fields. ``context`` holds the
    notice's ``title`` and whatever the caller passed (``name``, ``when``…).
    """

    name: str
    group: str
    time_critical: bool = False
    urgent: bool = False
    channels: frozenset = field(default=frozenset({SITE, WECHAT, EMAIL}))
    sms_params: Callable = _title_only
    wechat_data: Callable = _wechat_default

    def allows(self, channel):
        return channel in self.channels and (channel != SMS or self.time_critical)


_groups: dict[str, Group] = {}
_kinds: dict[str, Kind] = {}

GENERAL = "general"


def register_group(group):
    _groups[group.name] = group
    return group


def register(kind):
    """Add (or replace, by name) a kind; its group must be registered."""
    if kind.group not in _groups:
        raise LookupError(f"Unknown notice group {kind.group!r}")
    _kinds[kind.name] = kind
    return kind


def get(name):
    """The kind called ``name``; unknown or missing names are general notices."""
    return _kinds.get(name or GENERAL) or _kinds[GENERAL]


def all_kinds():
    return list(_kinds.values())


def groups():
    """The groups that have kinds, in their order."""
    used = {kind.group for kind in _kinds.values()}
    return sorted((g for g in _groups.values() if g.name in used), key=lambda g: (g.order, g.name))


def group_allows(group_name, channel):
    """Whether any kind of the group may use ``channel`` (so 通知设置 offers it)."""
    return any(k.allows(channel) for k in _kinds.values() if k.group == group_name)


def group_time_critical(group_name):
    return any(k.time_critical for k in _kinds.values() if k.group == group_name)


TIME_CRITICAL_CHANNELS = frozenset(CHANNELS)
register_group(Group(GENERAL, _("Other notices"), order=90))
register(Kind(GENERAL, GENERAL))
