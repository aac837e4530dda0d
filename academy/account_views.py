"""allauth's code page, counting a resent text the same for every number."""

from allauth.account.views import ConfirmLoginCodeView as AllauthConfirmLoginCodeView
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from academy import phones


class ConfirmLoginCodeView(AllauthConfirmLoginCodeView):
    """allauth's page for the sign-in code.

    allauth texts a new code only to a number with an account, so the limits of
    academy/phones.py are counted here, before it decides: a number without an
    account is refused a resend exactly when one with an account would be.
    """

    def _resend_form_valid(self, form):
        phone = self._process.state.get("phone")
        if phone and self._process.can_resend:
            refusal = phones.consume_sms(self.request, phone)
            if refusal:
                messages.error(self.request, refusal)
                return HttpResponseRedirect(
                    self.passthrough_next_url(reverse("account_confirm_login_code"))
                )
            self.request._academy_sms_counted = True
        return super()._resend_form_valid(form)


confirm_login_code = ConfirmLoginCodeView.as_view()
