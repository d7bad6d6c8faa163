"""Chat rendering of answers: each language's own words and list separator."""

from __future__ import annotations

import pytest

from channel_render.chat import shown_value
from portal_client.types import Choice, Field

MEALS = Field(key="meals", type="multichoice", required=True,
              label={"zh_CN": "餐食", "zh_TW": "餐食", "en": "Meals"},
              choices=(Choice("veg", {"zh_CN": "素菜", "zh_TW": "素菜", "en": "Vegetarian"}),
                       Choice("meat", {"zh_CN": "荤菜", "zh_TW": "葷菜", "en": "Meat"})))


@pytest.mark.parametrize(("lang", "shown"), [
    ("zh_CN", "素菜、荤菜"), ("zh_TW", "素菜、葷菜"), ("en", "Vegetarian, Meat"),
])
def test_a_multichoice_answer_is_listed_in_the_users_language(lang: str, shown: str) -> None:
    assert shown_value(MEALS, ["veg", "meat"], lang) == shown


def test_an_unknown_choice_is_shown_as_given_and_an_empty_one_as_none() -> None:
    assert shown_value(MEALS, ["veg", "fish"], "en") == "Vegetarian, fish"
    assert shown_value(MEALS, [], "en") == "(none)"
