"""A form generated from a service's catalog fields, with per-field errors beside each field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from channel_render import touch
from portal_client.types import Field
from qt_common.checks import refusal
from qt_common.fields.base import EditorFactory, FieldEditor, editor_for
from qt_common.i18n import Language, Tr
from qt_common.theme import restyle


class FieldRow(QWidget):
    """Label, optional help, the editor and the error line of one field."""

    def __init__(self, field: Field, language: Language, parent: QWidget | None = None,
                 editors: Mapping[str, EditorFactory] | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.language = language
        tr = Tr(language, "qt")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 8)
        self.label = QLabel(self)
        self.label.setObjectName(f"label_{field.key}")
        self.label.setProperty("level", "heading")
        self.label.setWordWrap(True)
        lay.addWidget(self.label)
        self.help = QLabel(self)
        self.help.setObjectName(f"help_{field.key}")
        self.help.setProperty("level", "muted")
        self.help.setWordWrap(True)
        self.help.setVisible(bool(field.help))
        lay.addWidget(self.help)
        self.editor: FieldEditor = editor_for(field, language, self, editors)
        lay.addWidget(self.editor)
        self.error = QLabel(self)
        self.error.setObjectName(f"error_{field.key}")
        self.error.setProperty("level", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        lay.addWidget(self.error)
        mark = "form.required_mark" if field.required else "form.optional_mark"
        language.bind(self.label, lambda: f"{language.pick(field.label)} {tr(mark)}",
                      self.label.setText)
        if field.help:
            language.bind(self.help, lambda: language.pick(field.help), self.help.setText)

    def set_error(self, message: str | None) -> None:
        """Show the core's message for this field (None clears it)."""
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        target = self.editor.focus_target()
        target.setProperty("invalid", bool(message))
        restyle(target)

    def speech_text(self) -> str:
        """Label, value and error, as read aloud."""
        parts = [self.label.text(), self.editor.display_value(), self.error.text()]
        return self.language.t("qt", "speech.separator").join(p for p in parts if p)


class FormView(QWidget):
    """Editors for `fields` in order; `values()` for the API, `set_errors()` from the core.

    `medium` ("kiosk", "tv") skips fields whose catalog hints hide them on that medium;
    `editors` gives the medium's own editor factories by field type (the kiosk's photo by
    phone, say), used instead of the registered ones.
    """

    changed = Signal(str)  # field key

    def __init__(self, fields: Sequence[Field], language: Language, medium: str | None = None,
                 parent: QWidget | None = None,
                 editors: Mapping[str, EditorFactory] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("form")
        self.language = language
        self.tr_ = Tr(language, "qt")
        lay = QVBoxLayout(self)
        self.rows: dict[str, FieldRow] = {}
        for f in touch.shown_fields(fields, medium):  # content may hide some on a medium
            row = FieldRow(f, language, self, editors)
            row.editor.changed.connect(lambda key=f.key: self._edited(key))
            lay.addWidget(row)
            self.rows[f.key] = row
        lay.addStretch(1)

    @property
    def editors(self) -> dict[str, FieldEditor]:
        """The editor of each field key."""
        return {k: r.editor for k, r in self.rows.items()}

    def _edited(self, key: str) -> None:
        self.rows[key].set_error(None)
        self.changed.emit(key)

    def values(self) -> dict[str, object]:
        """Every non-empty value, keyed by field."""
        out = {}
        for key, row in self.rows.items():
            v = row.editor.value()
            if v is not None:
                out[key] = v
        return out

    def set_values(self, values: dict[str, object]) -> None:
        """Fill editors (review → back to edit keeps what was typed)."""
        for key, v in values.items():
            if key in self.rows:
                self.rows[key].editor.set_value(v)

    def set_errors(self, errors: dict[str, str]) -> None:
        """Show per-field messages; fields not named are cleared."""
        for key, row in self.rows.items():
            row.set_error(errors.get(key))

    def errors(self) -> dict[str, str]:
        """The messages currently shown."""
        return {k: r.error.text() for k, r in self.rows.items() if r.error.text()}

    def first_error(self) -> FieldRow | None:
        """The first row showing an error (to scroll to and focus)."""
        return next((r for r in self.rows.values() if r.error.text()), None)

    def local_errors(self) -> dict[str, str]:
        """The core's per-field rules checked here, for while it can't be asked: required
        fields, phone and ID formats, the catalog's patterns, lengths and bounds."""
        errors: dict[str, str] = {}
        for key, row in self.rows.items():
            f, ed = row.field, row.editor
            label = self.language.pick(f.label)
            value = ed.value()
            if value is None:
                if f.required and ed.can_collect():
                    errors[key] = self.tr_("check.required", label=label)
                continue
            problem = refusal(f, value)
            if problem is not None:
                errors[key] = self.tr_(problem.key, label=label, **problem.params)
        return errors

    def clear(self) -> None:
        """Empty every editor and error."""
        for row in self.rows.values():
            row.editor.clear()
            row.set_error(None)
