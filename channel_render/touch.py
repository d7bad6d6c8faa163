"""A service's form on a touch screen (the kiosk): which fields it shows, and the kind of
editor each field type gets. qt_common registers one widget per kind; the console's kiosk
preview names the same kinds."""

from __future__ import annotations

from collections.abc import Sequence

from portal_client.types import Field

KEYBOARD = "keyboard"  # on-screen keyboard (pinyin)
ADDRESS = "address"  # keyboard, with the household's address offered
LONG_TEXT = "long_text"
PHONE_PAD = "phone_pad"
ID_PAD = "id_pad"
NUMBER_PAD = "number_pad"
TILES = "tiles"  # one big tile per option
MULTI_TILES = "multi_tiles"  # tiles, several may be picked
YES_NO = "yes_no"
CALENDAR = "calendar"
TIME = "time"
DATE_TIME = "date_time"
PHOTO = "photo"  # a screen without a camera: a QR for the resident's phone

EDITOR_KINDS = {
    "text": KEYBOARD, "address": ADDRESS, "longtext": LONG_TEXT, "phone": PHONE_PAD,
    "idcard": ID_PAD, "number": NUMBER_PAD, "money": NUMBER_PAD, "choice": TILES,
    "multichoice": MULTI_TILES, "yesno": YES_NO, "date": CALENDAR, "time": TIME,
    "datetime": DATE_TIME, "photo": PHOTO,
}


def editor_kind(field: Field) -> str:
    """The kind of touch editor for a field (unknown types get the keyboard, never a crash)."""
    return EDITOR_KINDS.get(field.type, KEYBOARD)


def shown_fields(fields: Sequence[Field], medium: str | None) -> tuple[Field, ...]:
    """The fields a screen asks: all but those the content hides on this medium."""
    return tuple(f for f in fields
                 if not (medium and (f.hints.get(medium) or {}).get("hidden")))
