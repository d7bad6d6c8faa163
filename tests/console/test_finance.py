"""Finance pages: settle a closed day (once), statements and their files, refunds reviewed
before they are made, counter top-ups, reconciliation; merchants see their own statements."""

from __future__ import annotations

import re
from datetime import datetime

from channel_render.clock import COMMUNITY_TZ
from tests.conftest import client_for
from tests.console.conftest import console_sign_in, csrf_of


def test_settle_a_day_once_and_download_its_statement(app, paid_order):
    order, receipt, day = paid_order
    tc = app.test_client()
    r = console_sign_in(tc, "finance")
    assert r.headers["Location"].endswith("/console/finance")
    page = tc.get("/console/finance").text
    r = tc.post("/console/finance/settle", data={"csrf_token": csrf_of(page), "date": day})
    assert r.status_code == 200
    row = re.search(r'<tr data-payee="merchant:canteen">.*?</tr>', r.text, re.S).group(0)
    assert receipt.amount_text.replace("¥", "").strip() in row.replace("¥", "").replace("CN", "")
    again = tc.post("/console/finance/settle", data={"csrf_token": csrf_of(page), "date": day})
    assert "settled before" in again.text or "此前已结算" in again.text
    sid = re.search(r"/console/statements/(\d+)\.csv", row).group(1)
    csv_file = tc.get(f"/console/statements/{sid}.csv")
    assert csv_file.status_code == 200 and csv_file.mimetype == "text/csv"
    pdf = tc.get(f"/console/statements/{sid}.pdf")
    assert pdf.data.startswith(b"%PDF")
    today = datetime.now(COMMUNITY_TZ).date().isoformat()
    still_open = tc.post("/console/finance/settle", data={"csrf_token": csrf_of(page),
                                                          "date": today})
    assert still_open.status_code in (400, 409, 422)
    # The merchant sees its own statement for that day, and nobody else's.
    merchant = app.test_client()
    console_sign_in(merchant, "canteen", step=1)  # the fixture used this step's code
    mine = merchant.get(f"/console/statements?date={day}").text
    assert re.findall(r'data-payee="([^"]+)"', mine) == ["merchant:canteen"]
    assert merchant.get("/console/finance").status_code == 403


def test_refund_is_reviewed_then_made_and_never_above_the_payment(app):
    kiosk = client_for(app, "kiosk")
    receipt = kiosk.pay_by_card("C3D4E5F6", "112233", "merchant:canteen", "12.00",
                                "console-test-card-payment")
    tc = app.test_client()
    console_sign_in(tc, "finance")
    review = tc.get(f"/console/finance/refund?receipt={receipt.number}")
    assert review.status_code == 200 and receipt.number in review.text
    too_much = tc.post("/console/finance/refund", data={
        "csrf_token": csrf_of(review.text), "receipt": receipt.number, "key": "refund-key-0001",
        "amount": "13.00", "reason": "多收了"})
    assert too_much.status_code == 422
    assert kiosk.card_balance("C3D4E5F6", pin="112233").balance_minor == 20000 - 1200
    no_reason = tc.post("/console/finance/refund", data={
        "csrf_token": csrf_of(review.text), "receipt": receipt.number, "key": "refund-key-0002",
        "amount": "1.00", "reason": ""})
    assert no_reason.status_code == 422 and "Please give a reason" in no_reason.text
    made = tc.post("/console/finance/refund", data={
        "csrf_token": csrf_of(review.text), "receipt": receipt.number, "key": "refund-key-0003",
        "amount": "1.00", "reason": "少送了一份汤"}, follow_redirects=True)
    assert "Refunded" in made.text and receipt.number in made.text
    assert kiosk.card_balance("C3D4E5F6", pin="112233").balance_minor == 20000 - 1200 + 100
    unknown = tc.get("/console/finance/refund?receipt=R-NOPE")
    assert unknown.status_code == 404 and "No receipt with that number" in unknown.text


def test_counter_top_up_and_reconciliation(app, paid_order):
    _, _, day = paid_order
    tc = app.test_client()
    console_sign_in(tc, "finance")
    page = tc.get("/console/finance").text
    bad = tc.post("/console/finance/topup", data={"csrf_token": csrf_of(page), "uid": "xyz",
                                                  "amount": "-5", "key": "topup-key-0001"})
    assert bad.status_code == 422
    assert "hexadecimal" in bad.text and "above 0" in bad.text
    ok = tc.post("/console/finance/topup", data={"csrf_token": csrf_of(page), "uid": "A1B2C3D4",
                                                 "amount": "50.00", "key": "topup-key-0002"})
    assert ok.status_code == 200
    assert re.search(r'id="card-balance">[^<]*250', ok.text)
    replay = tc.post("/console/finance/topup", data={"csrf_token": csrf_of(page),
                                                     "uid": "A1B2C3D4", "amount": "50.00",
                                                     "key": "topup-key-0002"})
    assert re.search(r'id="card-balance">[^<]*250', replay.text)  # the same key pays once
    run = tc.post("/console/finance/reconcile", data={"csrf_token": csrf_of(page), "date": day},
                  follow_redirects=True)
    assert run.status_code == 200 and 'id="reconciliation-summary"' in run.text
    assert 'id="balanced"' in run.text or "differences" in run.text.lower()
