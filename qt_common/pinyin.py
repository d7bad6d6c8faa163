"""A small pinyin input method: toneless letters → ranked Chinese candidates.

The index is a compact SQLite file (qt_common/pinyin_build.py) made once per machine and
dictionary version from pypinyin's readings, jieba's word frequencies and zhconv's
traditional forms, in a process of its own: those dictionaries take some 130 MB in memory,
which the kiosk never pays. Here only the syllables' characters are held in memory (a few
hundred KB); words are looked up in the file. `build()` opens it (making it the first time,
a few seconds), lazily or in the background with `warm_up()`.
"""

from __future__ import annotations

import os
import sys
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # loaded with the index, after the first frame
    import sqlite3

DICTIONARIES = ("pypinyin", "jieba", "zhconv")


@dataclass(frozen=True)
class Candidate:
    """A choice for the composing letters: `text`, and how many letters it uses up."""

    text: str
    consumed: int


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def index_path() -> Path:
    """Where this machine keeps the index: the user's cache, one file per dictionary version."""
    from importlib.metadata import PackageNotFoundError, version

    from qt_common.pinyin_build import FORMAT

    def ver(dist: str) -> str:
        try:
            return version(dist)
        except PackageNotFoundError:
            return "0"

    tag = "-".join([f"v{FORMAT}", *(ver(d) for d in DICTIONARIES)])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "community-portal" / f"pinyin-{tag}.sqlite"


