"""Factories of accounts and profiles, shared by every app's tests."""

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.utils import timezone

from academy import roles
from academy.models import MentorProfile, ShopkeeperProfile, User

PASSWORD = "correct-horse-battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        if create and extracted:
            TOTP.activate(self, TOTP_SECRET)


class ShopkeeperProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShopkeeperProfile

    user = factory.SubFactory(UserFactory, roles=[roles.SHOPKEEPER])
    shop_id = factory.Sequence(lambda n: f"{60000000 + n}")
    # A shop the platform has confirmed; tests of unproven claims pass shop_verified=False.
    shop_verified = True
    shop_verified_at = factory.LazyAttribute(lambda p: timezone.now() if p.shop_verified else None)
    level = 1
    province = "河南"
    city = "周口"
    completed_at = factory.LazyFunction(timezone.now)


class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorProfile

    user = factory.SubFactory(UserFactory, roles=[roles.MENTOR])
    headline = "社群运营专家"
    specialities = ["community"]
    languages = ["zh-hans"]
    time_zone = "Asia/Shanghai"
    capacity = 5


def shopkeeper(**kwargs):
    """A user with a completed shopkeeper profile."""
    return ShopkeeperProfileFactory(**kwargs).user


def mentor(**kwargs):
    return MentorProfileFactory(**kwargs).user


def staff(role, *, totp=True, **kwargs):
    """An editor, program-staff member or administrator, with TOTP set up."""
    extra = {"is_superuser": True} if role == roles.ADMINISTRATOR else {}
    return UserFactory(roles=[role], totp=totp, **extra, **kwargs)
