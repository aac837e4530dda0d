"""One English string, one Chinese word: the catalogues Django merges for zh-hans agree.

Django merges Django's own catalogue, every installed app's (the first app in
INSTALLED_APPS wins) and last the override catalogue of LOCALE_PATHS. A msgid
translated two ways therefore shows the winner's word on every page, including
the other app's: "Message" became 提醒内容 on the mentorship message button and
Wagtail's "Pages" became 分页 in the admin menu. Our strings with a meaning of
their own carry a pgettext context; where third-party apps disagree among
themselves, the override catalogue settles the word once.
"""

import gettext
import re
import sys
from collections import defaultdict
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.utils.translation import to_locale, trans_real

LANGUAGE = "zh-hans"
BASE = Path(settings.BASE_DIR)
OUR_APPS = ["academy", "courses", "mentorship", "growth"]
OVERRIDE_FOLDER = Path(settings.LOCALE_PATHS[0])


def _name(folder):
    folder = Path(folder)
    if folder.is_relative_to(BASE) and ".venv" not in folder.parts:
        return str(folder.relative_to(BASE))
    parts = folder.parts
    return (
        "/".join(parts[parts.index("site-packages") + 1 :])
        if "site-packages" in parts
        else str(folder)
    )


def merged_catalogues():
    """(name, catalogue) in the order Django merges them for zh-hans: later ones win."""
    locale = to_locale(LANGUAGE)
    folders = [Path(sys.modules["django.conf"].__file__).parent / "locale"]
    folders += [Path(config.path) / "locale" for config in reversed(apps.get_app_configs())]
    folders += [Path(folder) for folder in reversed(settings.LOCALE_PATHS)]
    catalogues = []
    for folder in folders:
        # The file Django's gettext.translation() would pick (zh_Hans, else zh).
        mofile = gettext.find("django", str(folder), [locale])
        if mofile:
            with open(mofile, "rb") as fp:
                catalogues.append((_name(folder), gettext.GNUTranslations(fp)._catalog))
    return catalogues


def _key_text(key):
    msgid, form = (key, None) if isinstance(key, str) else key
    context, _sep, msgid = msgid.rpartition("\x04")
    text = repr(msgid) + (f" (context {context!r})" if context else "")
    return text + (f" [plural form {form}]" if form is not None else "")


def test_one_english_string_has_one_chinese_word_across_catalogues():
    catalogues = merged_catalogues()
    names = [name for name, _catalogue in catalogues]
    ours = {f"{app}/locale" for app in OUR_APPS}
    override_name = _name(OVERRIDE_FOLDER)
    assert ours <= set(names), names
    assert names[-1] == override_name, "the override catalogue must be merged last"

    words = defaultdict(dict)
    for name, catalogue in catalogues:
        for key, value in catalogue.items():
            if key != "" and value:
                words[key][name] = value
    override = dict(catalogues[-1][1])

    problems = []
    for key, by_catalogue in words.items():
        if len(set(by_catalogue.values())) < 2:
            continue
        listing = "; ".join(f"{name}: {value!r}" for name, value in by_catalogue.items())
        if key in override:
            # Settled by the override; one of ours saying otherwise would be shadowed.
            shadowed = [n for n in ours if n in by_catalogue and by_catalogue[n] != override[key]]
            if shadowed:
                problems.append(
                    f"{_key_text(key)} is overridden but {shadowed} say otherwise: {listing}"
                )
            continue
        problems.append(
            f"{_key_text(key)} has {len(set(by_catalogue.values()))} translations: {listing}"
        )
    assert not problems, "\n".join(sorted(problems))


def test_the_override_catalogue_is_the_word_django_shows():
    translation = trans_real.translation(LANGUAGE)
    override = dict(merged_catalogues()[-1][1])
    assert override, "the override catalogue is empty or not compiled"
    wrong = {
        _key_text(key): (translation._catalog[key], value)
        for key, value in override.items()
        if key != "" and translation._catalog[key] != value
    }
    assert not wrong


def _our_po_files():
    files = [BASE / app / "locale/zh_Hans/LC_MESSAGES/django.po" for app in OUR_APPS]
    return [*files, *sorted((OVERRIDE_FOLDER / "zh_Hans/LC_MESSAGES").glob("*.po"))]


def test_the_admin_javascript_has_a_chinese_word_for_every_string():
    """The admin menu, autosave and editor strings are drawn by Wagtail's JavaScript."""
    import wagtail.admin

    locale = Path(wagtail.admin.__file__).parent / "locale"
    translation = trans_real.DjangoTranslation(LANGUAGE, domain="djangojs", localedirs=[locale])
    english = polib.pofile(str(locale / "en/LC_MESSAGES/djangojs.po"))
    missing = []
    for entry in english:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        try:
            translation._catalog[(key, 0) if entry.msgid_plural else key]
        except KeyError:
            missing.append(_key_text(key))
    assert not missing


@pytest.mark.parametrize(
    "po_path", _our_po_files(), ids=lambda path: f"{_name(path.parents[2])}/{path.name}"
)
def test_every_string_of_ours_has_a_final_chinese_translation(po_path):
    catalogue = polib.pofile(str(po_path))
    missing = [
        _key_text(entry.msgctxt + "\x04" + entry.msgid if entry.msgctxt else entry.msgid)
        for entry in catalogue
        if not entry.obsolete
        and (
            entry.fuzzy
            or not (
                all(entry.msgstr_plural.values()) if entry.msgid_plural else entry.msgstr.strip()
            )
        )
    ]
    assert not missing, f"{po_path}: untranslated or fuzzy: {missing}"


@pytest.mark.parametrize(
    "po_path", _our_po_files(), ids=lambda path: f"{_name(path.parents[2])}/{path.name}"
)
def test_every_catalogue_of_ours_is_compiled(po_path, tmp_path):
    compiled = tmp_path / "django.mo"
    polib.pofile(str(po_path)).save_as_mofile(str(compiled))
    assert po_path.with_suffix(".mo").read_bytes() == compiled.read_bytes(), (
        "run `manage.py compile_translations`"
    )


PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sd]|\{\{ *\w+ *\}\}")


@pytest.mark.parametrize(
    "po_path", _our_po_files(), ids=lambda path: f"{_name(path.parents[2])}/{path.name}"
)
def test_translations_use_only_placeholders_of_the_english(po_path):
    catalogue = polib.pofile(str(po_path))
    wrong = []
    for entry in catalogue.translated_entries():
        # A placeholder the English lacks fails at run time; one left out is a choice.
        english = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        chinese = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        wrong += [
            (entry.msgid, text) for text in chinese if set(PLACEHOLDER.findall(text)) - english
        ]
    assert not wrong, f"{po_path}: {wrong}"
