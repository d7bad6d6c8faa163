"""What the form needs to know about a service's fields, from the core's typed Service."""

from __future__ import annotations

import os

from channel_render.chat import askable_fields, required_photo
from chatbot.actions.field_values import ChoiceOption
from portal_client import Field, Service
from portal_client.i18n import LANGS

__all__ = ["FORM_CHANNEL", "askable_fields", "handoff_service_id", "next_field", "options",
           "required_photo", "submitted_values"]
FORM_CHANNEL = "chatbot"


def handoff_service_id() -> str:
    """The catalog service whose matters staff work for chat handoffs."""
    return os.environ.get("CHATBOT_HANDOFF_SERVICE", "gov.policy-enquiry")


def options(field: Field) -> tuple[ChoiceOption, ...]:
    """A choice field's options with their labels in every language."""
    return tuple(ChoiceOption(c.value, tuple(c.label.get(lg, "") for lg in LANGS if c.label.get(lg)))
                 for c in field.choices)


def next_field(service: Service, filled: dict[str, object]) -> Field | None:
    """The first askable field the user has not answered (or skipped) yet."""
    return next((f for f in askable_fields(service) if f.key not in filled), None)


def submitted_values(filled: dict[str, object]) -> dict[str, object]:
    """The answered fields without the skipped (None) ones."""
    return {k: v for k, v in filled.items() if v is not None}
