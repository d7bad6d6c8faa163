"""Editors typed on the on-screen keyboard or keypad: text, longtext, address, numbers, ids."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from channel_render import touch
from portal_client.types import Field
from qt_common import formatting
from qt_common.fields.base import FieldEditor, register
from qt_common.i18n import Language
from qt_common.input_panel import DECIMAL, DIGITS, IDCARD, TEXT, set_input_mode

MAX_LENGTH = {"text": 200, "address": 200, "longtext": 2000, "phone": 16, "idcard": 18,
              "number": 20, "money": 14}


@register(touch.KEYBOARD)
class TextEditor(FieldEditor):
    """One line typed on the on-screen keyboard (pinyin for Chinese)."""

    mode = TEXT

    def __init__(self, field: Field, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(field, language, parent)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(self)
        self.edit.setObjectName(f"input_{field.key}")
        self.edit.setMaxLength(MAX_LENGTH.get(field.type, 200))
        set_input_mode(self.edit, self.mode)
        self.edit.textChanged.connect(self.changed)
        self.layout_.addWidget(self.edit)
        language.on_change(self, self._placeholder)

    def _placeholder(self) -> None:
        self.edit.setPlaceholderText(self.tr_(f"placeholder.{self.field.type}"))

    def value(self) -> object | None:
        text = self.edit.text().strip()
        return text or None

    def set_value(self, value: object | None) -> None:
        self.edit.setText("" if value is None else str(value))

    def focus_target(self) -> QWidget:
        return self.edit


@register(touch.ADDRESS)
class AddressEditor(TextEditor):
    """An address typed, or the signed-in household's address offered as one button."""

    def __init__(self, field: Field, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(field, language, parent)
        self.use_household = QPushButton(self)
        self.use_household.setObjectName(f"use_address_{field.key}")
        self.use_household.hide()
        self.use_household.clicked.connect(lambda: self.set_value(self._offered))
        self.layout_.addWidget(self.use_household)
        self._offered = ""
        language.on_change(self.use_household, self._relabel)

    def offer(self, address: str | None) -> None:
        """Offer one address to fill in with a tap (None withdraws the offer)."""
        self._offered = address or ""
        self.use_household.setVisible(bool(address))
        self._relabel()

    def _relabel(self) -> None:
        self.use_household.setText(self.tr_("address.use_household", address=self._offered))


@register(touch.LONG_TEXT)
class LongTextEditor(FieldEditor):
    """Several lines typed on the on-screen keyboard."""

    def __init__(self, field: Field, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(field, language, parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName(f"input_{field.key}")
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(140)
        set_input_mode(self.edit, TEXT)
        self.edit.textChanged.connect(self._limit)
        lay.addWidget(self.edit)
        language.on_change(self, lambda: self.edit.setPlaceholderText(
            self.tr_("placeholder.longtext")))

    def _limit(self) -> None:
        text = self.edit.toPlainText()
        if len(text) > MAX_LENGTH["longtext"]:
            self.edit.setPlainText(text[:MAX_LENGTH["longtext"]])
        self.changed.emit()

    def value(self) -> object | None:
        text = self.edit.toPlainText().strip()
        return text or None

    def set_value(self, value: object | None) -> None:
        self.edit.setPlainText("" if value is None else str(value))

    def focus_target(self) -> QWidget:
        return self.edit


@register(touch.PHONE_PAD)
class PhoneEditor(TextEditor):
    """A phone number on the numeric keypad."""

    mode = DIGITS

    def __init__(self, field: Field, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(field, language, parent)
        self.edit.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)


@register(touch.ID_PAD)
class IdCardEditor(TextEditor):
    """A resident ID number on the keypad (digits and the X check character)."""

    mode = IDCARD

    def value(self) -> object | None:
        text = self.edit.text().strip().upper()
        return text or None


@register(touch.NUMBER_PAD)
class NumberEditor(TextEditor):
    """A number (or an amount of money) on the keypad, with its bounds shown as a hint."""

    mode = DECIMAL

    def __init__(self, field: Field, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(field, language, parent)
        self.edit.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)

    def _placeholder(self) -> None:
        f = self.field
        if f.min is not None and f.max is not None:
            text = self.tr_("placeholder.range", min=f.min, max=f.max)
        elif f.min is not None:
            text = self.tr_("placeholder.min", min=f.min)
        elif f.max is not None:
            text = self.tr_("placeholder.max", max=f.max)
        else:
            text = self.tr_(f"placeholder.{f.type}")
        self.edit.setPlaceholderText(text)

    def display_value(self) -> str:
        v = self.value()
        if v is None:
            return ""
        try:
            if self.field.type == "money":
                return formatting.money(str(v), "CNY", self.language.lang)
            return formatting.number(str(v), self.language.lang)
        except (InvalidOperation, ValueError):
            return str(v)

    def decimal(self) -> Decimal | None:
        """The typed number, or None when empty or not a number."""
        v = self.value()
        try:
            return None if v is None else Decimal(str(v))
        except InvalidOperation:
            return None
