"""Every message is answered in its own language: the detector behind the language slot."""

from __future__ import annotations

import pytest

from chatbot.language_detection import SIMPLIFIED_ONLY, TRADITIONAL_ONLY, detect_language


@pytest.mark.parametrize("text,lang", [
    ("我要报修", "zh_CN"), ("我要報修", "zh_TW"), ("請問物業費怎麼繳", "zh_TW"),
    ("查询办件进度", "zh_CN"), ("pay my water bill", "en"), ("Hello!", "en"),
    ("我想 pay bill", "zh_CN"), ("agent 轉人工", "zh_TW"),
    ("abc", None), ("A3", None), ("ok", "en"), ("agent", "en"), ("Bldg 3 flat 501", "en"),
    ("123456789", None), ("😀👍", None), ("", None), ("？？？", None),
])
def test_detects_language(text: str, lang: str | None) -> None:
    assert detect_language(text) == lang


def test_script_tables_do_not_overlap() -> None:
    assert not TRADITIONAL_ONLY & SIMPLIFIED_ONLY
    assert len(TRADITIONAL_ONLY) > 100
