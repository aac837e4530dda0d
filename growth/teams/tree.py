"""The team tree, read with one recursive query from the ``team_leader`` links.

A recursive common table expression (SQLite and PostgreSQL both have it) walks
down from a leader on every request, so there is no copy of the tree to keep in
sync: moving a member to another leader changes what both leaders see at once.
With the index on ``team_leader_id`` each level is one index scan; a leader with
5,000 members is measured in ``bench/team_tree.py``. The depth bound also stops
the walk should the links ever form a circle.
"""

from django.conf import settings
from django.db import connection
from django.db.models.expressions import RawSQL

from academy.models import ShopkeeperProfile


def default_depth():
    return settings.ACADEMY_TEAM_DEPTH


# The profile table's name is fixed by the model (asserted in the tests); the
# leader's id and the depth are always parameters.
_DEPTHS = (
    "WITH RECURSIVE team(id, depth) AS ("
    " SELECT id, 1 FROM academy_shopkeeperprofile WHERE team_leader_id = %s"
    " UNION ALL"
    " SELECT p.id, team.depth + 1 FROM academy_shopkeeperprofile p"
    " JOIN team ON p.team_leader_id = team.id"
    " WHERE team.depth < %s)"
    " SELECT id, MIN(depth) FROM team GROUP BY id"
)
_IDS = (
    "WITH RECURSIVE team(id, depth) AS ("
    " SELECT id, 1 FROM academy_shopkeeperprofile WHERE team_leader_id = %s"
    " UNION ALL"
    " SELECT p.id, team.depth + 1 FROM academy_shopkeeperprofile p"
    " JOIN team ON p.team_leader_id = team.id"
    " WHERE team.depth < %s)"
    " SELECT id FROM team"
)
_UP = (
    "WITH RECURSIVE up(id, depth) AS ("
    " SELECT team_leader_id, 1 FROM academy_shopkeeperprofile WHERE id = %s"
    " UNION ALL"
    " SELECT p.team_leader_id, up.depth + 1 FROM academy_shopkeeperprofile p"
    " JOIN up ON p.id = up.id"
    " WHERE up.depth < %s AND p.team_leader_id IS NOT NULL)"
    " SELECT 1 FROM up WHERE id = %s LIMIT 1"
)


def member_depths(leader, depth=None):
    """``{profile_id: level}`` of the leader's team (1 = her direct recruits); one query."""
    depth = depth or default_depth()
    with connection.cursor() as cursor:
        cursor.execute(_DEPTHS, [leader.pk, depth])
        return dict(cursor.fetchall())


def member_ids_sql(leader, depth=None):
    """The team's profile ids as a subquery, for ``filter(pk__in=...)``."""
    depth = depth or default_depth()
    return RawSQL(_IDS, [leader.pk, depth])  # noqa: S611 - constant SQL, parameters only


def members(leader, depth=None):
    """The leader's team members' profiles (a queryset, one query when evaluated)."""
    return ShopkeeperProfile.objects.filter(pk__in=member_ids_sql(leader, depth))


def is_member(leader, profile, depth=None):
    """Whether ``profile`` is in ``leader``'s team now: walks up from the member, one query."""
    if profile is None or leader is None or profile.pk == leader.pk:
        return False
    depth = depth or default_depth()
    with connection.cursor() as cursor:
        cursor.execute(_UP, [profile.pk, depth, leader.pk])
        return cursor.fetchone() is not None
