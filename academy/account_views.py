"""allauth's code page, counting a resent text the same for every number."""

from allauth.account.views import ConfirmLoginCodeView as AllauthConfirmLoginCodeView
from allauth.account.views import verify_phone as allauth_verify_phone
from allauth.account.views._phone import _VerifyPhoneSignupView
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from academy import phones


def _count_resend(view, phone):
    """Count a resent text before allauth decides whether to send it.

    allauth texts nothing on a resend for a number that already has an account,
    so without this a taken number would reach the limits later than a new one.
    Returns the refusal to show, or None.
    """
    if not phone or not view._process_can_resend():
        return None
    refusal = phones.consume_sms(view.request, phone)
    if refusal is None:
        view.request._academy_sms_counted = True
    return refusal


class ConfirmLoginCodeView(AllauthConfirmLoginCodeView):
    """allauth's page for the sign-in code.

    allauth texts a new code only to a number with an account, so the limits of
    academy/phones.py are counted here, before it decides: a number without an
    account is refused a resend exactly when one with an account would be.
    """

    def _process_can_resend(self):
        return self._process.can_resend

    def _resend_form_valid(self, form):
        refusal = _count_resend(self, self._process.state.get("phone"))
        if refusal:
            messages.error(self.request, refusal)
            return HttpResponseRedirect(
                self.passthrough_next_url(reverse("account_confirm_login_code"))
            )
        return super()._resend_form_valid(form)


confirm_login_code = ConfirmLoginCodeView.as_view()


class VerifyPhoneSignupView(_VerifyPhoneSignupView):
    """allauth's page for the code of a phone sign-up, counting resends alike for every number."""

    def _process_can_resend(self):
        return self.process.can_resend

    def _resend_form_valid(self, form):
        refusal = _count_resend(self, self.process.phone)
        if refusal:
            messages.error(self.request, refusal)
            return HttpResponseRedirect(self.passthrough_next_url(reverse("account_verify_phone")))
        return super()._resend_form_valid(form)


def verify_phone(request):
    if request.user.is_authenticated:
        return allauth_verify_phone(request)
    return VerifyPhoneSignupView.as_view()(request)
