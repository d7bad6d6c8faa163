"""Build the pinyin index file: `python qt_common/pinyin_build.py OUT.sqlite`.

Runs in a process of its own (qt_common.pinyin starts it once per machine and dictionary
version), so pypinyin's and jieba's dictionaries (some 130 MB in memory) never load into a
kiosk: it keeps only the compact SQLite file written here.

Readings come from pypinyin's dictionaries, word frequencies from jieba's dictionary (used
as data only), traditional forms (zh_TW) from zhconv. Tables:

    chars(syllable, chars)      characters of a toneless syllable, most used first
    readings(char, reading)     a character's main toneless reading
    phrases(phrase, reading)    pypinyin's phrase readings ('zhong guo'), for polyphones
    words(key, words)           words by their letters ('zhongguo'), most used first
    initials(key, words)        words by their initials ('zg'), the 20 most used
    traditional(text, trad)     a word or character whose zh_TW form differs
    meta(name, value)
"""

from __future__ import annotations

import os
import re
import sys
from collections import defaultdict
from pathlib import Path

FORMAT = "1"  # bump when the tables change
MIN_WORD_FREQ = 20
_HAN = re.compile(r"^[\u4e00-\u9fff]{1,4}$")
_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE chars (syllable TEXT PRIMARY KEY, chars TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE readings (char TEXT PRIMARY KEY, reading TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE phrases (phrase TEXT PRIMARY KEY, reading TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE words (key TEXT PRIMARY KEY, words TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE initials (key TEXT PRIMARY KEY, words TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE traditional (text TEXT PRIMARY KEY, trad TEXT NOT NULL) WITHOUT ROWID;
"""


def _toneless(reading: str) -> str:
    from pypinyin.contrib.tone_convert import to_normal

    return to_normal(reading).replace("ü", "v")


def build(out: Path) -> None:
    """Write the index to `out` (through a temporary file, so readers never see half)."""
    import sqlite3

    import jieba
    import zhconv
    from pypinyin import phrases_dict, pinyin_dict

    readings: dict[str, list[str]] = {}
    for cp, text in pinyin_dict.pinyin_dict.items():
        readings[chr(cp)] = list(dict.fromkeys(_toneless(r) for r in text.split(",")))
    freq: dict[str, int] = {}
    words: list[tuple[str, int]] = []
    with Path(jieba.__file__).with_name("dict.txt").open(encoding="utf-8") as fh:
        for line in fh:
            word, count, *_ = line.split(" ")
            if not _HAN.match(word):
                continue
            n = int(count)
            if len(word) == 1:
                freq[word] = n
            elif n >= MIN_WORD_FREQ:
                words.append((word, n))
    chars: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for ch, rs in readings.items():
        for rank, r in enumerate(rs):
            # a character's main reading outranks its rare ones (呆 is dai before bao)
            chars[r].append((min(rank, 1), -freq.get(ch, 0), ch))
    phrases = phrases_dict.phrases_dict
    by_key: dict[str, list[tuple[int, str]]] = defaultdict(list)
    by_initials: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for word, n in words:
        if word in phrases:
            syl = [_toneless(r[0]) for r in phrases[word]]
        else:
            try:
                syl = [readings[c][0] for c in word]
            except KeyError:
                continue
        by_key["".join(syl)].append((-n, word))
        by_initials["".join(s[0] for s in syl)].append((-n, word))

    def trad(text: str) -> str:
        return zhconv.convert(text, "zh-tw")

    tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp")
    db = sqlite3.connect(tmp)
    db.executescript(_SCHEMA)
    db.executemany("INSERT INTO chars VALUES (?, ?)",
                   ((k, "".join(c for *_, c in sorted(v))) for k, v in chars.items()))
    db.executemany("INSERT INTO readings VALUES (?, ?)",
                   ((ch, rs[0]) for ch, rs in readings.items() if rs))
    db.executemany("INSERT INTO phrases VALUES (?, ?)",
                   ((p, " ".join(_toneless(r[0]) for r in rs)) for p, rs in phrases.items()))
    db.executemany("INSERT INTO words VALUES (?, ?)",
                   ((k, " ".join(w for _, w in sorted(v))) for k, v in by_key.items()))
    db.executemany("INSERT INTO initials VALUES (?, ?)",
                   ((k, " ".join(w for _, w in sorted(v)[:20])) for k, v in by_initials.items()))
    seen = {w for w, _ in words} | set(readings)
    db.executemany("INSERT INTO traditional VALUES (?, ?)",
                   ((t, tr) for t in sorted(seen) if (tr := trad(t)) != t))
    longest = max((len(p) for p in phrases), default=1)
    db.executemany("INSERT INTO meta VALUES (?, ?)",
                   (("format", FORMAT), ("longest_phrase", str(longest))))
    db.commit()
    db.execute("VACUUM")
    db.close()
    os.replace(tmp, out)


if __name__ == "__main__":
    build(Path(sys.argv[1]))
