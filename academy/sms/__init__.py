"""Text messages to a mainland mobile number, behind one small interface.

``ACADEMY_SMS_BACKEND`` chooses the backend: ``console`` (development: the message is
logged and kept in the development outbox) or ``tencent`` (Tencent Cloud's SMS API
through its SDK). Messages are templates approved by the provider, one per ``kind``;
callers never send free text.
"""

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The provider could not send it now; trying later may work."""


class SmsRejected(SmsError):
    """The provider refuses this number for good (not a mobile, blocked, opted out)."""


BACKENDS = {
    "console": "academy.sms.console.ConsoleBackend",
    "tencent": "academy.sms.tencent.TencentBackend",
}


def backend():
    name = settings.ACADEMY_SMS_BACKEND
    return import_string(BACKENDS.get(name, name))()


def send(phone, kind, params):
    """Send the template of ``kind`` with ``params`` (strings) to ``phone`` (E.164).

    Returns the provider's message id; raises SmsRejected or SmsError.
    """
    return backend().send(phone, kind, [str(value) for value in params])
