"""Offscreen screenshots of the main screens (docs, `portal demo --offscreen`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication

from kiosk.window import KioskWindow

DEMO_ACCOUNT = "1100351024"  # household h1's water account in content/bills
DEMO_REPAIR = {"area": "in_flat", "category": "plumbing", "location": "3号楼2单元501厨房",
               "description": "水槽下水管接口漏水，地面有积水。", "phone": "13800000001"}


def wait_for(condition: Callable[[], bool], timeout_s: float = 20.0) -> bool:
    """Process Qt events until `condition()` holds (True) or the time is up (False)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if condition():
            return True
        time.sleep(0.02)
    return False


def _settle(win: KioskWindow) -> None:
    wait_for(lambda: not win.ctx.worker.busy)
    for _ in range(5):
        QApplication.processEvents()


def _save(win: KioskWindow, out: Path, name: str) -> Path:
    _settle(win)
    path = out / f"kiosk_{name}.png"
    win.grab().save(str(path))
    return path


def capture(win: KioskWindow, out: Path, lang: str = "zh_CN") -> list[Path]:
    """Home, a form, a receipt and a payment, in `lang` and again in elder mode."""
    out.mkdir(parents=True, exist_ok=True)
    win.show()
    if not wait_for(lambda: win.ctx.backend.catalog is not None):
        raise RuntimeError("no catalog: is the portal server running?")
    win.set_lang(lang)
    saved: list[Path] = []
    for elder in (False, True):
        suffix = f"{lang}_elder" if elder else lang
        win.reset_session()
        win.set_lang(lang)
        win.set_elder(elder)
        saved.append(_save(win, out, f"home_{suffix}"))
        saved.append(_form(win, out, suffix))
        saved.append(_receipt(win, out, suffix))
        saved.append(_payment(win, out, suffix))
    win.reset_session()
    return saved


def _form(win: KioskWindow, out: Path, suffix: str) -> Path:
    win.go("form", service_id="property.repair")
    screen = win.screens["form"]
    assert screen.form is not None
    for key in ("area", "category", "location"):
        screen.form.editors[key].set_value(DEMO_REPAIR[key])
    target = screen.form.editors["description"].focus_target()
    target.setFocus()
    win.panel.attach(target)
    return _save(win, out, f"form_{suffix}")


def _receipt(win: KioskWindow, out: Path, suffix: str) -> Path:
    b = win.ctx.backend
    win.ctx.receipt = b.submit(b.service("property.repair"), DEMO_REPAIR, win.ctx.lang)
    win.go("receipt", fresh=True)
    return _save(win, out, f"receipt_{suffix}")


def _payment(win: KioskWindow, out: Path, suffix: str) -> Path:
    """A bill found by account number, paid by phone: the QR waiting with its countdown."""
    win.go("pay")
    screen = win.screens["pay"]
    screen.account.setText(DEMO_ACCOUNT)
    screen.find_by_account()
    wait_for(lambda: screen.step == "bills" or not win.ctx.worker.busy)
    if screen.bills:
        screen.choose_bill(screen.bills[0])
        screen.start_qr()
        wait_for(lambda: screen.wait.intent is not None or not win.ctx.worker.busy)
    path = _save(win, out, f"payment_{suffix}")
    screen.leave()
    return path
