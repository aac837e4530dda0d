"""Builders of teams, plans and shop months shared by the team, card and metrics tests."""

from academy.models import ShopkeeperProfile
from tests.academy.factories import ShopkeeperProfileFactory


def profile(leader=None, **kwargs):
    """A shopkeeper profile, recruited by ``leader`` (a profile) if given."""
    return ShopkeeperProfileFactory(team_leader=leader, **kwargs)


def move(member, leader):
    """Move a member to another leader the way the profile form does (a save)."""
    member = ShopkeeperProfile.objects.get(pk=member.pk)
    member.team_leader = leader
    member.save()
    return member
