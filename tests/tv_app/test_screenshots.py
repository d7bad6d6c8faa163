"""The README screenshots (home, SOS, ordering, a bill with its QR) in zh_CN, made by key
presses against a real server; set PORTAL_WRITE_SCREENSHOTS=1 to refresh docs/screenshots."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from tests.conftest import staff_client
from tests.tv_app.conftest import BACK, DOWN, HOME, OK, RED
from tv_app.shots import save

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def check(path: Path) -> None:
    img = QImage(str(path))
    assert (img.width(), img.height()) == (1920, 1080)
    colours = {QColor(img.pixel(x, y)).name() for x in range(0, 1920, 40) for y in range(0, 1080, 40)}
    assert len(colours) > 4  # drawn, not a blank frame


def test_readme_screenshots(tv, live_server, tmp_path):
    out = DOCS if os.environ.get("PORTAL_WRITE_SCREENSHOTS") else tmp_path
    tv.wait(lambda: "王秀英" in tv.app.home_screen.title.text())
    tv.qtbot.wait(300)
    shots = [save(tv.app.window, out / "tv_home.png")]
    # ordering: the canteen's menu with prices, then the order to confirm
    tv.focus_to("tile_meals")
    tv.press(OK)
    tv.wait(lambda: tv.screen.name.startswith("intro_") and tv.screen.service)
    tv.press(OK)
    tv.wait_screen("step_meal_date_")
    tv.press(OK)
    tv.wait_screen("step_meal_")
    tv.press(OK)
    tv.wait_screen("step_set_meal_")
    tv.press(DOWN)
    shots.append(save(tv.app.window, out / "tv_ordering.png"))
    tv.press(OK)
    tv.wait_screen("step_quantity_")
    tv.press(OK)
    tv.wait_screen("step_dietary_")
    tv.press(OK)
    tv.focus_to("done")
    tv.press(OK)
    tv.wait_screen("step_delivery_")
    tv.press(DOWN, times=2)
    tv.press(OK)
    tv.wait_screen("review")
    shots.append(save(tv.app.window, out / "tv_ordering_review.png"))
    tv.press(HOME)
    # a bill with its QR
    tv.focus_to("tile_bills")
    tv.press(OK)
    tv.wait(lambda: tv.screen.name == "bills" and tv.screen.bills)
    shots.append(save(tv.app.window, out / "tv_bills.png"))
    tv.press(OK)
    tv.wait_screen("bill")
    tv.press(OK)
    tv.wait_screen("pay_qr")
    tv.wait(lambda: tv.screen.qr.data)
    shots.append(save(tv.app.window, out / "tv_bill_qr.png"))
    tv.press(BACK)
    tv.press(BACK)
    # SOS, raised and acknowledged
    tv.press(RED)
    tv.wait(lambda: tv.screen.name == "sos" and tv.app.pending.active_sos().matter_number)
    number = tv.app.pending.active_sos().matter_number
    staff_client(live_server.app, "zhao.min").transition(number, "acknowledge")
    tv.wait(lambda: "已响应" in tv.screen.status.text())
    shots.append(save(tv.app.window, out / "tv_sos.png"))
    for path in shots:
        check(path)
