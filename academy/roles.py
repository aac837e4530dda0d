"""The roles of the academy, kept as Django groups with explicit permissions.

The groups are created by a data migration (``0002_roles``); apps that add
permissions later grant them in their own migrations with :func:`grant`.
"""

SHOPKEEPER = "shopkeeper"
MENTOR = "mentor"
EDITOR = "editor"
PROGRAM_STAFF = "program_staff"
ADMINISTRATOR = "administrator"

ROLES = [SHOPKEEPER, MENTOR, EDITOR, PROGRAM_STAFF, ADMINISTRATOR]
STAFF_ROLES = {EDITOR, PROGRAM_STAFF, ADMINISTRATOR}


def role_names(user):
    """The role names of a user: once per request object, and kept in the cache a minute."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_academy_roles", None)
    if cached is None:
        from academy import usercache

        names = usercache.get(
            "roles", user.pk, lambda: sorted(user.groups.values_list("name", flat=True))
        )
        cached = frozenset(names)
        if user.is_superuser:
            cached |= {ADMINISTRATOR}
        user._academy_roles = cached
    return cached


def has_role(user, *roles):
    """True if the user has any of ``roles``."""
    return bool(role_names(user) & set(roles))


def has_staff_role(user):
    """True for editors, program staff and administrators: the people who run the academy."""
    return bool(role_names(user) & STAFF_ROLES)


def grant(apps, role, permissions):
    """Give a role permissions named ``"app_label.codename"`` (for data migrations)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=role)
    for name in permissions:
        app_label, codename = name.split(".", 1)
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def ensure_permissions(apps):
    """Create the permission rows now; Django normally does it after all migrations."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
