"""A sign-up through a card's link is noted for its sharer (credited once verified)."""


def note_signup(sender, request, user, **kwargs):
    from growth.sharecards import services

    if request is not None:
        services.attribute_signup(
            user,
            request.COOKIES.get(services.REF_COOKIE),
            request.COOKIES.get(services.VISITOR_COOKIE, ""),
        )


def connect():
    from allauth.account.signals import user_signed_up

    user_signed_up.connect(note_signup, dispatch_uid="sharecards_credit_referral")
