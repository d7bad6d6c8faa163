"""Ordering with the remote: a canteen meal paid once by one-card, a free booking, a call-back."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.conftest import client_for, staff_client
from tests.tv_app.checks import screen_ok
from tests.tv_app.conftest import BACK, DOWN, OK

PIN, UID = "135790", "A1B2C3D4"  # 王秀英's one-card (content/demo/people.yaml)


def today() -> date:
    """The community's date now (asked at use: a run may cross local midnight)."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def card(app):
    c = client_for(app, "tv")
    return c.card_balance(UID, pin=PIN)


def start_meal_order(tv) -> None:
    tv.focus_to("tile_meals")
    tv.press(OK)
    tv.wait(lambda: tv.screen.name == "intro_ordering.canteen-meal" and tv.screen.service)
    assert tv.focused.objectName() == "start"
    tv.press(OK)


def pick_meal(tv, check_screens: bool = False) -> None:
    """Date today, lunch, set B (¥12) ×2, low salt, home delivery → the review."""
    steps = []
    tv.wait_screen("step_meal_date_")
    assert "今天" in tv.focused.text()
    steps.append(tv.screen.name)
    if check_screens:
        screen_ok(tv)
    tv.press(OK)
    tv.wait_screen("step_meal_")
    tv.press(OK)  # lunch
    tv.wait_screen("step_set_meal_")
    tv.press(DOWN)
    assert "B套餐" in tv.focused.text() and "¥12.00" in tv.focused.text()
    tv.press(OK)
    tv.wait_screen("step_quantity_")
    tv.press(DOWN)
    assert tv.focused.text().endswith("2")
    tv.press(OK)
    tv.wait_screen("step_dietary_")
    if check_screens:
        screen_ok(tv)
    tv.press(OK)  # tick "low salt"
    assert tv.focused.text().startswith("✓")
    tv.focus_to("done")
    tv.press(OK)
    tv.wait_screen("step_delivery_")
    tv.press(DOWN, times=2)
    tv.press(OK)
    tv.wait_screen("review")


def test_meal_order_paid_once_by_one_card(tv, live_server):
    before = card(live_server.app)
    start_meal_order(tv)
    pick_meal(tv, check_screens=True)
    review = tv.screen
    assert "¥24.00" in review.total.text()
    screen_ok(tv)
    assert tv.focused.objectName() == "pay_card"
    tv.press(OK)
    tv.wait_screen("pay_card")
    screen_ok(tv)
    tv.digits(PIN)
    assert tv.screen.pin.text() == "●" * 6
    assert not any(PIN in s.text for s in tv.app.narrator.history)  # a PIN is never said
    tv.press(OK)
    tv.press(OK, gap=0.05)  # a bounce
    tv.press(OK)  # and an impatient second press
    tv.wait_screen("result")
    screen_ok(tv)
    result = tv.screen
    assert "下单成功" in result.title.text() and "¥24.00" in result.text()
    assert any("¥24.00" in s.text for s in tv.app.narrator.history)
    after = card(live_server.app)
    assert before.available_minor - after.available_minor == 2400  # held once, until delivery
    assert after.held_minor - before.held_minor == 2400
    canteen = staff_client(live_server.app, "canteen")
    orders = canteen.queue(service_id="ordering.canteen-meal")["items"]
    assert len(orders) == 1
    m = canteen.matter(orders[0]["number"])
    day = today()  # "today" was picked on the TV moments ago, perhaps before local midnight
    assert m.fields["meal_date"] in (day.isoformat(), (day - timedelta(days=1)).isoformat())
    assert m.fields == {"meal_date": m.fields["meal_date"], "meal": "lunch", "set_meal": "b",
                        "quantity": 2, "dietary": ["low_salt"], "delivery": "deliver",
                        "address": "阳光花园 3 号楼 2 单元 501"}
    assert m.amount_minor == 2400 and m.raw["channel"] == "tv"
    # Back from the result returns to where the order started (home), not into the flow
    tv.press(BACK)
    assert tv.screen.name == "home" and len(tv.app.nav.stack) == 1


def test_wrong_pin_is_said_and_charges_nothing(tv, live_server):
    before = card(live_server.app)
    start_meal_order(tv)
    pick_meal(tv)
    tv.press(OK)
    tv.wait_screen("pay_card")
    tv.digits("000000")
    tv.press(OK)
    tv.wait(lambda: tv.screen.error.text())
    message = tv.screen.error.text()
    assert tv.screen.name == "pay_card" and tv.screen.pin.digits == ""
    assert any(message in s.text for s in tv.app.narrator.history)
    assert card(live_server.app).available_minor == before.available_minor
    tv.digits(PIN)
    tv.press(OK)
    tv.wait_screen("result")
    assert before.available_minor - card(live_server.app).available_minor == 2400


