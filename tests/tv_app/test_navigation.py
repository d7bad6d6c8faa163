"""Every screen reachable and escapable with arrows/OK/Back, one visible focus, 10-foot rules."""

from __future__ import annotations

from tests.conftest import client_for
from tests.tv_app.checks import one_visible_focus, screen_ok
from tests.tv_app.conftest import BACK, DOWN, HOME, OK, RIGHT, UP


def open_tile(tv, name: str, screen: str) -> None:
    tv.focus_to(name)
    tv.press(OK)
    tv.wait_screen(screen)


def back_to(tv, screen: str, focus: str) -> None:
    depth = len(tv.app.nav.stack)
    tv.press(BACK)
    assert len(tv.app.nav.stack) == depth - 1  # exactly one level
    assert tv.screen.name == screen
    assert tv.focused.objectName() == focus  # the last focus of that screen
    one_visible_focus(tv)


def test_home_hubs_lists_and_back(tv, live_server):
    home = tv.app.home_screen
    tv.wait(lambda: "王秀英" in home.title.text())
    assert tv.focused.objectName() == "tile_checkin"
    screen_ok(tv)
    # services hub → a list → a service → back up one level at a time, focus remembered
    open_tile(tv, "tile_services", "services")
    screen_ok(tv)
    open_tile(tv, "tile_more", "list_ordering")
    tv.wait(lambda: tv.screen.items)
    screen_ok(tv)
    tv.press(DOWN)
    row = tv.focused.objectName()
    tv.press(OK)
    tv.wait(lambda: tv.screen.name.startswith("intro_") and tv.screen.service is not None)
    screen_ok(tv)
    back_to(tv, "list_ordering", row)
    back_to(tv, "services", "tile_more")
    open_tile(tv, "tile_housekeeping", "list_housekeeping")
    tv.wait(lambda: tv.screen.items)
    assert len(tv.screen.items) > 5  # more than a page: Down past the last row turns it
    tv.press(DOWN, times=5)
    assert tv.screen.rows.page == 1
    screen_ok(tv)
    tv.press(UP)
    assert tv.screen.rows.page == 0
    back_to(tv, "services", "tile_housekeeping")
    back_to(tv, "home", "tile_services")
    # Back on home stays on home and says so
    tv.press(BACK)
    assert tv.screen is home and "首页" in tv.app.window.hint.text()


def test_messages_screens(tv, live_server):
    resident = client_for(live_server.app, "tv")
    resident.sign_in_box("STB-DEMO-0001")
    resident.submit_matter("gov.policy-enquiry", {"topic": "medical", "question": "医保报销"},
                           "tv")  # a matter of the household: a status notice in the inbox
    open_tile(tv, "tile_messages", "messages")
    screen_ok(tv)
    for tile, screen in (("tile_notices", "list_notices"), ("tile_reminders", "list_reminders"),
                         ("tile_inbox", "list_inbox"), ("tile_matters", "list_matters")):
        open_tile(tv, tile, screen)
        tv.wait(lambda: tv.screen.entries or "暂时没有" in tv.focused.text())
        screen_ok(tv)
        if tv.screen.entries:
            first = tv.focused.objectName()
            tv.press(OK)
            tv.wait_screen("detail")
            screen_ok(tv)
            back_to(tv, screen, first)
        back_to(tv, "messages", tile)
    tv.press(HOME)
    assert tv.screen.name == "home" and len(tv.app.nav.stack) == 1
    one_visible_focus(tv)


def test_bills_screens(tv, live_server):
    open_tile(tv, "tile_bills", "bills")
    tv.wait(lambda: tv.screen.bills)
    screen_ok(tv)
    assert "水费" in tv.focused.text() and "¥41.60" in tv.focused.text()
    assert "已逾期" in tv.focused.text()
    tv.press(DOWN)
    tv.press(OK)
    tv.wait_screen("bill")
    screen_ok(tv)
    assert "¥46.80" in tv.screen.amount.text()
    tv.press(RIGHT)
    tv.press(OK)
    tv.wait_screen("pay_bill_card")
    screen_ok(tv)
    back_to(tv, "bill", "bill_pay_card")
    tv.focus_to("bill_pay_qr")
    tv.press(OK)
    tv.wait_screen("pay_qr")
    tv.wait(lambda: tv.screen.qr.data)
    screen_ok(tv)
    back_to(tv, "bill", "bill_pay_qr")
    back_to(tv, "bills", "bill_rows_row1")


def test_standard_text_size_keeps_the_ten_foot_rules(tv_factory, live_server):
    tv = tv_factory(live_server.url, elder=False)
    tv.wait(lambda: "王秀英" in tv.app.home_screen.title.text())
    screen_ok(tv)
    open_tile(tv, "tile_messages", "messages")
    screen_ok(tv)
