"""Message catalogs and locale negotiation of the web shell (no app needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from jobs_api.web.i18n import (
    SOURCE_LOCALE,
    SUPPORTED_LOCALES,
    TRANSLATIONS_DIR,
    LocaleName,
    catalog_path,
    catalog_paths,
    choose_locale,
    load_translations,
    normalize_locale,
    parse_accept_language,
)

WEB_DIR = TRANSLATIONS_DIR.parent
TRANSLATED_LOCALES: list[LocaleName] = [
    locale for locale in SUPPORTED_LOCALES if locale != SOURCE_LOCALE
]


REPO_ROOT = WEB_DIR.parents[1]
OTHER_PAGE_PACKAGES = ("employer_verification", "matching", "guidance_content", "analytics")
"""Packages above ``jobs_api`` that mount pages of their own (``pages.py``, ``*_pages.py``)."""


def page_modules_outside_web() -> list[Path]:
    modules: list[Path] = []
    for package in OTHER_PAGE_PACKAGES:
        root = REPO_ROOT / package
        modules += sorted(root.rglob("pages.py")) + sorted(root.rglob("*_pages.py"))
    return modules


def extracted_messages() -> dict[str, list[str]]:
    """msgid -> where it is used, extracted with the same mapping as ``pybabel extract``
    (the shell's folder plus the page modules of the packages above ``jobs_api``)."""
    with (WEB_DIR / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        WEB_DIR, method_map, options_map
    ):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    for module in page_modules_outside_web():
        with module.open("rb") as handle:
            for lineno, message, _comments, _context in extract("python", handle):
                msgid = message if isinstance(message, str) else message[0]
                found.setdefault(msgid, []).append(f"{module.relative_to(REPO_ROOT)}:{lineno}")
    return found


def test_page_modules_outside_web_are_scanned() -> None:
    names = {path.relative_to(REPO_ROOT).as_posix() for path in page_modules_outside_web()}
    assert {"employer_verification/web_pages.py", "matching/recommend/pages.py"} <= names


def read_catalog_file(path: Path, locale: LocaleName) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale.replace("-", "_"))


def read_catalog(locale: LocaleName) -> Catalog:
    """Every catalog file of ``locale`` merged into one."""
    merged = Catalog(locale=locale.replace("-", "_"))
    for path in catalog_paths(locale):
        for entry in read_catalog_file(path, locale):
            if entry.id:
                merged[entry.id] = entry
    return merged


@pytest.mark.parametrize("locale", TRANSLATED_LOCALES)
def test_each_msgid_lives_in_one_catalog_file(locale: LocaleName) -> None:
    seen: dict[str, str] = {}
    duplicates: list[str] = []
    for path in catalog_paths(locale):
        for entry in read_catalog_file(path, locale):
            if entry.id and isinstance(entry.id, str):
                if entry.id in seen:
                    duplicates.append(f"{entry.id!r} in {seen[entry.id]} and {path.name}")
                seen[entry.id] = path.name
    assert not duplicates


def test_extraction_finds_the_shell_strings() -> None:
    found = extracted_messages()
    # from templates ...
    assert "高校毕业生就业服务平台" in found
    assert "忘记密码？" in found
    # ... and from Python data marked with N_()
    assert "就业指导中心·管理部门" in found
    assert "在招职位" in found


@pytest.mark.parametrize("locale", TRANSLATED_LOCALES)
def test_every_used_string_is_translated(locale: LocaleName) -> None:
    catalog = read_catalog(locale)
    untranslated = {
        msgid: places
        for msgid, places in extracted_messages().items()
        if (entry := catalog.get(msgid)) is None or not entry.string or entry.fuzzy
    }
    assert not untranslated, (
        f"strings without a {locale} translation in {catalog_path(locale)}: {untranslated}"
    )


@pytest.mark.parametrize("locale", TRANSLATED_LOCALES)
def test_catalog_has_no_stale_entries(locale: LocaleName) -> None:
    used = set(extracted_messages())
    stale = sorted(entry.id for entry in read_catalog(locale) if entry.id and entry.id not in used)
    assert not stale, f"remove entries no longer used anywhere: {stale}"


@pytest.mark.parametrize("locale", TRANSLATED_LOCALES)
def test_catalog_placeholders_match(locale: LocaleName) -> None:
    catalog = read_catalog(locale)
    problems = [(entry.id, [str(e) for e in errors]) for entry, errors in catalog.check()]
    assert not problems


def test_catalogs_compile_and_translate() -> None:
    translations = load_translations()
    assert set(translations) == set(SUPPORTED_LOCALES)
    assert translations["en"].gettext("登录") == "Sign in"
    assert translations["zh-CN"].gettext("登录") == "登录"


def test_missing_catalog_fails_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_translations(tmp_path)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("zh", "zh-CN"),
        ("zh-CN", "zh-CN"),
        ("zh_Hans_CN", "zh-CN"),
        ("ZH-tw", "zh-CN"),
        ("en", "en"),
        ("en-GB", "en"),
        ("fr", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_locale(tag: str | None, expected: str | None) -> None:
    assert normalize_locale(tag) == expected


def test_accept_language_orders_by_quality() -> None:
    header = "fr;q=0.9, en-US;q=0.8, zh-CN, de;q=0, *;q=0.1"
    assert parse_accept_language(header) == ["zh-CN", "fr", "en-US"]
    assert parse_accept_language("en;q=abc, zh") == ["zh"]
    assert parse_accept_language(None) == []


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        ("en", "zh-CN", "zh-CN", "en"),  # the query parameter wins
        (None, "en", "zh-CN", "en"),  # then the cookie
        ("xx", "en", None, "en"),  # an unknown ?lang= is ignored
        (None, None, "fr, en;q=0.5", "en"),  # then the first supported header language
        (None, "xx", "de", "zh-CN"),  # then the default
    ],
)
def test_choose_locale_precedence(
    query: str | None, cookie: str | None, header: str | None, expected: str
) -> None:
    chosen = choose_locale(query=query, cookie=cookie, accept_language=header, default="zh-CN")
    assert chosen == expected


def test_choose_locale_uses_the_configured_default() -> None:
    assert choose_locale(query=None, cookie=None, accept_language=None, default="en") == "en"


def test_area_catalogs_are_merged_into_the_locale(tmp_path: Path) -> None:
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    (folder / "messages.po").write_text(header + 'msgid "登录"\nmsgstr "Sign in"\n')
    (folder / "fairs.po").write_text(header + 'msgid "招聘会"\nmsgstr "Job fairs"\n')
    english = load_translations(tmp_path)["en"]
    assert english.gettext("登录") == "Sign in"
    assert english.gettext("招聘会") == "Job fairs"
