"""An on-screen keyboard: Latin letters, digits and a pinyin mode with a candidate bar."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from qt_common.i18n import Language, Tr
from qt_common.keypad import key_button
from qt_common.pinyin import Candidate, PinyinIndex, shared_index

ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
PUNCT_LATIN = ("-", ".", "@", ",")
PUNCT_CJK = ("，", "。", "、", "？")
CANDIDATES_SHOWN = 6


class OnScreenKeyboard(QWidget):
    """Emits `committed(text)` for text to insert; in pinyin mode letters compose first.

    Pinyin mode (the default for Chinese screens) collects letters, shows candidates from
    qt_common.pinyin, and commits the chosen word; space commits the first candidate,
    enter commits the letters as typed.
    """

    committed = Signal(str)
    backspace_pressed = Signal()
    entered = Signal()
    composing_changed = Signal(str)

    def __init__(self, language: Language, index: PinyinIndex | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.tr_ = Tr(language, "qt")
        self.index = index or shared_index()
        self._letters = ""
        self._candidates: list[Candidate] = []
        self._page = 0
        self.pinyin = language.lang != "en"
        self.shift = False
        outer = QVBoxLayout(self)
        outer.setSpacing(6)
        bar = QHBoxLayout()
        self.composing = QLabel("", self)
        self.composing.setObjectName("composing")
        self.composing.setMinimumWidth(160)
        bar.addWidget(self.composing)
        self._cand_buttons: list[QPushButton] = []
        for i in range(CANDIDATES_SHOWN):
            b = key_button("", f"candidate_{i}", self)
            b.clicked.connect(lambda _=False, i=i: self.choose(self._page * CANDIDATES_SHOWN + i))
            bar.addWidget(b, 2)
            self._cand_buttons.append(b)
        self._more = key_button("›", "candidate_more", self)
        self._more.clicked.connect(self._next_page)
        bar.addWidget(self._more, 1)
        outer.addLayout(bar)
        self._letter_keys: list[QPushButton] = []
        for row in ROWS:
            line = QHBoxLayout()
            for ch in row:
                b = key_button(ch, f"key_{ch}", self)
                b.clicked.connect(lambda _=False, ch=ch: self.press(ch))
                line.addWidget(b, 2)
                if ch.isalpha():
                    self._letter_keys.append(b)
            if row == ROWS[3]:
                self._back = key_button("", "key_backspace", self)
                self._back.clicked.connect(self.backspace)
                line.addWidget(self._back, 4)
            outer.addLayout(line)
        last = QHBoxLayout()
        self._mode = key_button("", "key_mode", self)
        self._mode.clicked.connect(self.toggle_mode)
        self._shift = key_button("⇧", "key_shift", self)
        self._shift.setCheckable(True)
        self._shift.toggled.connect(self._set_shift)
        last.addWidget(self._mode, 3)
        last.addWidget(self._shift, 2)
        self._punct = [key_button("", f"key_punct_{i}", self) for i in range(4)]
        for b in self._punct[:2]:
            b.clicked.connect(lambda _=False, b=b: self.press(b.text()))
            last.addWidget(b, 2)
        self._space = key_button("", "key_space", self)
        self._space.clicked.connect(lambda: self.press(" "))
        last.addWidget(self._space, 8)
        for b in self._punct[2:]:
            b.clicked.connect(lambda _=False, b=b: self.press(b.text()))
            last.addWidget(b, 2)
        self._enter = key_button("", "key_enter", self)
        self._enter.setProperty("role", "primary")
        self._enter.clicked.connect(self.enter)
        last.addWidget(self._enter, 4)
        outer.addLayout(last)
        self.tr_.bind(self._back, "keyboard.backspace")
        self.tr_.bind(self._space, "keyboard.space")
        self.tr_.bind(self._enter, "keyboard.enter")
        language.on_change(self, self._relabel)

    # --- state -------------------------------------------------------------------------

    @property
    def letters(self) -> str:
        """The pinyin letters being composed ('' when none)."""
        return self._letters

    def candidates(self) -> list[Candidate]:
        """The current candidates for the composing letters."""
        return list(self._candidates)

    def set_pinyin(self, on: bool) -> None:
        """Switch between pinyin composition and direct Latin input."""
        self.commit_letters()
        self.pinyin = on
        self._relabel()

    def toggle_mode(self) -> None:
        self.set_pinyin(not self.pinyin)

    def reset(self) -> None:
        """Forget anything being composed (idle wipe, field change)."""
        self._letters = ""
        self._update_candidates()

    # --- keys --------------------------------------------------------------------------

    def press(self, ch: str) -> None:
        """A key: letters compose in pinyin mode, everything else is committed."""
        if self.pinyin and ch.isascii() and ch.isalpha():
            self._letters += ch.lower()
            self._update_candidates()
            return
        if self.pinyin and ch == " " and self._letters:
            self.choose(0)
            return
        self.commit_letters()
        self.committed.emit(ch.upper() if self.shift and ch.isalpha() else ch)

    def backspace(self) -> None:
        if self._letters:
            self._letters = self._letters[:-1]
            self._update_candidates()
        else:
            self.backspace_pressed.emit()

    def enter(self) -> None:
        if self._letters:
            self.commit_letters()
            return
        self.entered.emit()

    def choose(self, i: int) -> None:
        """Commit candidate i; letters it didn't use stay composing."""
        if i >= len(self._candidates):
            return
        cand = self._candidates[i]
        self._letters = self._letters[cand.consumed:]
        self.committed.emit(cand.text)
        self._update_candidates()

    def commit_letters(self) -> None:
        """Commit the composing letters as they are."""
        if self._letters:
            letters, self._letters = self._letters, ""
            self.committed.emit(letters)
            self._update_candidates()

    # --- display -----------------------------------------------------------------------

    def _update_candidates(self) -> None:
        traditional = self.language.lang == "zh_TW"
        self._candidates = self.index.candidates(self._letters, limit=CANDIDATES_SHOWN * 4,
                                                 traditional=traditional) if self._letters else []
        self._page = 0
        self._show_page()
        self.composing.setText(self._letters)
        self.composing_changed.emit(self._letters)

    def _show_page(self) -> None:
        start = self._page * CANDIDATES_SHOWN
        page = self._candidates[start:start + CANDIDATES_SHOWN]
        for i, b in enumerate(self._cand_buttons):
            b.setText(page[i].text if i < len(page) else "")
            b.setEnabled(i < len(page))
        self._more.setEnabled(len(self._candidates) > start + CANDIDATES_SHOWN)

    def _next_page(self) -> None:
        pages = max(1, -(-len(self._candidates) // CANDIDATES_SHOWN))
        self._page = (self._page + 1) % pages
        self._show_page()

    def _set_shift(self, on: bool) -> None:
        self.shift = on
        for b in self._letter_keys:
            b.setText(b.text().upper() if on else b.text().lower())

    def _relabel(self) -> None:
        self._mode.setText(self.tr_("keyboard.mode_pinyin" if self.pinyin else "keyboard.mode_latin"))
        punct = PUNCT_CJK if self.pinyin else PUNCT_LATIN
        for b, p in zip(self._punct, punct, strict=True):
            b.setText(p)
        for b in self._cand_buttons:
            b.setVisible(self.pinyin)
        self._more.setVisible(self.pinyin)
        self.composing.setVisible(self.pinyin)
        if self._letters:
            self._update_candidates()
