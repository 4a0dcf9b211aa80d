"""Messages in the memo's languages: English message ids, translated through a gettext catalog
(``locale/<lang>/LC_MESSAGES/memo.po``) read with Babel, filled with numbers formatted for the
locale (:mod:`kip_analysis.report.format`).

May import: nothing from the package. A message id is the English sentence with named slots
(``{value}``); a translation keeps the same slots. A missing translation is an error, not a
silent fall-back to English (``tests/test_answers.py`` checks the catalog covers every message).
"""

from __future__ import annotations

import functools
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LOCALE_DIR: Path = Path(__file__).with_name("locale")
DOMAIN: str = "memo"


class TranslationMissingError(KeyError):
    """A message has no translation in the locale's catalog."""


@functools.cache
def catalog(locale: str) -> Catalog:
    """The locale's message catalog (read once)."""
    path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def t(msgid: str, locale: str = "en", **slots: object) -> str:
    """The message in ``locale`` with its slots filled.

    Examples
    --------
    >>> t("{n} rounds", n=3)
    '3 rounds'
    """
    if locale == "en":
        return msgid.format(**slots)
    message = catalog(locale).get(msgid)
    if message is None or not message.string:
        raise TranslationMissingError(f"{locale}: no translation for {msgid!r} in {LOCALE_DIR / locale}")
    return str(message.string).format(**slots)


def missing(msgids: list[str], locale: str) -> list[str]:
    """The message ids without a translation in ``locale``."""
    cat = catalog(locale)
    return [m for m in msgids if cat.get(m) is None or not cat.get(m).string]
