# ruff: noqa: UP006, UP019, UP035, UP037
# (Rasa validates graph components against typing.List/Dict/Text annotations.)
"""Detects the language of each message and reports it as the ``language`` entity.

The ``language`` slot maps from this entity, so every reply follows the language the user
wrote in: any Chinese character → Chinese (Traditional when traditional-only characters
outnumber simplified-only ones), Latin letters only → English, neither (digits, emoji) →
no entity, so the conversation keeps its language.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from chatbot.language_detection import detect_language

ENTITY_NAME = "language"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class LanguageDetector(GraphComponent):
    """Adds ``{"entity": "language", "value": "zh_CN"|"zh_TW"|"en"}`` to each message."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetector":
        """Creates the (stateless) component."""
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Appends the language entity to every message whose language is evident."""
        for message in messages:
            text = message.get(TEXT) or ""
            lang = detect_language(text)
            if lang is None:
                continue
            entity = {
                ENTITY_ATTRIBUTE_TYPE: ENTITY_NAME,
                ENTITY_ATTRIBUTE_VALUE: lang,
                ENTITY_ATTRIBUTE_START: 0,
                ENTITY_ATTRIBUTE_END: len(text),
                EXTRACTOR: self.__class__.__name__,
            }
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages


