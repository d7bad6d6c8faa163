"""qt_common's pieces on their own: language binding, editors per field type, input, QR."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from portal_client.types import Choice, Field
from qt_common import (
    ELDER,
    STANDARD,
    FormView,
    InputPanel,
    Language,
    NumericKeypad,
    Tr,
    Worker,
    audit,
    contrast_ratio,
    editor_for,
    theme,
)
from qt_common.fields import supported_types
from qt_common.qr import qr_image, qr_matrix

T = {"zh_CN": "地点", "zh_TW": "地點", "en": "Location"}
TYPES = ("text", "longtext", "number", "money", "date", "time", "datetime", "choice",
         "multichoice", "yesno", "phone", "idcard", "address", "photo")


def field(key: str, type_: str, **kw) -> Field:
    if type_ in ("choice", "multichoice") and "choices" not in kw:
        kw["choices"] = (Choice("a", {"zh_CN": "甲", "zh_TW": "甲", "en": "A"}, "12.00"),
                         Choice("b", {"zh_CN": "乙", "zh_TW": "乙", "en": "B"}))
    return Field(key, type_, kw.pop("required", True), kw.pop("label", T), **kw)


@pytest.fixture
def lang(qapp):
    theme.apply(qapp, STANDARD, "zh_CN")
    return Language("zh_CN")


def test_every_catalog_field_type_has_an_editor():
    assert set(TYPES) <= supported_types()


def test_bound_texts_follow_the_language_and_forget_destroyed_widgets(lang, qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    Tr(lang, "qt").bind(label, "yesno.yes")
    assert label.text() == "是"
    lang.set_lang("en")
    assert label.text() == "Yes"
    gone = QLabel()
    Tr(lang, "qt").bind(gone, "yesno.no")
    count = lang.binding_count
    gone.deleteLater()
    qtbot.waitUntil(lambda: lang.binding_count == count - 1)
    lang.set_lang("zh_TW")  # no error from the deleted label
    assert label.text() == "是"


@pytest.mark.parametrize("type_,value,shown", [
    ("text", "门口路灯", "门口路灯"), ("longtext", "第一行\n第二行", "第一行\n第二行"),
    ("number", "12", None), ("money", "35.5", "¥35.50"), ("phone", "13800000009", None),
    ("idcard", "11010519491231002x", None), ("address", "3号楼", None),
    ("choice", "a", "甲"), ("multichoice", ["a", "b"], "甲、乙"), ("yesno", True, "是"),
    ("date", (date.today() + timedelta(days=2)).isoformat(), None), ("time", "10:30", "10:30"),
    ("datetime", "2031-05-06T10:15", None),
])
def test_editors_give_values_in_api_form(lang, qtbot, type_, value, shown):
    ed = editor_for(field("x", type_), lang)
    qtbot.addWidget(ed)
    assert ed.value() is None and ed.display_value() == ""
    ed.set_value(value)
    expected = value.upper() if type_ == "idcard" else value
    assert ed.value() == expected
    if shown is not None:
        assert ed.display_value() == shown
    ed.clear()
    assert ed.value() is None


def test_choice_buttons_are_exclusive_and_show_prices(lang, qtbot):
    ed = editor_for(field("x", "choice"), lang)
    qtbot.addWidget(ed)
    ed.show()
    ed.buttons["a"].click()
    ed.buttons["b"].click()
    assert ed.value() == "b" and not ed.buttons["a"].isChecked()
    assert ed.buttons["a"].text() == "甲  ¥12.00"
    lang.set_lang("en")
    assert ed.buttons["a"].text().startswith("A  ")


def test_date_editor_keeps_within_bounds(lang, qtbot):
    today = date(2030, 1, 31)
    from qt_common.fields.when import DateEditor

    ed = DateEditor(field("d", "date", min="today", max="today+20d"), lang, today=today)
    qtbot.addWidget(ed)
    ed.month.minus.click()  # first tap: today
    assert ed.value() == "2030-01-31"
    ed.month.minus.click()  # a month back is before the minimum: stays at the minimum
    assert ed.value() == "2030-01-31"
    ed.month.plus.click()  # 31 Jan + 1 month = 28 Feb, past the maximum: clamped to 20 Feb
    assert ed.value() == "2030-02-20"
    ed.day.minus.click()
    assert ed.value() == "2030-02-19"
    ed.year.plus.click()
    assert ed.value() == "2030-02-20"


def test_form_skips_fields_hidden_for_the_medium_and_checks_locally(lang, qtbot):
    fields = [field("a", "text"), field("b", "number", min=1, max=5),
              field("c", "photo", hints={"kiosk": {"hidden": True}}), field("d", "photo")]
    form = FormView(fields, lang, medium="kiosk")
    qtbot.addWidget(form)
    assert list(form.rows) == ["a", "b", "d"]
    form.editors["b"].set_value("9")
    errors = form.local_errors()
    assert set(errors) == {"a", "b"}  # the photo can't be collected here: no local error
    assert "5" in errors["b"]
    form.set_errors({"a": "核心的消息"})
    assert form.rows["a"].error.text() == "核心的消息" and form.first_error() is form.rows["a"]
    assert form.rows["a"].editor.edit.property("invalid") is True
    form.editors["a"].set_value("x")  # editing a field clears its error
    assert form.errors() == {}


def test_input_panel_types_into_the_focused_field(lang, qtbot):
    root = QWidget()
    lay = QVBoxLayout(root)
    form = FormView([field("t", "text"), field("n", "money"), field("i", "idcard")], lang)
    panel = InputPanel(lang)
    lay.addWidget(form)
    lay.addWidget(panel)
    panel.follow_focus(form)
    qtbot.addWidget(root)
    root.show()
    root.activateWindow()
    qtbot.waitUntil(root.isActiveWindow)
    money = form.editors["n"].edit
    money.setFocus()
    qtbot.waitUntil(lambda: panel.target is money)
    assert panel.currentWidget() is panel.keypad and panel.keypad.button_for(".").isVisible()
    for key in "12.5":
        panel.keypad.button_for(key).click()
    assert money.text() == "12.5"
    form.editors["i"].edit.setFocus()
    qtbot.waitUntil(lambda: panel.keypad.button_for("X").isVisible())
    text = form.editors["t"].edit
    text.setFocus()
    qtbot.waitUntil(lambda: panel.currentWidget() is panel.keyboard)
    for ch in "ni":
        panel.keyboard.press(ch)
    assert text.text() == "" and panel.keyboard.letters == "ni"
    panel.keyboard.choose(0)
    assert text.text() == panel.keyboard.index.candidates("ni")[0].text
    panel.keyboard.set_pinyin(False)
    panel.keyboard.press("a")
    panel.keyboard.backspace()
    panel.keyboard.press("b")
    assert text.text().endswith("b")
    panel.stop_following()


def test_scrambled_keypad_reshuffles_all_ten_digits(lang, qtbot):
    pad = NumericKeypad(lang, scrambled=True)
    qtbot.addWidget(pad)
    orders = set()
    for _ in range(8):
        pad.reshuffle()
        order = pad.digit_order()
        assert sorted(order) == list("0123456789")
        orders.add(tuple(order))
    assert len(orders) > 1
    plain = NumericKeypad(lang)
    qtbot.addWidget(plain)
    assert plain.digit_order() == list("1234567890")


def test_contrast_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(QColor("#FFFFFF"), QColor("#FFFFFF")) == pytest.approx(1.0)
    p = theme.DEFAULT
    for fg, bg in [(p.text, p.window), (p.muted, p.window), (p.on_primary, p.primary),
                   (p.on_tile, p.tile), (p.danger, p.window), (p.on_warning, p.warning_bg),
                   (p.on_selected, p.selected), (p.ok, p.window), (p.on_danger, p.danger)]:
        assert contrast_ratio(fg, bg) >= 4.5, (fg, bg)


def test_audit_finds_small_targets_small_text_and_low_contrast(qapp, qtbot):
    theme.apply(qapp, STANDARD, "zh_CN")
    root = QWidget()
    lay = QVBoxLayout(root)
    ok = QPushButton("确定")
    small = QPushButton("小")
    small.setStyleSheet("min-height: 20px; max-height: 20px; padding: 0px;")
    faint = QLabel("浅色文字浅色文字")
    faint.setStyleSheet("color: #BBBBBB;")
    for w in (ok, small, faint):
        lay.addWidget(w)
    qtbot.addWidget(root)
    root.resize(500, 400)
    root.show()
    qtbot.waitExposed(root)
    problems = {(f.widget.split("[")[1].rstrip("]"), f.problem) for f in audit(root, STANDARD)}
    assert problems == {("小", "target"), ("浅色文字浅色文字", "contrast")}
    assert ("确定", "text_size") in {(f.widget.split("[")[1].rstrip("]"), f.problem)
                                    for f in audit(root, ELDER)}


def _long_scroll_area(rows: int = 30):
    from PySide6.QtWidgets import QScrollArea

    inner = QWidget()
    lay = QVBoxLayout(inner)
    for i in range(rows):
        lay.addWidget(QPushButton(f"第{i}项"))
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(inner)
    area.resize(400, 300)
    return area


def test_audit_counts_scrollbars_as_touch_targets(qapp, qtbot):
    theme.apply(qapp, ELDER, "zh_CN")
    area = _long_scroll_area()
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    assert area.verticalScrollBar().isVisible()
    assert area.verticalScrollBar().width() >= ELDER.target_px  # the theme's bar fits a finger
    assert not [f for f in audit(area, ELDER, contrast=False) if "QScrollBar" in f.widget]
    area.verticalScrollBar().setStyleSheet("QScrollBar:vertical { width: 24px; }")
    qtbot.waitUntil(lambda: area.verticalScrollBar().width() == 24, timeout=2000)
    thin = [f for f in audit(area, ELDER, contrast=False) if "QScrollBar" in f.widget]
    assert [(f.problem, f.measured) for f in thin] == [("target", 24)]
    theme.apply(qapp, STANDARD, "zh_CN")


def test_reveal_scrolls_a_widget_into_sight_with_a_margin(qapp, qtbot):
    from qt_common import reveal

    area = _long_scroll_area()
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    inner, bar = area.widget(), area.verticalScrollBar()
    last = inner.layout().itemAt(29).widget()
    reveal(last, 40)
    bottom = last.mapTo(area.viewport(), last.rect().bottomLeft()).y()
    assert bar.value() > 0 and area.viewport().height() - 40 <= bottom + 1 <= area.viewport().height()
    first = inner.layout().itemAt(0).widget()
    reveal(first, 40)
    assert bar.value() == 0 and first.mapTo(area.viewport(), first.rect().topLeft()).y() >= 0


def test_qr_image_draws_the_qrcode_matrix(qapp):
    data = "http://portal.test/track/100000019"
    matrix = qr_matrix(data)
    img = qr_image(data, 300)
    scale = img.width() // len(matrix)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            px = QColor(img.pixel(x * scale + scale // 2, y * scale + scale // 2))
            assert (px.lightness() < 128) == dark


def test_worker_answers_on_the_ui_thread_and_drops_cancelled_results(qapp, qtbot):
    worker = Worker("t")
    seen = []
    ui = threading.current_thread()
    worker.run(lambda: threading.current_thread().name, lambda r: seen.append(
        (r, threading.current_thread() is ui)))
    qtbot.waitUntil(lambda: bool(seen))
    assert seen[0][0].startswith("t") and seen[0][1]
    gate = threading.Event()
    late = []
    worker.run(lambda: gate.wait(5), late.append)
    worker.cancel_pending()
    gate.set()
    qtbot.waitUntil(lambda: not worker.busy)
    assert late == []
    errors = []
    worker.run(lambda: 1 / 0, None, errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ZeroDivisionError)
    worker.shutdown()
    assert worker.run(lambda: 1).cancelled()
