"""Date, time and date-time editors made of big −/+ steppers and quick-pick buttons."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from channel_render import resolve_date_bound, touch
from channel_render.clock import community_today
from portal_client.types import Field
from qt_common import formatting
from qt_common.fields.base import FieldEditor, register
from qt_common.i18n import Language

MINUTE_STEP = 15


class Stepper(QWidget):
    """[−] value [+]: one part of a date or time, with big buttons."""

    stepped = Signal(int)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.minus = QPushButton("−", self)
        self.minus.setObjectName(f"{name}_minus")
        self.plus = QPushButton("+", self)
        self.plus.setObjectName(f"{name}_plus")
        self.label = QLabel("", self)
        self.label.setObjectName(f"{name}_value")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setMinimumWidth(70)
        for w in (self.minus, self.label, self.plus):
            lay.addWidget(w)
        self.minus.clicked.connect(lambda: self.stepped.emit(-1))
        self.plus.clicked.connect(lambda: self.stepped.emit(1))


def _add_months(d: date, n: int) -> date:
    month = d.month - 1 + n
    year, month = d.year + month // 12, month % 12 + 1
    return d.replace(year=year, month=month, day=min(d.day, calendar.monthrange(year, month)[1]))


@register(touch.CALENDAR)
class DateEditor(FieldEditor):
    """Year, month and day steppers plus 'today' / 'tomorrow', kept within the field's bounds."""

    def __init__(self, field: Field, language: Language, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(field, language, parent)
        self.today = today or community_today()
        self.lo = resolve_date_bound(field.min, self.today)
        self.hi = resolve_date_bound(field.max, self.today)
        self._value: date | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.shown = QLabel("", self)
        self.shown.setObjectName(f"date_{field.key}")
        lay.addWidget(self.shown)
        row = QHBoxLayout()
        key = field.key
        self.year, self.month, self.day = (Stepper(f"{key}_{p}", self) for p in ("year", "month", "day"))
        self.year.stepped.connect(lambda n: self._step(lambda d: _add_months(d, 12 * n)))
        self.month.stepped.connect(lambda n: self._step(lambda d: _add_months(d, n)))
        self.day.stepped.connect(lambda n: self._step(lambda d: d + timedelta(days=n)))
        for s in (self.year, self.month, self.day):
            row.addWidget(s)
        lay.addLayout(row)
        quick = QHBoxLayout()
        self.today_btn = QPushButton(self)
        self.today_btn.setObjectName(f"{key}_today")
        self.tomorrow_btn = QPushButton(self)
        self.tomorrow_btn.setObjectName(f"{key}_tomorrow")
        self.today_btn.clicked.connect(lambda: self.set_value(self.clamp(self.today)))
        self.tomorrow_btn.clicked.connect(
            lambda: self.set_value(self.clamp(self.today + timedelta(days=1))))
        quick.addWidget(self.today_btn)
        quick.addWidget(self.tomorrow_btn)
        quick.addStretch(1)
        lay.addLayout(quick)
        self.tr_.bind(self.today_btn, "date.today")
        self.tr_.bind(self.tomorrow_btn, "date.tomorrow")
        self.today_btn.setVisible(self._allowed(self.today))
        self.tomorrow_btn.setVisible(self._allowed(self.today + timedelta(days=1)))
        language.on_change(self, self._show)

    def _allowed(self, d: date) -> bool:
        return (self.lo is None or d >= self.lo) and (self.hi is None or d <= self.hi)

    def clamp(self, d: date) -> date:
        """`d` moved inside the field's bounds."""
        if self.lo is not None and d < self.lo:
            return self.lo
        if self.hi is not None and d > self.hi:
            return self.hi
        return d

    def _step(self, move) -> None:
        start = self._value or self.clamp(self.today)
        self.set_value(self.clamp(move(start)) if self._value else start)

    def _show(self) -> None:
        lang = self.language.lang
        d = self._value
        self.shown.setText(formatting.day(d, lang) if d else self.tr_("date.unset"))
        self.year.label.setText(str(d.year) if d else "—")
        self.month.label.setText(str(d.month) if d else "—")
        self.day.label.setText(str(d.day) if d else "—")

    def value(self) -> object | None:
        return self._value.isoformat() if self._value else None

    def set_value(self, value: object | None) -> None:
        if isinstance(value, str):
            value = date.fromisoformat(value)
        self._value = value if isinstance(value, date) else None
        self._show()
        self.changed.emit()

    def display_value(self) -> str:
        return formatting.day(self._value, self.language.lang) if self._value else ""

    def focus_target(self) -> QWidget:
        return self.day.plus


@register(touch.TIME)
class TimeEditor(FieldEditor):
    """Hour and minute steppers (minutes in quarter hours)."""

    def __init__(self, field: Field, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(field, language, parent)
        self._value: time | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.shown = QLabel("", self)
        self.shown.setObjectName(f"time_{field.key}")
        lay.addWidget(self.shown)
        row = QHBoxLayout()
        self.hour = Stepper(f"{field.key}_hour", self)
        self.minute = Stepper(f"{field.key}_minute", self)
        self.hour.stepped.connect(lambda n: self._step(60 * n))
        self.minute.stepped.connect(lambda n: self._step(MINUTE_STEP * n))
        row.addWidget(self.hour)
        row.addWidget(self.minute)
        row.addStretch(1)
        lay.addLayout(row)
        language.on_change(self, self._show)

    def _step(self, minutes: int) -> None:
        if self._value is None:
            self.set_value(time(9, 0))
            return
        total = (self._value.hour * 60 + self._value.minute + minutes) % (24 * 60)
        self.set_value(time(total // 60, total % 60))

    def _show(self) -> None:
        t = self._value
        self.shown.setText(t.strftime("%H:%M") if t else self.tr_("time.unset"))
        self.hour.label.setText(f"{t.hour:02d}" if t else "—")
        self.minute.label.setText(f"{t.minute:02d}" if t else "—")

    def value(self) -> object | None:
        return self._value.strftime("%H:%M") if self._value else None

    def set_value(self, value: object | None) -> None:
        if isinstance(value, str):
            value = time.fromisoformat(value)
        self._value = value if isinstance(value, time) else None
        self._show()
        self.changed.emit()

    def focus_target(self) -> QWidget:
        return self.hour.plus


@register(touch.DATE_TIME)
class DateTimeEditor(FieldEditor):
    """A date editor and a time editor; the value needs both."""

    def __init__(self, field: Field, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(field, language, parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.date = DateEditor(field, language, self)
        self.time = TimeEditor(field, language, self)
        self.date.setObjectName(f"field_{field.key}_date")
        self.time.setObjectName(f"field_{field.key}_time")
        lay.addWidget(self.date)
        lay.addWidget(self.time)
        self.date.changed.connect(self.changed)
        self.time.changed.connect(self.changed)

    def value(self) -> object | None:
        d, t = self.date.value(), self.time.value()
        return f"{d}T{t}" if d and t else None

    def set_value(self, value: object | None) -> None:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if isinstance(value, datetime):
            self.date.set_value(value.date())
            self.time.set_value(value.time().replace(second=0, microsecond=0))
        else:
            self.date.set_value(None)
            self.time.set_value(None)

    def display_value(self) -> str:
        v = self.value()
        return formatting.moment(str(v), self.language.lang) if v else ""

    def focus_target(self) -> QWidget:
        return self.date.focus_target()
