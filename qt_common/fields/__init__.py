"""Touch editors generated from catalog field types (portal_client.types.Field)."""

from qt_common.fields.base import FieldEditor, editor_for, override, register, supported_types
from qt_common.fields.form import FieldRow, FormView
from qt_common.fields.photo import PhotoByPhone, photo_by_phone

__all__ = ["FieldEditor", "FieldRow", "FormView", "PhotoByPhone", "editor_for", "override",
           "photo_by_phone", "register", "supported_types"]
