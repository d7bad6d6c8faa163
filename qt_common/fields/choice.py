"""Big-button editors: choice, multichoice and yes/no."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QGridLayout, QPushButton, QSizePolicy, QWidget

from channel_render import touch
from portal_client.types import Field
from qt_common import formatting
from qt_common.fields.base import FieldEditor, register
from qt_common.i18n import Language

COLUMNS = 3


def _option(parent: QWidget, name: str) -> QPushButton:
    b = QPushButton(parent)
    b.setObjectName(name)
    b.setCheckable(True)
    b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return b


@register(touch.TILES, touch.MULTI_TILES)
class ChoiceEditor(FieldEditor):
    """One big toggle button per option; exclusive for choice, several for multichoice."""

    def __init__(self, field: Field, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(field, language, parent)
        self.multi = field.type == "multichoice"
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.group.setExclusive(not self.multi)
        self.buttons: dict[str, QPushButton] = {}
        for i, choice in enumerate(field.choices):
            b = _option(self, f"choice_{field.key}_{choice.value}")
            self.group.addButton(b)
            grid.addWidget(b, i // COLUMNS, i % COLUMNS)
            self.buttons[choice.value] = b
            b.toggled.connect(self.changed)
        language.on_change(self, self._relabel)

    def _relabel(self) -> None:
        lang = self.language.lang
        for choice in self.field.choices:
            text = self.language.pick(choice.label)
            if choice.price is not None:
                text = f"{text}  {formatting.money(choice.price, 'CNY', lang)}"
            self.buttons[choice.value].setText(text)

    def value(self) -> object | None:
        picked = [v for v, b in self.buttons.items() if b.isChecked()]
        if self.multi:
            return picked or None
        return picked[0] if picked else None

    def set_value(self, value: object | None) -> None:
        wanted = set(value if isinstance(value, list) else [] if value is None else [value])
        self.group.setExclusive(False)  # lets every button be unchecked
        for v, b in self.buttons.items():
            b.setChecked(v in wanted)
        self.group.setExclusive(not self.multi)

    def display_value(self) -> str:
        v = self.value()
        picked = v if isinstance(v, list) else [] if v is None else [v]
        labels = {c.value: self.language.pick(c.label) for c in self.field.choices}
        return self.tr_("list.separator").join(labels[p] for p in picked)

    def focus_target(self) -> QWidget:
        return next(iter(self.buttons.values()), self)


@register(touch.YES_NO)
class YesNoEditor(FieldEditor):
    """Two big buttons: yes and no."""

    def __init__(self, field: Field, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(field, language, parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.yes = _option(self, f"yes_{field.key}")
        self.no = _option(self, f"no_{field.key}")
        for i, b in enumerate((self.yes, self.no)):
            self.group.addButton(b)
            grid.addWidget(b, 0, i)
            b.toggled.connect(self.changed)
        self.tr_.bind(self.yes, "yesno.yes")
        self.tr_.bind(self.no, "yesno.no")

    def value(self) -> object | None:
        if self.yes.isChecked():
            return True
        if self.no.isChecked():
            return False
        return None

    def set_value(self, value: object | None) -> None:
        self.group.setExclusive(False)
        self.yes.setChecked(value is True)
        self.no.setChecked(value is False)
        self.group.setExclusive(True)

    def display_value(self) -> str:
        v = self.value()
        return "" if v is None else self.tr_("yesno.yes" if v else "yesno.no")

    def focus_target(self) -> QWidget:
        return self.yes
