# ruff: noqa: UP006, UP019, UP035, UP037
# (Rasa validates graph components against typing.List/Dict/Text annotations.)
"""Jieba tokenizer that drops the whitespace tokens Jieba emits between English words."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from chatbot.components.fingerprint import files_fingerprint
from chatbot.language_detection import TO_SIMPLIFIED


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class BilingualJiebaTokenizer(JiebaTokenizer):
    """Jieba for Chinese and mixed text; whitespace-only tokens are removed.

    Jieba returns " " as tokens between English words; they would become empty features
    and shift entity spans, so they are filtered out here. Traditional characters are folded
    to simplified ones in the token texts, so 謝謝 and 谢谢 share features.
    """

    @staticmethod
    def supported_languages() -> List[Text] | None:
        """Chinese and English messages share one pipeline."""
        return ["zh", "en"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> str | None:
        """The user dictionary's files and the script folding: Rasa's training cache must not
        reuse tokens made with an older dictionary."""
        return files_fingerprint(config.get("dictionary_path"))

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Tokenizes with Jieba and keeps only tokens that contain a visible character."""
        tokens = super().tokenize(message, attribute)
        kept = [Token(t.text.translate(TO_SIMPLIFIED), t.start, t.end, t.data)
                for t in tokens if t.text.strip()]
        if not kept:
            # Rasa needs at least one token per message (an all-blank or emoji-only text).
            return tokens[:1] or [Token(message.get(attribute) or " ", 0)]
        return kept
