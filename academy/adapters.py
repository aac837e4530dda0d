"""allauth adapters: every new account is a shopkeeper with a shop profile."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.db import transaction
from django.urls import reverse

from academy import services


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=False)
            user.display_name = form.cleaned_data.get("display_name", "")
            language = getattr(request, "LANGUAGE_CODE", None)
            if language:
                user.language = language
            if commit:
                user.save()
                services.register_shopkeeper(user, shop_id=form.cleaned_data["shop_id"])
        return user

    def get_login_redirect_url(self, request):
        profile = getattr(request.user, "shopkeeper_profile", None)
        if profile is not None and not profile.is_complete:
            return reverse("profile")
        return super().get_login_redirect_url(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request, sociallogin, form=None):
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form)
            if form is not None and form.cleaned_data.get("shop_id"):
                services.register_shopkeeper(user, shop_id=form.cleaned_data["shop_id"])
        return user
