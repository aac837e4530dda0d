"""A sign-up through a card's link is noted for its sharer (credited once verified)."""


def credit_referral(sender, request, user, **kwargs):
    from academy.sharecards import services

    if request is not None:
        services.attribute_signup(
            user,
            request.COOKIES.get(services.REF_COOKIE),
            request.COOKIES.get(services.VISITOR_COOKIE, ""),
        )


def connect():
    from allauth.account.signals import user_signed_up

    user_signed_up.connect(credit_referral, dispatch_uid="sharecards_credit_referral")