def make_index_file(path: Path) -> Path:
    """Write the index file in a child process (the dictionaries stay out of this one);
    somewhere temporary when `path`'s folder can't be written. Returns where it went."""
    import subprocess
    import tempfile

    builder = Path(__file__).with_name("pinyin_build.py")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        probe = path.with_name(f".{path.name}.{os.getpid()}.probe")
        probe.touch()
        probe.unlink()
    except OSError:
        path = Path(tempfile.mkdtemp(prefix="pinyin-")) / path.name
    subprocess.run([sys.executable, str(builder), str(path)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return path


class PinyinIndex:
    """Readings → characters and words, most frequent first (from the index file)."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._db: sqlite3.Connection | None = None
        self._db_lock = threading.Lock()  # lookups come from the UI and the worker thread
        self._chars: dict[str, str] = {}  # syllable → its characters, most used first
        self._longest_phrase = 1
        self._boost: dict[str, list[str]] = defaultdict(list)
        self._pending: list[str] = []
        self._ready = threading.Event()
        self._build_lock = threading.Lock()

    # --- building ----------------------------------------------------------------------

    def build(self) -> None:
        """Open the index, making the file first if needed (idempotent, thread-safe)."""
        with self._build_lock:
            if self._ready.is_set():
                return
            path = self._path or index_path()
            if not path.exists():
                path = make_index_file(path)
            self._open(path)
            pending, self._pending = self._pending, []
            self._add_words(pending)
            self._ready.set()

    def _open(self, path: Path) -> None:
        import sqlite3

        from qt_common.pinyin_build import FORMAT

        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        db.execute("PRAGMA cache_size=-1024")  # 1 MB of pages: lookups touch few
        meta = dict(db.execute("SELECT name, value FROM meta"))
        if meta.get("format") != FORMAT:
            db.close()
            path.unlink(missing_ok=True)
            self._open(make_index_file(path))
            return
        self._longest_phrase = int(meta.get("longest_phrase", "1"))
        self._chars = dict(db.execute("SELECT syllable, chars FROM chars"))
        self._db = db

    def _one(self, sql: str, arg: str) -> str | None:
        assert self._db is not None
        with self._db_lock:
            row = self._db.execute(sql, (arg,)).fetchone()
        return row[0] if row else None

    def add_words(self, words: Iterable[str]) -> None:
        """Rank these words (e.g. the catalog's titles and keywords) above the dictionary's.

        Before the index is built they are only noted (cheap); `build()` adds them.
        """
        with self._build_lock:
            if not self._ready.is_set():
                self._pending.extend(words)
                return
        self._add_words(words)

    def _add_words(self, words: Iterable[str]) -> None:
        for word in words:
            if not word or not all(_is_han(c) for c in word):
                continue
            key = "".join(self._reading(word))
            if word not in self._boost[key]:
                self._boost[key].append(word)

    # --- readings ----------------------------------------------------------------------

    def reading(self, text: str) -> list[str]:
        """The toneless syllables of the Chinese characters in `text` (others are skipped),
        phrases read as phrases (重庆 is chong qing, not zhong qing)."""
        self.build()
        return self._reading(text)

    def _reading(self, text: str) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(text):
            if not _is_han(text[i]):
                i += 1
                continue
            end = i
            while end < len(text) and _is_han(text[end]):
                end += 1
            for size in range(min(self._longest_phrase, end - i), 1, -1):
                phrase = self._one("SELECT reading FROM phrases WHERE phrase=?", text[i:i + size])
                if phrase is not None:
                    out += phrase.split()
                    i += size
                    break
            else:
                r = self._one("SELECT reading FROM readings WHERE char=?", text[i])
                if r:
                    out.append(r)
                i += 1
        return out

    def traditional(self, text: str) -> str:
        """`text` in traditional characters as written in Taiwan (words as a whole where
        the dictionary has them, else character by character)."""
        self.build()
        whole = self._one("SELECT trad FROM traditional WHERE text=?", text)
        if whole is not None:
            return whole
        return "".join(self._one("SELECT trad FROM traditional WHERE text=?", c) or c
                       for c in text) if len(text) > 1 else text

    # --- lookup ------------------------------------------------------------------------

    def _words(self, table: str, key: str) -> list[str]:
        found = self._one(f"SELECT words FROM {table} WHERE key=?", key)  # noqa: S608
        return found.split() if found else []

    def _prefixed(self, letters: str, rows: int) -> list[list[str]]:
        """Word lists of the keys starting with `letters` (longer keys), in key order."""
        assert self._db is not None
        with self._db_lock:
            found = self._db.execute("SELECT words FROM words WHERE key >= ? AND key < ? "
                                     "ORDER BY key LIMIT ?",
                                     (letters, letters + "\x7f", rows)).fetchall()
        return [w.split() for (w,) in found]

    def syllables(self) -> set[str]:
        """Every valid toneless syllable."""
        self.build()
        return set(self._chars)

    def first_syllable(self, letters: str) -> str:
        """The longest valid syllable at the start of `letters` ('' when none)."""
        self.build()
        for end in range(min(6, len(letters)), 0, -1):
            if letters[:end] in self._chars:
                return letters[:end]
        return ""

    def segment(self, letters: str) -> list[str]:
        """Split letters into syllables greedily ('zhongguoren' → zhong guo ren)."""
        out: list[str] = []
        rest = letters
        while rest:
            syl = self.first_syllable(rest)
            if not syl:
                break
            out.append(syl)
            rest = rest[len(syl):]
        return out

    def candidates(self, letters: str, limit: int = 12, traditional: bool = False) -> list[Candidate]:
        """Ranked choices for the composing letters (words using all of them first)."""
        self.build()
        letters = letters.lower()
        if not letters:
            return []
        out: list[Candidate] = []
        whole = len(letters)
        first = self.first_syllable(letters)
        single = first == letters
        out += [Candidate(w, whole) for w in self._boost.get(letters, ())]
        if single:
            out += [Candidate(c, whole) for c in self._chars[first][:limit]]
        exact = self._words("words", letters)
        out += [Candidate(w, whole) for w in exact[:limit]]
        for words in self._prefixed(letters, limit * 3):
            if len(out) >= limit * 3:
                break
            out += [Candidate(w, whole) for w in words[:2]]
        if len(letters) >= 2:
            out += [Candidate(w, whole) for w in self._words("initials", letters)[:limit]]
        segs = self.segment(letters)
        for k in range(len(segs) - 1, 1, -1):
            key = "".join(segs[:k])
            out += [Candidate(w, len(key)) for w in self._boost.get(key, ())]
            out += [Candidate(w, len(key)) for w in self._words("words", key)[:3]]
        if first and not single:
            out += [Candidate(c, len(first)) for c in self._chars[first][:limit]]
        seen: set[str] = set()
        ranked: list[Candidate] = []
        for cand in out:
            text = self.traditional(cand.text) if traditional else cand.text
            if text not in seen:
                seen.add(text)
                ranked.append(Candidate(text, cand.consumed))
            if len(ranked) >= limit:
                break
        return ranked

    def warm_up(self) -> threading.Thread:
        """Build the index in a background thread (call once the screen is up)."""
        thread = threading.Thread(target=self.build, name="pinyin-index", daemon=True)
        thread.start()
        return thread


_shared: PinyinIndex | None = None


def shared_index() -> PinyinIndex:
    """The process-wide index (built on first use)."""
    global _shared
    if _shared is None:
        _shared = PinyinIndex()
    return _shared


__all__ = ["Candidate", "PinyinIndex", "index_path", "shared_index"]
