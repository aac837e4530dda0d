"""allauth's login stages, with the academy's rules on phones and e-mail addresses."""

from allauth.account import app_settings
from allauth.account import stages as allauth_stages


class PhoneVerificationStage(allauth_stages.PhoneVerificationStage):
    """Ask for the texted code at sign-up; never hold up a later sign-in for it.

    A number added on the profile and not verified yet (or one from before numbers
    were checked) neither blocks her e-mail sign-in nor costs a text each time:
    she verifies it from her profile.
    """

    def handle(self):
        user = self.login.user
        if user is not None and not self.login.signup and not user.phone_verified:
            return None, True
        return super().handle()


class EmailVerificationStage(allauth_stages.EmailVerificationStage):
    """An e-mail address must be verified unless a verified phone vouches for her.

    Without a verified number the address is all that proves who she is, as when
    every account signed up by e-mail; with one, the address is confirmed later.
    """

    def handle(self):
        user = self.login.user
        optional = app_settings.EmailVerificationMethod.OPTIONAL
        if self.login.email_verification == optional and (user is None or not user.phone_verified):
            self.login.email_verification = app_settings.EmailVerificationMethod.MANDATORY
        return super().handle()
