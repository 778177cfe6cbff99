"""Locales of the web shell: which language a request gets, and the message catalogs.

Source strings are Simplified Chinese (zh-CN, the platform's default language); every other
locale has gettext catalogs at ``translations/<dir>/LC_MESSAGES/*.po``: ``messages.po`` (the
shell and older pages) plus one file per area (``applications.po``, ``fairs.po``, ...) so that
areas edited at the same time do not share a file; a msgid belongs to exactly one of them.
Catalogs are compiled in memory when the app is built (:func:`load_translations`), so there
is no build step and no ``.mo`` file to keep in sync.

Adding a string:

1. In a template write ``{{ _("新的文字") }}`` (with placeholders: ``{{ _("共 %(n)s 个", n=n) }}``,
   and write a literal percent sign as ``%%``). In Python code under ``jobs_api/web`` mark a
   string with :func:`N_` and translate it in the template with ``_(value)``.
2. Add the English translation to your area's ``translations/en/LC_MESSAGES/<area>.po`` (by hand, or
   ``pybabel extract -F jobs_api/web/babel.cfg -o /tmp/messages.pot jobs_api/web`` then
   ``pybabel update -i /tmp/messages.pot -d jobs_api/web/translations -l en``).
3. ``tests/web/test_i18n.py`` fails while any extracted string lacks an English translation.

Locale choice, first match wins: the ``?lang=`` query parameter (which also sets the
``gradmatch_lang`` cookie), the cookie, the ``Accept-Language`` header, ``Settings.default_locale``.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path
from typing import Final, Literal, get_args

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LocaleName = Literal["zh-CN", "en"]

SOURCE_LOCALE: Final[LocaleName] = "zh-CN"
SUPPORTED_LOCALES: Final[tuple[LocaleName, ...]] = get_args(LocaleName)
LANG_PARAM: Final = "lang"
LANG_COOKIE: Final = "gradmatch_lang"
LANG_COOKIE_MAX_AGE: Final = 365 * 24 * 3600
TRANSLATIONS_DIR: Final = Path(__file__).resolve().parent / "translations"
DOMAIN: Final = "messages"

# How each locale names itself in the language switch (never translated).
ENDONYMS: Final[Mapping[LocaleName, str]] = {"zh-CN": "中文", "en": "English"}
# Babel locale identifiers, for number formatting.
BABEL_LOCALES: Final[Mapping[LocaleName, str]] = {"zh-CN": "zh_Hans_CN", "en": "en"}


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


def catalog_path(locale: LocaleName, directory: Path = TRANSLATIONS_DIR) -> Path:
    return directory / locale.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_paths(locale: LocaleName, directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Every catalog file of ``locale``: ``messages.po`` first, then the areas' files by name."""
    main = catalog_path(locale, directory)
    others = sorted(p for p in main.parent.glob("*.po") if p.name != main.name)
    return [main, *others]


def compile_catalog(po_file: Path) -> Translations:
    """Read a ``.po`` file and compile it in memory (fuzzy entries are left out)."""
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=po_file.parents[1].name, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def load_translations(
    directory: Path = TRANSLATIONS_DIR,
) -> dict[LocaleName, gettext.NullTranslations]:
    """One translations object per supported locale; the source locale needs no catalog.

    A missing catalog is an error at start-up rather than a silently Chinese English page.
    """
    loaded: dict[LocaleName, gettext.NullTranslations] = {}
    for locale in SUPPORTED_LOCALES:
        if locale == SOURCE_LOCALE:
            loaded[locale] = gettext.NullTranslations()
        else:
            merged = compile_catalog(catalog_path(locale, directory))
            for extra in catalog_paths(locale, directory)[1:]:
                merged.merge(compile_catalog(extra))
            loaded[locale] = merged
    return loaded


def normalize_locale(value: str | None) -> LocaleName | None:
    """Map a language tag (``zh``, ``zh-Hans-CN``, ``en_US``, ...) to a supported locale."""
    if not value:
        return None
    primary = value.strip().replace("_", "-").split("-", 1)[0].lower()
    if primary == "zh":
        return "zh-CN"
    if primary == "en":
        return "en"
    return None


def parse_accept_language(header: str | None) -> list[str]:
    """Language tags of an ``Accept-Language`` header, most preferred first (q=0 dropped)."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, raw = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(raw)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def choose_locale(
    *,
    query: str | None,
    cookie: str | None,
    accept_language: str | None,
    default: str,
) -> LocaleName:
    """The locale of a request: query parameter, then cookie, then header, then default."""
    for candidate in (query, cookie):
        chosen = normalize_locale(candidate)
        if chosen:
            return chosen
    for tag in parse_accept_language(accept_language):
        chosen = normalize_locale(tag)
        if chosen:
            return chosen
    return normalize_locale(default) or SOURCE_LOCALE