def test_free_booking_with_digits_and_time_slots(tv, live_server):
    """A nanny booking: a choice, a day, an optional text skipped, a phone typed on digits."""
    tv.focus_to("tile_services")
    tv.press(OK)
    tv.wait_screen("services")
    tv.focus_to("tile_housekeeping")
    tv.press(OK)
    tv.wait(lambda: tv.screen.items)
    ids = [s.id for s in tv.screen.items]
    for _ in range(ids.index("housekeeping.nanny")):
        tv.press(DOWN)
    tv.press(OK)
    tv.wait(lambda: tv.screen.name == "intro_housekeeping.nanny" and tv.screen.service)
    tv.press(OK)
    tv.wait_screen("step_helper_type_")
    tv.press(OK)
    tv.wait_screen("step_start_date_")
    tv.press(OK)
    tv.wait_screen("step_phone_")
    screen_ok(tv)
    tv.digits("1380000000")  # one digit short of a mobile number
    tv.press(OK)
    tv.wait(lambda: "电话" in tv.app.window.hint.text() or "号码" in tv.app.window.hint.text())
    assert tv.screen.name == "step_phone_"
    tv.digits("1")
    tv.press(OK)
    tv.wait_screen("review")
    assert tv.focused.objectName() == "send" and "免费" in tv.screen.total.text()
    tv.press(OK)
    tv.wait_screen("result")
    staff = staff_client(live_server.app, "homecare")
    items = staff.queue(service_id="housekeeping.nanny")["items"]
    assert len(items) == 1
    m = staff.matter(items[0]["number"])
    assert m.fields["phone"] == "13800000001"
    assert date.fromisoformat(m.fields["start_date"]) >= today() - timedelta(days=1)


def test_free_text_service_offers_a_call_back(tv, live_server):
    """The elder-visit form needs a typed name: the TV offers a call-back matter instead."""
    tv.focus_to("tile_services")
    tv.press(OK)
    tv.wait_screen("services")
    tv.focus_to("tile_housekeeping")
    tv.press(OK)
    tv.wait(lambda: tv.screen.items)
    ids = [s.id for s in tv.screen.items]
    for _ in range(ids.index("housekeeping.elder-visit")):
        tv.press(DOWN)
    tv.press(OK)
    tv.wait(lambda: tv.screen.name == "intro_housekeeping.elder-visit" and tv.screen.service)
    intro = tv.screen
    assert not intro.start.isVisible() and intro.note.isVisible()
    assert tv.focused.objectName() == "callback"
    screen_ok(tv)
    tv.press(OK)
    tv.wait_screen("callback")
    screen_ok(tv)
    tv.press(OK)
    tv.press(OK)
    tv.wait_screen("result")
    resident = client_for(live_server.app, "tv")
    resident.sign_in_box("STB-DEMO-0001")
    mine = [m for m in resident.my_matters() if m.service_id == "gov.policy-enquiry"]
    assert len(mine) == 1
    assert "助老上门服务" in mine[0].fields["question"]  # the service's title
    assert "阳光花园 3 号楼 2 单元 501" in mine[0].fields["question"]
    assert tv.screen.name == "result"
    tv.press(BACK)
    assert tv.screen.name == "list_housekeeping"


def test_meal_order_paid_by_a_family_members_qr(tv, live_server):
    from tests.tv_app.test_bills import phone_pays

    start_meal_order(tv)
    pick_meal(tv)
    tv.focus_to("pay_qr")
    tv.press(OK)
    tv.wait_screen("pay_qr")
    tv.wait(lambda: tv.screen.qr.data)
    assert "¥24.00" in tv.screen.what.text()
    phone_pays(live_server, tv.screen.qr.data)
    tv.wait_screen("result")
    assert "家人已付款" in tv.screen.title.text() and "¥24.00" in tv.screen.text()
    canteen = staff_client(live_server.app, "canteen")
    orders = canteen.queue(service_id="ordering.canteen-meal")["items"]
    assert len(orders) == 1


def test_meal_order_added_to_the_household_bill(tv, live_server):
    before = card(live_server.app)
    start_meal_order(tv)
    pick_meal(tv)
    assert {w.objectName() for w in tv.app.nav.targets()} >= {"pay_card", "pay_qr", "pay_bill"}
    screen_ok(tv)
    tv.focus_to("pay_bill")
    assert tv.focused.text() == "记入本户账单"
    tv.press(OK)
    tv.press(OK, gap=0.05)  # a bounce
    tv.wait_screen("result")
    screen_ok(tv)
    result = tv.screen
    assert "已记入本户账单" in result.title.text()
    assert "¥24.00" in result.text() and "不扣钱" in result.text()
    assert any("已记入本户账单" in s.text for s in tv.app.narrator.history)
    assert card(live_server.app).available_minor == before.available_minor  # nothing charged
    household = client_for(live_server.app, "tv")
    household.sign_in_box("STB-DEMO-0001")
    orders = [b for b in household.household_bills() if b.kind == "orders"]
    assert len(orders) == 1 and orders[0].amount_minor == 2400
    m = household.matter(orders[0].usage)
    assert m.service_id == "ordering.canteen-meal" and m.amount_minor == 2400
    tv.press(BACK)
    assert tv.screen.name == "home"
