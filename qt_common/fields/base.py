"""The field-editor contract: one touch editor per catalog field type, values in API form."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from channel_render import touch
from portal_client.types import Field
from qt_common.i18n import Language, Tr


class FieldEditor(QWidget):
    """Edits one catalog field; `value()` is what the API expects, or None when empty.

    Value forms (as the core validates them): text types → str; number/money → decimal
    str; date → 'YYYY-MM-DD'; time → 'HH:MM'; datetime → 'YYYY-MM-DDTHH:MM';
    choice → value; multichoice → [values]; yesno → bool; photo → 'upload:…' / URL.
    """

    changed = Signal()

    def __init__(self, field: Field, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.language = language
        self.tr_ = Tr(language, "qt")
        self.setObjectName(f"field_{field.key}")

    def value(self) -> object | None:
        """The API value, or None when nothing is entered."""
        raise NotImplementedError

    def set_value(self, value: object | None) -> None:
        """Show a value (None clears)."""
        raise NotImplementedError

    def clear(self) -> None:
        """Forget the value (idle wipe, new form)."""
        self.set_value(None)

    def display_value(self) -> str:
        """The value as a person reads it in the current language ('' when empty)."""
        v = self.value()
        return "" if v is None else str(v)

    def focus_target(self) -> QWidget:
        """The widget to focus when the field is selected or has an error."""
        return self

    def can_collect(self) -> bool:
        """False when this medium cannot collect the field (the editor shows a fallback)."""
        return True


EditorFactory = Callable[[Field, Language, QWidget | None], FieldEditor]
_REGISTRY: dict[str, EditorFactory] = {}  # editor kind (channel_render.touch) → editor
_OVERRIDES: dict[str, EditorFactory] = {}  # field type → a medium's own editor


def register(*kinds: str) -> Callable[[type[FieldEditor]], type[FieldEditor]]:
    """Class decorator: use this editor for these editor kinds (channel_render.touch)."""

    def deco(cls: type[FieldEditor]) -> type[FieldEditor]:
        for kind in kinds:
            _REGISTRY[kind] = cls
        return cls

    return deco


def override(field_type: str, factory: EditorFactory) -> None:
    """Let a medium use its own editor for a field type (the TV's remote-driven date, say)."""
    _OVERRIDES[field_type] = factory


def editor_for(field: Field, language: Language, parent: QWidget | None = None,
               overrides: Mapping[str, EditorFactory] | None = None) -> FieldEditor:
    """A new editor for `field`: the medium's own for its type (`overrides`), else the one
    registered for its editor kind (unknown types get the keyboard, never a crash)."""
    from qt_common.fields import editors  # noqa: F401 - registers the built-in editors

    factory = ((overrides or {}).get(field.type) or _OVERRIDES.get(field.type)
               or _REGISTRY.get(touch.editor_kind(field)) or _REGISTRY[touch.KEYBOARD])
    return factory(field, language, parent)


def supported_types() -> set[str]:
    """Field types with a registered editor."""
    from qt_common.fields import editors  # noqa: F401

    return {t for t, kind in touch.EDITOR_KINDS.items() if kind in _REGISTRY} | set(_OVERRIDES)
