"""Chat answers mapped onto catalog field types before the core validates them."""

from __future__ import annotations

from datetime import date

import pytest

from chatbot.actions import field_values as fv

MEALS = (fv.ChoiceOption("veg", ("素食套餐", "素食套餐", "Vegetarian")),
         fv.ChoiceOption("meat", ("荤菜套餐", "葷菜套餐", "Meat")))


@pytest.mark.parametrize("text,value", [
    ("1", "veg"), ("2", "meat"), ("素食套餐", "veg"), ("vegetarian", "veg"), ("meat", "meat"),
    ("我要葷菜套餐。", "meat"),
])
def test_choice_by_number_value_or_label(text: str, value: str) -> None:
    assert fv.parse("choice", text, "zh_CN", MEALS) == value


def test_unknown_choice_is_not_understood() -> None:
    with pytest.raises(fv.NotUnderstood) as exc:
        fv.parse("choice", "3", "zh_CN", MEALS)
    assert exc.value.args[0] == "msg.field_choice_invalid"


def test_multichoice_splits_on_chinese_and_english_separators() -> None:
    assert fv.parse("multichoice", "1、荤菜套餐", "zh_CN", MEALS) == ["veg", "meat"]
    assert fv.parse("multichoice", "Vegetarian and Meat", "en", MEALS) == ["veg", "meat"]


@pytest.mark.parametrize("text,lang,intent,answer", [
    ("是的", "zh_CN", None, True), ("不", "zh_CN", None, False), ("yes", "zh_CN", None, True),
    ("nope", "en", None, False), ("随便写的", "zh_CN", "affirm", True), ("對", "zh_TW", None, True),
])
def test_yes_no(text: str, lang: str, intent: str | None, answer: bool) -> None:
    assert fv.parse("yesno", text, lang, intent=intent) is answer


def test_yes_no_rejects_other_text() -> None:
    with pytest.raises(fv.NotUnderstood):
        fv.parse("yesno", "明天下午", "zh_CN")


def test_numbers_and_dates() -> None:
    assert fv.parse("money", "交 1,200.50 元", "zh_CN") == "1200.50"
    assert fv.parse("number", "3 人", "zh_CN") == "3"
    assert fv.iso_date("2024年5月1日") == "2024-05-01"
    assert fv.iso_date("2024/5/1") == "2024-05-01"
    assert fv.iso_date("明天", today=date(2024, 2, 28)) == "2024-02-29"
    assert fv.iso_date("tomorrow", today=date(2024, 12, 31)) == "2025-01-01"
    assert fv.iso_date("2024-02-30") == "2024-02-30"  # left for the core to reject


def test_skip_words_per_language() -> None:
    assert fv.is_skip("跳过", "zh_CN") and fv.is_skip("跳過", "zh_TW") and fv.is_skip("skip", "en")
    assert not fv.is_skip("三号楼", "zh_CN")
