"""Labels of the codes kept on mentor profiles (specialities, languages)."""

from django.utils.translation import gettext_lazy as _

SPECIALITIES = {
    "moments": _("WeChat Moments"),
    "community": _("Customer groups"),
    "sales": _("Growing sales"),
    "products": _("Choosing products"),
    "team": _("Leading a team"),
    "training": _("Training new recruits"),
    "brand": _("Personal brand (IP)"),
    "goals": _("Goal management"),
    "revenue": _("Operations for revenue"),
}

LANGUAGES = {
    "zh-hans": _("Mandarin"),
    "yue": _("Cantonese"),
    "en": _("English"),
}


def speciality_label(code):
    return SPECIALITIES.get(code, code)


def language_label(code):
    return LANGUAGES.get(code, code)
