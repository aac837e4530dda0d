"""Demo referrals: 陈丽娟's cards were opened by dozens and brought a few sign-ups."""

import hashlib

from django.utils import timezone

from academy.demo import BULK_SHOP_ID_BASE, demo_email
from academy.models import ShopkeeperProfile, User
from growth.models import Referral, ReferralCode, ReferralVisit

# (sharer: demo shopkeeper index or None for 陈丽娟, visits, referred demo shopkeepers)
SHARERS = [(None, 46, range(40, 48)), (8, 17, range(64, 67)), (9, 9, range(72, 73))]


def seed(stdout, options):
    now = timezone.now()
    made = 0
    for index, visits, referred in SHARERS:
        sharer = (
            User.objects.filter(email=demo_email("shopkeeper")).first()
            if index is None
            else User.objects.filter(
                shopkeeper_profile__shop_id=str(BULK_SHOP_ID_BASE + index)
            ).first()
        )
        if sharer is None:
            continue
        code, _created = ReferralCode.objects.get_or_create(user=sharer)
        ReferralVisit.objects.bulk_create(
            [
                ReferralVisit(
                    code=code,
                    visitor=hashlib.sha256(f"demo:{code.pk}:{n}".encode()).hexdigest(),
                    card="course:demo",
                    visited_at=now - timezone.timedelta(hours=n * 7),
                )
                for n in range(visits)
            ],
            ignore_conflicts=True,
        )
        users = ShopkeeperProfile.objects.filter(
            shop_id__in=[str(BULK_SHOP_ID_BASE + i) for i in referred]
        ).values_list("user_id", flat=True)
        made += len(
            Referral.objects.bulk_create(
                [
                    Referral(
                        sharer=sharer,
                        user_id=user_id,
                        card="course:demo",
                        first_visit_at=now - timezone.timedelta(days=3),
                        signed_up_at=now - timezone.timedelta(days=2),
                        credited_at=now - timezone.timedelta(days=1),
                    )
                    for user_id in users
                    if user_id != sharer.pk
                ],
                ignore_conflicts=True,
            )
        )
    stdout.write(f"  referral codes, visits and {Referral.objects.count()} referred sign-ups")
