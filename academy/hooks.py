"""Points where the apps above ``academy`` take part in its use cases.

``academy`` imports none of the apps built on it (courses, mentorship, growth).
When one of its services does something those apps must follow — a shopkeeper
changes team, a shop ID is verified — the service calls the functions the apps
registered here in their ``AppConfig.ready()``, inside its own transaction, so
both happen or neither does. Like Wagtail's hooks, and unlike model signals, each
point is called by exactly one service, on purpose.
"""

from collections import defaultdict

# fn(profile): her team leader changed (``profile.team_leader`` is the new one).
TEAM_CHANGED = "team_changed"
# fn(profile): staff verified that she owns her shop ID.
SHOP_VERIFIED = "shop_verified"
# fn(profile): staff took that verification back.
SHOP_UNVERIFIED = "shop_unverified"
# fn(user) -> ShopkeeperProfile | None: the leader to suggest on her first profile.
SUGGEST_LEADER = "suggest_leader"

_registry = defaultdict(list)


def register(point, fn):
    """Call ``fn`` at ``point`` (registering the same function twice keeps one)."""
    if fn not in _registry[point]:
        _registry[point].append(fn)


def run(point, *args, **kwargs):
    """Call every function registered at ``point``, in the order they were registered."""
    for fn in _registry[point]:
        fn(*args, **kwargs)


def first(point, *args, **kwargs):
    """The first answer other than None of the functions registered at ``point``."""
    for fn in _registry[point]:
        answer = fn(*args, **kwargs)
        if answer is not None:
            return answer
    return None
