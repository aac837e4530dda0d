"""A shop's imported months follow the verification of its shop ID."""

from academy import userpages
from growth.metrics.models import ShopMonth


def attach_months(profile):
    """Her shop ID is verified: the months imported for it become hers."""
    attached = ShopMonth.objects.filter(shop_id=profile.shop_id).update(profile=profile)
    userpages.bump_users(profile.user_id)
    return attached


def detach_months(profile):
    """Her verification was taken back: the shop's months wait for their owner again."""
    detached = ShopMonth.objects.filter(profile=profile).update(profile=None)
    userpages.bump_users(profile.user_id)
    return detached
