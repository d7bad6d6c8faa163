"""Customer-presented one-card codes: signed, valid 60 s, usable once, at a merchant or kiosk;
and an order paid by card is held until the canteen delivers it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from channel_core.db import utcnow
from payments.errors import CodeExpired, CodeInvalid
from payments.qr import customer
from portal_client import PortalProblem
from portal_client.payments import new_key
from tests.conftest import client_for, staff_client
from tests.payments.conftest import CARDS, OPENING, resident_client

UID = "C3D4E5F6"


def problem(fn, *args, **kw) -> PortalProblem:
    with pytest.raises(PortalProblem) as err:
        fn(*args, **kw)
    return err.value


def test_code_pays_a_merchant_once(app):
    phone = resident_client(app, UID, channel="chatbot")
    code = phone.presented_code(UID)
    assert code.code.startswith("OC1.") and code.ttl_s == 60 and "<svg" in code.qr_svg
    canteen = staff_client(app, "canteen", "en")
    r = canteen.charge_presented_code(code.code, "12.00", new_key(), memo="set B")
    assert r.amount_minor == 1200 and r.payee_name and r.payer == "****E5F6"
    p = problem(canteen.charge_presented_code, code.code, "12.00", new_key())
    assert (p.status, p.code) == (410, "payment.code_used")
    fin = staff_client(app, "finance", "en")
    assert fin.request("GET", f"/api/v1/cards/{UID}")["balance_minor"] == OPENING - 1200
    assert fin.request("GET", "/api/v1/ledger/accounts/merchant:canteen")["balance_minor"] == 1200


def test_kiosk_charges_a_code_for_a_named_payee_and_a_retry_is_answered(app):
    phone = resident_client(app, UID)
    code = phone.presented_code(UID).code
    kiosk = client_for(app, "kiosk", "en")
    assert problem(kiosk.charge_presented_code, code, "5.00", new_key()).status == 400  # no payee
    key = new_key()
    first = kiosk.charge_presented_code(code, "5.00", key, payee="merchant:community-shop")
    # The kiosk timed out and retries: the same key returns the payment, the code is not
    # "used" a second time.
    again = kiosk.charge_presented_code(code, "5.00", key, payee="merchant:community-shop")
    assert again.replayed and again.number == first.number


def test_forged_expired_and_frozen(app):
    secret = app.extensions["payments"].config.secret_key
    good = customer.issue(secret, UID)
    forged = good.code[:-2] + ("AA" if not good.code.endswith("AA") else "BB")
    with pytest.raises(CodeInvalid):
        customer.verify(secret, forged)
    with pytest.raises(CodeInvalid):
        customer.verify("another-secret", good.code)
    with pytest.raises(CodeExpired):
        customer.verify(secret, good.code, now=utcnow() + timedelta(seconds=61))
    old = customer.issue(secret, UID, now=utcnow() - timedelta(seconds=61))
    kiosk = client_for(app, "kiosk", "en")
    p = problem(kiosk.charge_presented_code, old.code, "1.00", new_key(), payee="merchant:canteen")
    assert (p.status, p.code) == (410, "payment.code_expired")
    p = problem(kiosk.charge_presented_code, forged, "1.00", new_key(), payee="merchant:canteen")
    assert (p.status, p.code) == (400, "payment.code_invalid")
    owner = resident_client(app, UID)
    code = owner.presented_code(UID).code
    owner.freeze_card(UID)
    p = problem(kiosk.charge_presented_code, code, "1.00", new_key(), payee="merchant:canteen")
    assert p.status == 403
    assert problem(owner.presented_code, UID).status == 403
    stranger = resident_client(app, "A1B2C3D4")
    assert problem(stranger.presented_code, UID).code == "payment.not_yours"


def _order(client, portions: int = 2):
    fields = {"meal_date": date.today().isoformat(), "meal": "lunch", "set_meal": "a",
              "quantity": portions, "delivery": "pickup"}
    svc = client.service("ordering.canteen-meal")
    for f in svc.fields:
        if f.required and f.key not in fields:
            from tests.channel_core.samples import sample_value

            fields[f.key] = sample_value(f)
    return client.submit_matter("ordering.canteen-meal", fields, "kiosk")


def test_an_order_is_held_until_delivered_and_released_if_cancelled(any_app):
    resident = resident_client(any_app, UID)
    order = _order(resident)
    assert order.amount_minor == 3000
    r = resident.pay_matter(order.number, new_key(), uid=UID, pin=CARDS[UID])
    assert r.kind == "order_hold"
    bal = resident.card_balance(UID)
    assert (bal.balance_minor, bal.available_minor, bal.held_minor) == (OPENING, OPENING - 3000, 3000)
    canteen = staff_client(any_app, "canteen", "en")
    for step in ("accept", "prepare", "deliver"):
        canteen.transition(order.number, step)
    jobs = any_app.extensions["portal"].jobs
    assert jobs.run("payments.follow_orders") == 1
    bal = resident.card_balance(UID)
    assert (bal.balance_minor, bal.held_minor) == (OPENING - 3000, 0)
    assert canteen.request("GET", "/api/v1/ledger/accounts/merchant:canteen")["balance_minor"] == 3000
    # A second order, cancelled by the resident before the canteen accepts: money released.
    second = _order(resident, portions=1)
    resident.pay_matter(second.number, new_key(), uid=UID, pin=CARDS[UID])
    assert resident.card_balance(UID).held_minor == 1500
    resident.transition(second.number, "cancel")
    assert jobs.run("payments.follow_orders") == 1
    bal = resident.card_balance(UID)
    assert (bal.balance_minor, bal.held_minor) == (OPENING - 3000, 0)
    assert jobs.run("payments.follow_orders") == 0


@pytest.mark.postgres
def test_an_order_paid_from_two_screens_at_once_is_paid_once(pg_app):
    import threading

    resident = resident_client(pg_app, UID)
    order = _order(resident)
    gate = threading.Barrier(4)
    results: list = []

    def pay():
        c = client_for(pg_app, "kiosk", "en")
        gate.wait()
        try:
            results.append(c.pay_matter(order.number, new_key(), uid=UID, pin=CARDS[UID]))
        except PortalProblem as exc:
            results.append(exc)

    threads = [threading.Thread(target=pay) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    paid = [r for r in results if not isinstance(r, PortalProblem)]
    refused = [r for r in results if isinstance(r, PortalProblem)]
    assert len(paid) == 1 and [r.status for r in refused] == [409] * 3
    assert resident.card_balance(UID).held_minor == 3000
