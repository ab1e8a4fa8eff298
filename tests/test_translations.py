"""The Swedish catalogue is complete: every string marked in the code has a translation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "N_": None}


def _marked_messages() -> set:
    with open(ROOT / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_every_marked_string_has_a_swedish_translation():
    """Run `make translations` and translate what this test lists."""
    with open(ROOT / "app/translations/sv/LC_MESSAGES/messages.po", "rb") as fh:
        catalogue = read_po(fh, locale="sv")
    translated = {}
    for message in catalogue:
        key = message.id if isinstance(message.id, str) else tuple(message.id)
        strings = message.string if isinstance(message.string, tuple | list) else (
            message.string,)
        translated[key] = all(strings) and not message.fuzzy
    missing = sorted(str(m) for m in _marked_messages() if m and not translated.get(m))
    assert missing == []
