"""Qt pieces shared by the kiosk and the TV app (imports only PySide6 and portal_client).

Public API (everything typed; the modules hold the details):

Language and text
    ``Language(lang)``            QObject holding the current language; ``set_lang(lang)``
                                   re-applies every bound text at once (live switch).
    ``Language.bind(owner, text_fn, setter)`` / ``Language.on_change(owner, fn)``
                                   keep a widget's text in the current language while it lives.
    ``Tr(language, domain)``      ``tr("key", **params)`` for a locales/ domain ("qt", "kiosk",
                                   "tv"); ``tr.bind(widget, "key")`` = live ``setText``.
    ``fonts.family_for(lang)``    "Noto Sans CJK SC" / "Noto Sans CJK TC"; ``missing_families()``.
    ``formatting.money/day/moment`` Babel formatting for the language.

Look and accessibility
    ``Sizes``, ``STANDARD`` (44 px targets, 18 pt text), ``ELDER`` (60 px, 30 pt).
    ``theme.apply(app, sizes, lang)`` high-contrast stylesheet; widgets opt into looks with
    ``setProperty("role", "primary"|"danger"|"tile"|"key"|"link")`` and
    ``setProperty("level", "title"|"heading"|"muted"|"error"|"ok"|"banner")``.
    ``contrast_ratio(fg, bg)`` (WCAG); ``audit(root, sizes)`` → list of ``Finding`` for every
    visible widget whose target, text size or measured contrast breaks the rule;
    ``accessibility.measured_contrast(w, render_window(w))`` measures a widget's text as drawn
    (stylesheet states such as :checked included), which the palette alone does not show.

Every name here is loaded on first use (PEP 562), so importing one piece costs only that piece.

Forms from the catalog
    ``FormView(fields, language)``  one editor per ``portal_client.types.Field``;
    ``values()`` → API values, ``set_errors({key: message})`` shows the core's messages
    beside the fields, ``local_errors()`` for offline checks.
    ``editor_for(field, language)`` / ``FieldEditor`` / ``register`` / ``override`` to plug
    in a medium's own editor for a type (e.g. the TV's remote-driven date picker);
    ``FormView(..., editors={"photo": photo_by_phone(uploads, worker.run)})`` gives one form
    its own editors: ``PhotoByPhone`` shows a QR to the core's phone-upload page, polls, and
    confirms when the photo has arrived (value 'upload:<id>').

Input
    ``InputPanel(language)``       follows focus and shows the ``OnScreenKeyboard`` (with
    pinyin, ``PinyinIndex``) or the ``NumericKeypad`` (optionally scrambled for PINs), per the
    editor's ``set_input_mode(widget, TEXT|DIGITS|DECIMAL|IDCARD|PIN|NONE)``.

Output
    ``QrView`` / ``qr_pixmap(data, px)``  QR codes from the qrcode matrix.
    ``ReadAloud(play=True, slow=False)``  ``say(text, lang)``; Mandarin voice (espeak-ng
    ``cmn``) for zh_CN/zh_TW; ``spoken`` signal with an ``Utterance``; ``wipe()`` deletes audio.

Touch
    ``kinetic(area)``  drag and flick a scroll area (QScroller: touch, and touch-as-mouse panels).
    ``reveal(widget, margin)``  scroll the areas holding a widget until it shows (the field
    being typed into, above the on-screen keyboard).

Threads
    ``Worker``  runs blocking client calls in order off the UI thread, callbacks on the UI
    thread; ``cancel_pending()`` drops late answers after an idle wipe.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# name → module; loaded on first use so a screen only pays for the pieces it shows.
_EXPORTS: dict[str, str] = {
    "ELDER": "sizes", "STANDARD": "sizes", "Finding": "accessibility",
    "Sizes": "sizes", "audit": "accessibility", "contrast_ratio": "accessibility",
    "FieldEditor": "fields", "FormView": "fields", "editor_for": "fields", "override": "fields",
    "register": "fields", "PhotoByPhone": "fields", "photo_by_phone": "fields",
    "Language": "i18n", "Tr": "i18n",
    "DECIMAL": "input_panel", "DIGITS": "input_panel", "IDCARD": "input_panel",
    "NONE": "input_panel", "PIN": "input_panel", "TEXT": "input_panel",
    "InputPanel": "input_panel", "set_input_mode": "input_panel",
    "OnScreenKeyboard": "keyboard", "NumericKeypad": "keypad",
    "Candidate": "pinyin", "PinyinIndex": "pinyin", "shared_index": "pinyin",
    "QrView": "qr", "qr_pixmap": "qr",
    "ReadAloud": "speech", "Utterance": "speech",
    "Worker": "tasks",
    "kinetic": "touch", "reveal": "touch",
    "formatting": "", "theme": "", "fonts": "",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qt_common' has no attribute {name!r}")
    if module == "":
        return importlib.import_module(f"qt_common.{name}")
    value = getattr(importlib.import_module(f"qt_common.{module}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from qt_common import fonts, formatting, theme
    from qt_common.accessibility import Finding, audit, contrast_ratio
    from qt_common.fields import (
        FieldEditor,
        FormView,
        PhotoByPhone,
        editor_for,
        override,
        photo_by_phone,
        register,
    )
    from qt_common.i18n import Language, Tr
    from qt_common.input_panel import (
        DECIMAL,
        DIGITS,
        IDCARD,
        NONE,
        PIN,
        TEXT,
        InputPanel,
        set_input_mode,
    )
    from qt_common.keyboard import OnScreenKeyboard
    from qt_common.keypad import NumericKeypad
    from qt_common.pinyin import Candidate, PinyinIndex, shared_index
    from qt_common.qr import QrView, qr_pixmap
    from qt_common.sizes import ELDER, STANDARD, Sizes
    from qt_common.speech import ReadAloud, Utterance
    from qt_common.tasks import Worker
    from qt_common.touch import kinetic, reveal

__all__ = [
    "DECIMAL", "DIGITS", "ELDER", "IDCARD", "NONE", "PIN", "STANDARD", "TEXT",
    "Candidate", "FieldEditor", "Finding", "FormView", "InputPanel", "Language",
    "NumericKeypad", "OnScreenKeyboard", "PhotoByPhone", "PinyinIndex", "QrView", "ReadAloud", "Sizes", "Tr",
    "Utterance", "Worker", "audit", "kinetic", "reveal", "contrast_ratio", "editor_for", "override", "photo_by_phone", "qr_pixmap",
    "register", "set_input_mode", "shared_index", "fonts", "formatting", "theme",
]
