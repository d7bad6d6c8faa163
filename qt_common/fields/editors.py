"""Imports every built-in editor so each registers itself for its field types."""

from qt_common.fields import choice, photo, text, when  # noqa: F401
