"""Numbers, amounts, dates and times as callers say them, in Chinese or English.

Twilio's SpeechResult often has digits already ("3 yue 8 ri", "2:30 p.m."), but not
always ("san yue ba hao", "liang dian ban", "twenty five"). The words come from hotline.po
(`words.digits`, `words.numerals`, `words.months`…) in every language at once, since
callers mix them.
A text is first read into items (numbers, multipliers, markers), then each reader looks
for its pattern among the items.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from portal_client.i18n import LANGS, gettext

# Item kinds. "num": a number (value; digit=True for a single digit word or an arabic run),
# "mult": shi (ten)/hundred…, "and": filler inside a number, "point", "yuan", "jiao", "year",
# "month" (value: 1-12 for a month name, 0 for the yue marker), "day", "rel" (days from
# today), "clock", "minute", "half", "am", "pm", "x" (the ID check letter), "letter" (A-F
# of a card number), "other".


@dataclass(frozen=True)
class Item:
    kind: str
    value: int = 0
    text: str = ""
    digit: bool = False  # one digit said on its own (or arabic digits): read digit by digit
    gap: bool = False  # whitespace before it


def _groups(key: str, sep: str = ",") -> Iterable[tuple[int, list[str]]]:
    for lang in LANGS:
        text = gettext("hotline", key, lang)
        for i, group in enumerate(text.split(sep)):
            yield i, [w.strip().lower() for w in group.split("/") if w.strip()]


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Item]:
    """Every word a number, date or time is made of, from hotline.po in every language."""
    words: dict[str, Item] = {}

    def add(word: str, item: Item) -> None:
        words.setdefault(word, item)

    for n, group in _groups("words.digits", " "):
        for w in group:
            add(w, Item("num", n, w, digit=True))
    for lang in LANGS:
        for entry in gettext("hotline", "words.numerals", lang).split():
            word, _, value = entry.partition("=")
            if value == "+":
                add(word.lower(), Item("and", 0, word))
            elif value.startswith("*"):
                add(word.lower(), Item("mult", int(value[1:]), word))
            elif value.isdigit():
                add(word.lower(), Item("num", int(value), word))
    for key, kind in (("words.point", "point"), ("words.yuan", "yuan"), ("words.jiao", "jiao"),
                      ("words.clock", "clock"), ("words.minute", "minute"),
                      ("words.half", "half"), ("words.am", "am"), ("words.pm", "pm"),
                      ("words.letter_x", "x")):
        for _, group in _groups(key):
            for w in group:
                add(w, Item(kind, 0, w))
    for i, group in _groups("words.date_marks"):
        for w in group:
            add(w, Item(("year", "month", "day")[min(i, 2)], 0, w))
    for i, group in _groups("words.months"):
        for w in group:
            add(w, Item("month", i + 1, w))
    for i, group in _groups("words.relative_days"):
        for w in group:
            add(w, Item("rel", i, w))
    return words


@lru_cache(maxsize=1)
def _phrases() -> list[str]:
    """Words of several English words ('day after tomorrow'), longest first."""
    return sorted((w for w in lexicon() if " " in w), key=len, reverse=True)


@lru_cache(maxsize=1)
def _longest() -> int:
    return max((len(w) for w in lexicon()), default=1)


_ARABIC = re.compile(r"\d+(?:\.\d+)?(?::\d{2})?(?:st|nd|rd|th)?")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_ABBREVIATION = re.compile(r"\b(?:[a-z]\.){2,}")  # "p.m." → "pm"
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_SUFFIX = re.compile(r"(st|nd|rd|th)$")


def items(text: str) -> list[Item]:
    """The text read as number, date and time words (anything else is 'other')."""
    words, longest = lexicon(), _longest()
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _ABBREVIATION.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _THOUSANDS.sub("", text)
    out: list[Item] = []
    i, gap = 0, False
    while i < len(text):
        ch = text[i]
        if ch.isspace() or ch in ",，、。":
            gap, i = True, i + 1
            continue
        found: Item | None = None
        m = _ARABIC.match(text, i) if ch.isdigit() else None
        if m:
            raw = _SUFFIX.sub("", m.group(0))
            found, end = Item("hm" if ":" in raw else "num", 0, raw, digit=True), m.end()
        elif ch.isascii() and ch.isalpha():
            phrase = next((w for w in _phrases() if text.startswith(w, i)
                           and not text[i + len(w):i + len(w) + 1].isalpha()), None)
            m = _WORD.match(text, i)
            assert m is not None
            word, end = (phrase, i + len(phrase)) if phrase else (m.group(0), m.end())
            found = words.get(word) or (Item("letter", 0, word.upper())
                                        if len(word) == 1 and word in "abcdef"
                                        else Item("other", 0, word))
        else:
            end = i + 1
            for size in range(min(longest, len(text) - i), 0, -1):
                if text[i:i + size] in words:
                    found, end = words[text[i:i + size]], i + size
                    break
            found = found or Item("other", 0, ch)
        out.append(Item(found.kind, found.value, found.text, found.digit, gap))
        i, gap = end, False
    return out


# --- numbers -------------------------------------------------------------------------

def _arabic(item: Item) -> bool:
    return item.text[:1].isdigit()


def _digit_text(item: Item) -> str:
    return item.text if _arabic(item) else str(item.value)


def read_number(seq: list[Item], start: int, decimals: bool = True) -> tuple[str | None, int]:
    """The number that starts at `start` ('2025', '35', '12.5') and the index after it.

    Digits said one by one are joined ('er ling er wu' → 2025, 'one three eight' → 138);
    with shi/bai/hundred they are counted ('san shi wu' → 35, 'er bai wu' → 250, 'two
    hundred and five' → 205); a tens word after a number starts another ('two thirty' is 2, then 30), and so
    do digits keyed apart ('2 30')."""
    if start >= len(seq) or seq[start].kind not in ("num", "mult"):
        return None, start
    run = [seq[start]]
    i = start + 1
    while i < len(seq):
        x = seq[i]
        if x.kind == "and" and run[-1].kind == "mult" and i + 1 < len(seq) \
                and seq[i + 1].kind == "num":
            i += 1
            continue
        if x.kind not in ("num", "mult") or not _continues(run, x):
            break
        run.append(x)
        i += 1
    text = _value(run)
    if decimals and i + 1 < len(seq) and seq[i].kind == "point" and seq[i + 1].kind == "num" \
            and "." not in text:
        frac, i = _digits_after(seq, i + 1)
        text = f"{text}.{frac}"
    return text, i


def _counted(run: list[Item]) -> bool:
    return any(x.kind == "mult" or not x.digit for x in run)


def _continues(run: list[Item], nxt: Item) -> bool:
    """Whether `nxt` goes on with the number said so far."""
    last = run[-1]
    if nxt.kind == "mult":
        return _counted(run) or len(run) == 1
    if not nxt.digit:  # ten … ninety
        return last.kind == "mult"
    if last.kind == "mult":
        return True
    if _counted(run):  # twenty-five; yi qian ling wu (1005)
        return (not last.digit and last.value % 10 == 0 and last.value >= 20) \
            or (last.digit and last.value == 0 and not _arabic(last))
    if nxt.gap and (_arabic(nxt) or _arabic(last)):
        return False  # '2 30': keyed or written apart, two numbers
    return True


def _value(run: list[Item]) -> str:
    if not _counted(run):
        return "".join(_digit_text(x) for x in run)
    total = section = 0
    current: int | None = None
    biggest = 0  # the largest multiplier within this section (hundred in 'two hundred')
    for x in run:
        if x.kind == "num":
            current = (current or 0) + (int(float(x.text)) if _arabic(x) else x.value)
        elif x.value >= 10000:
            total = ((total + section + (current or 0)) or 1) * x.value
            section, current, biggest = 0, None, 0
        elif x.value > biggest and section:
            section = (section + (current or 0)) * x.value
            current, biggest = None, x.value
        else:
            section += (1 if current is None else current) * x.value
            current, biggest = None, max(biggest, x.value)
    last, before = run[-1], run[-2] if len(run) > 1 else None
    if (current is not None and before is not None and before.kind == "mult"
            and before.value >= 100 and last.digit and not _arabic(last) and not last.gap):
        current *= before.value // 10  # er bai wu = 250, yi wan er = 12000: the unit left unsaid
    return str(total + section + (current or 0))


def _digits_after(seq: list[Item], i: int) -> tuple[str, int]:
    out = []
    while i < len(seq) and seq[i].kind == "num" and seq[i].digit:
        out.append(_digit_text(seq[i]))
        i += 1
    return "".join(out), i


def numbers_in(seq: list[Item], decimals: bool = True) -> list[tuple[str, int, int]]:
    """Every number in the items: (text, start, end)."""
    out, i = [], 0
    while i < len(seq):
        value, end = read_number(seq, i, decimals)
        if value is None:
            i += 1
            continue
        out.append((value, i, end))
        i = end
    return out


def spoken_number(text: str) -> str | None:
    """The one number a caller said ('san ge ren' → '3', 'twelve point five' → '12.5')."""
    found = numbers_in(items(text))
    return found[0][0] if len(found) == 1 else None


def spoken_amount(text: str) -> str | None:
    """An amount in yuan ('shi er kuai wu' → '12.5', '12.50 yuan', '12 yuan 50' → '12.50')."""
    seq = items(text)
    found = numbers_in(seq)
    if len(found) == 1:
        return found[0][0]
    if len(found) == 2:
        (whole, _, end), (part, start, _) = found
        if "." not in whole and part.isdigit() and len(part) <= 2 and end < len(seq) \
                and seq[end].kind == "yuan" and start == end + 1:
            return f"{whole}.{part}"  # shi er kuai wu → 12.5; 12 yuan 50 → 12.50
    return None


def spoken_digits(text: str, letters: str = "") -> str:
    """Digits said one by one ('yao san ba…', 'one three eight…', '138 0000'); `letters` lets
    letters through: the ID check letter X ('…ling er cha' → '…02X'), a card's A-F."""
    out = []
    for x in items(text):
        if x.kind == "num" and x.digit and "." not in x.text:
            out.append(_digit_text(x))
        elif x.kind == "x" and "X" in letters:
            out.append("X")
        elif x.kind == "letter" and x.text in letters:
            out.append(x.text)
    return "".join(out)


def spoken_card(text: str) -> str | None:
    """A hexadecimal one-card number said as digits and letters A-F ('A1B2C3D4')."""
    return spoken_digits(text, letters="ABCDEF") or None


# --- dates and times -----------------------------------------------------------------

def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _span(start: int, end: int) -> set[int]:
    return set(range(start, end))


def _date_in(seq: list[Item], today: date) -> tuple[date | None, set[int]]:
    """A date in the items and the indexes it used."""
    rel = next((i for i, x in enumerate(seq) if x.kind == "rel"), None)
    if rel is not None:
        return today + timedelta(days=seq[rel].value), {rel}
    nums = [(int(v), s, e) for v, s, e in numbers_in(seq, decimals=False) if v.isdigit()]
    used: set[int] = set()

    def marked(kind: str) -> int | None:
        for value, start, end in nums:
            if end < len(seq) and seq[end].kind == kind and seq[end].value == 0:
                used.update(_span(start, end + 1))
                return value
        return None

    year, month, day = marked("year"), marked("month"), marked("day")
    named = next((i for i, x in enumerate(seq) if x.kind == "month" and x.value), None)
    if month is None and named is not None:
        month = seq[named].value
        used.add(named)
        if day is None:  # March 8th, the 8th of March
            near = sorted((abs(s - named), v, s, e) for v, s, e in nums
                          if 1 <= v <= 31 and not _span(s, e) & used)
            if near:
                _, day, s, e = near[0]
                used.update(_span(s, e))
    if year is None:
        four = [(v, s, e) for v, s, e in nums if 1900 <= v <= 2199 and not _span(s, e) & used]
        if four:
            year = four[0][0]
            used.update(_span(four[0][1], four[0][2]))
    if month is None and day is None:
        compact = next((v for v, _, _ in nums if 19000101 <= v <= 21991231), None)
        if compact is not None:
            text = str(compact)
            return _valid(int(text[:4]), int(text[4:6]), int(text[6:])), _span(0, len(seq))
        return None, set()
    if day is None:
        return None, set()
    if month is None:  # 'ba hao': the next 8th
        month = today.month if day >= today.day else today.month % 12 + 1
        if year is None and month < today.month:
            year = today.year + 1
    return _valid(year or today.year, month, day), used


def _time_in(seq: list[Item], skip: set[int]) -> tuple[int, int] | None:
    """(hour, minute) in the items, leaving out those a date used."""
    rest = [Item("other") if i in skip else x for i, x in enumerate(seq)]
    pm = any(x.kind == "pm" for x in rest)
    am = any(x.kind == "am" for x in rest)
    clock = next((x.text for x in rest if x.kind == "hm"), None)
    if clock is not None:
        hour, minute = (int(p) for p in clock.split(":"))
    else:
        nums = [(int(v), s, e) for v, s, e in numbers_in(rest, decimals=False) if v.isdigit()]
        if not nums:
            return None
        marked = [n for n in nums if n[2] < len(rest) and rest[n[2]].kind in ("clock", "point")]
        hour, _, end = marked[0] if marked else nums[0]
        after = end + 1 if marked else end
        later = [n for n in nums if n[1] >= after]
        if after < len(rest) and rest[after].kind == "half":
            minute = 30
        elif later and later[0][1] <= after + 1 and later[0][0] <= 59:
            minute = later[0][0]
        elif not marked and not (am or pm) and len(nums) == 1 and 100 <= hour <= 2359:
            hour, minute = divmod(hour, 100)  # 1430
        else:
            minute = 0
    if pm and hour < 12:
        hour += 12
    elif am and hour == 12:
        hour = 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return hour, minute


def spoken_date(text: str, today: date) -> str | None:
    """'2025 nian 3 yue 8 ri', 'san yue ba hao', 'March 8th', 'tomorrow', '20250308' → '2025-03-08'."""
    found, _ = _date_in(items(text), today)
    return found.isoformat() if found else None


def spoken_time(text: str) -> str | None:
    """'xia wu liang dian ban', '14 dian 30 fen', '2:30 p.m.', 'two thirty pm' → '14:30'."""
    found = _time_in(items(text), set())
    return f"{found[0]:02d}:{found[1]:02d}" if found else None


def spoken_datetime(text: str, today: date) -> str | None:
    """'ming tian shang wu jiu dian', 'March 8th at 2 pm' → '2025-03-09T09:00'."""
    seq = items(text)
    day, used = _date_in(seq, today)
    if day is None:
        return None
    found = _time_in(seq, used)
    return f"{day.isoformat()}T{found[0]:02d}:{found[1]:02d}" if found else None


def words_for(key: str, lang: str) -> tuple[str, ...]:
    """One language's words of a vocabulary key (speech hints for the recogniser)."""
    text = gettext("hotline", key, lang)
    sep = " " if key in ("words.digits", "words.numerals") else ","
    out = []
    for group in text.split(sep):
        word = group.split("/")[0].split("=")[0].strip()
        if word:
            out.append(word)
    return tuple(out)
