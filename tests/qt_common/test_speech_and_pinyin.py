"""Read-aloud through pyttsx3/espeak-ng (real audio files) and the pinyin input method."""

from __future__ import annotations

import wave

from qt_common import ReadAloud, shared_index
from qt_common.keyboard import OnScreenKeyboard
from qt_common.tts_pyttsx3 import VOICES, synthesize


def test_mandarin_text_is_rendered_with_the_mandarin_voice(tmp_path):
    zh = synthesize("您好，欢迎使用社区服务", "zh_CN", tmp_path / "zh.wav")
    en = synthesize("Welcome to community services", "en", tmp_path / "en.wav")
    assert VOICES["zh_CN"] == VOICES["zh_TW"] == "cmn"
    assert zh.voice.endswith("cmn") and en.voice.endswith("en")
    with wave.open(str(zh.path)) as w:
        assert w.getnframes() > w.getframerate()  # more than a second of speech
    slow = synthesize("您好，欢迎使用社区服务", "zh_CN", tmp_path / "slow.wav", rate=120)
    assert slow.seconds > zh.seconds  # elder mode speaks more slowly


def test_read_aloud_reports_the_utterance_and_wipe_deletes_the_audio(qapp, qtbot):
    speaker = ReadAloud(play=False)
    with qtbot.waitSignal(speaker.spoken, timeout=20000) as got:
        speaker.say("王秀英，您好", "zh_CN")
    said = got.args[0]
    assert said.text == "王秀英，您好" and said.voice.endswith("cmn") and said.path.exists()
    speaker.wipe()
    assert speaker.last is None and not said.path.exists()
    speaker.close()


def test_pinyin_candidates_rank_common_words_and_catalog_words():
    index = shared_index()
    texts = [c.text for c in index.candidates("shui", 8)]
    assert texts[0] == "水" or "水" in texts[:3]
    assert "电费" in [c.text for c in index.candidates("dianfei", 5)]
    assert index.segment("zhongguoren") == ["zhong", "guo", "ren"]
    assert [c.consumed for c in index.candidates("zhongguoren", 12)][0] in (8, 11)
    index.add_words(["物业报修"])
    assert index.candidates("wuyebaoxiu", 3)[0].text == "物业报修"
    assert "物業" in [c.text for c in index.candidates("wuye", 6, traditional=True)]
    assert index.reading("重庆的银行ATM") == ["chong", "qing", "de", "yin", "hang"]


_INDEX_IN_A_FRESH_PROCESS = """
import sys
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
before = rss()
from qt_common.pinyin import shared_index
index = shared_index()
index.build()
index.add_words(["物业报修"])
assert index.candidates("wuyebaoxiu", 3)[0].text == "物业报修"
assert "物業" in [c.text for c in index.candidates("wuye", 6, traditional=True)]
loaded = sorted(m for m in ("pypinyin", "jieba", "zhconv") if m in sys.modules)
print(round(rss() - before, 1), ",".join(loaded) or "-")
"""


def test_the_pinyin_index_costs_the_kiosk_little_memory():
    """The dictionaries it is made from (some 130 MB loaded) stay out of the process using it."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", _INDEX_IN_A_FRESH_PROCESS], cwd=root,
                         capture_output=True, text=True, timeout=300, check=True).stdout
    grown, loaded = out.split()
    assert loaded == "-" and float(grown) < 30, out


def test_the_index_file_is_made_once_where_there_is_none(tmp_path):
    from qt_common.pinyin import PinyinIndex, index_path

    made = PinyinIndex(tmp_path / "pinyin.sqlite")
    made.build()  # a new machine: written by a child process
    assert (tmp_path / "pinyin.sqlite").exists() and not list(tmp_path.glob("*.tmp"))
    assert [c.text for c in made.candidates("dianfei", 5)] == \
        [c.text for c in PinyinIndex(index_path()).candidates("dianfei", 5)]


def test_keyboard_composes_pinyin_and_keeps_unused_letters(qapp, qtbot):
    from qt_common import Language

    lang = Language("zh_CN")
    kb = OnScreenKeyboard(lang, shared_index())
    qtbot.addWidget(kb)
    out: list[str] = []
    kb.committed.connect(out.append)
    for ch in "wangxiuying":
        kb.press(ch)
    first = kb.candidates()[0]
    kb.choose(0)
    assert out == [first.text] and kb.letters == "wangxiuying"[first.consumed:]
    kb.enter()  # enter commits the letters as typed
    assert out[-1] == "wangxiuying"[first.consumed:] and kb.letters == ""
    lang.set_lang("zh_TW")
    for ch in "wuye":
        kb.press(ch)
    assert "物業" in [c.text for c in kb.candidates()]
    kb.reset()
    assert kb.letters == "" and kb.candidates() == []
