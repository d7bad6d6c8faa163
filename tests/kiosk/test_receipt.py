"""The printable receipt and searching with the on-screen pinyin keyboard."""

from __future__ import annotations

from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from tests.kiosk.conftest import settle
from tests.kiosk.drive import find, tap


def _pdf_text(path) -> str:
    doc = QPdfDocument()
    assert doc.load(str(path)) == QPdfDocument.Error.None_
    assert doc.pageCount() == 1
    text = doc.getAllText(0).text()
    doc.close()
    return text


def test_receipt_pdf_has_the_number_and_is_wiped_with_the_session(kiosk, qtbot):
    b = kiosk.ctx.backend
    kiosk.ctx.receipt = b.submit(b.service("property.repair"), {
        "area": "common", "category": "lift", "location": "5号楼", "description": "不动",
        "phone": "13800000009"}, "zh_CN")
    kiosk.go("receipt", fresh=True)
    number = find(kiosk, "matter_number", QLabel).text()
    tap(qtbot, find(kiosk, "print_receipt", QPushButton))
    path = kiosk.screens["receipt"].pdf_path
    assert path is not None and path.exists()
    text = _pdf_text(path)
    assert number in text and "物业报修" in text and "社区服务回执" in text
    kiosk.set_lang("en")
    tap(qtbot, find(kiosk, "print_receipt", QPushButton))
    assert "Report a repair" in _pdf_text(kiosk.screens["receipt"].pdf_path)
    kiosk.reset_session()
    assert not path.exists()


def test_search_by_pinyin_on_the_on_screen_keyboard(kiosk, qtbot):
    kiosk.catalog_changed(True)  # teaches the keyboard the catalog's words
    box = find(kiosk, "search_box", QLineEdit)
    tap(qtbot, box)
    kb = kiosk.panel.keyboard
    assert kiosk.panel.isVisible() and kb.pinyin
    for ch in "baoxiu":
        tap(qtbot, find(kb, f"key_{ch}", QPushButton))
    assert kb.letters == "baoxiu"
    assert "报修" in [c.text for c in kb.candidates()]
    tap(qtbot, find(kb, f"candidate_{[c.text for c in kb.candidates()].index('报修')}",
                    QPushButton))
    assert box.text() == "报修" and kb.letters == ""
    tap(qtbot, find(kiosk, "search_button", QPushButton))
    qtbot.waitUntil(lambda: kiosk.current().name == "services", timeout=5000)
    settle(qtbot, kiosk)
    assert "property.repair" in [s.id for s in kiosk.screens["services"].services]
    tap(qtbot, find(kiosk, "nav_home", QPushButton))
    box.setText("")
    box.setFocus()
    kb.set_pinyin(False)  # letters straight in: the core's search understands pinyin too
    for ch in "baoxiu":
        tap(qtbot, find(kb, f"key_{ch}", QPushButton))
    assert box.text() == "baoxiu"
    tap(qtbot, find(kiosk, "search_button", QPushButton))
    settle(qtbot, kiosk)
    assert "property.repair" in [s.id for s in kiosk.screens["services"].services]
