"""Builders of teams, plans and shop months shared by the team, card and metrics tests."""

from academy import services
from tests.academy.factories import ShopkeeperProfileFactory


def profile(leader=None, **kwargs):
    """A shopkeeper profile, recruited by ``leader`` (a profile) if given.

    She joins the team as a profile change does (``services.set_team_leader``),
    so she follows her leader's plan.
    """
    member = ShopkeeperProfileFactory(**kwargs)
    if leader is not None:
        member = services.set_team_leader(member, leader)
    return member


def move(member, leader):
    """Move a member to another leader the way a profile change does."""
    return services.set_team_leader(member, leader)
