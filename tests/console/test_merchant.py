"""Merchants and providers: their orders, one-click accept and deliver, ratings, and no
resident ID numbers."""

from __future__ import annotations

import re

from tests.console.conftest import console_sign_in, csrf_of, kiosk_submission


def _order(app):
    return kiosk_submission(app, "ordering.canteen-meal", card=("B2C3D4E5", "246810"))


def _row_buttons(html: str, number: str) -> list[str]:
    row = re.search(rf'data-number="{number}".*?</tr>', html, re.S).group(0)
    return re.findall(r'data-transition="([a-z_]+)"', row)


def test_canteen_accepts_and_delivers_from_the_order_list(app):
    order, resident = _order(app)
    tc = app.test_client()
    r = console_sign_in(tc, "canteen")
    assert r.headers["Location"].endswith("/console/orders")
    page = tc.get("/console/orders").text
    assert _row_buttons(page, order.number) == ["accept"]  # refuse needs a note: on the page
    assert "Queue" not in re.search(r'<nav class="mainnav".*?</nav>', page, re.S).group(0)
    version = re.search(rf'action="/console/matters/{order.number}/transition".*?'
                        r'name="expected_version" value="(\d+)"', page, re.S).group(1)
    r = tc.post(f"/console/matters/{order.number}/transition", data={
        "csrf_token": csrf_of(page), "expected_version": version, "transition": "accept",
        "next": "/console/orders?"})
    assert r.status_code == 302 and "/console/orders" in r.headers["Location"]
    page = tc.get("/console/orders").text
    assert _row_buttons(page, order.number) == ["prepare", "deliver"]
    version = re.search(rf'action="/console/matters/{order.number}/transition".*?'
                        r'name="expected_version" value="(\d+)"', page, re.S).group(1)
    tc.post(f"/console/matters/{order.number}/transition", data={
        "csrf_token": csrf_of(page), "expected_version": version, "transition": "deliver"})
    assert resident.matter(order.number).state == "delivered"


def test_merchants_do_not_see_other_departments_or_id_numbers(app):
    repair, _ = kiosk_submission(app, "property.repair")
    tc = app.test_client()
    console_sign_in(tc, "canteen")
    assert tc.get(f"/console/matters/{repair.number}").status_code == 403
    assert tc.get("/console/content").status_code == 403
    page = tc.get("/console/orders").text
    assert repair.number not in page


def test_ratings_summary_on_the_order_page(app):
    order, resident = _order(app)
    tc = app.test_client()
    console_sign_in(tc, "canteen", lang="en")
    for t in ("accept", "deliver", "complete"):
        page = tc.get(f"/console/matters/{order.number}").text
        version = re.search(r'name="expected_version" value="(\d+)"', page).group(1)
        r = tc.post(f"/console/matters/{order.number}/transition", data={
            "csrf_token": csrf_of(page), "expected_version": version, "transition": t})
        assert r.status_code == 302, t
    resident.transition(order.number, "rate", rating=4)
    page = tc.get("/console/orders?open=0").text
    summary = re.search(r'id="ratings-summary".*?</section>', page, re.S).group(0)
    stats = dict((label, value) for value, label in re.findall(
        r'class="stat-value">([^<]*)</span><span class="stat-label">([^<]*)<', summary))
    assert stats["Average rating"] == "4"
    assert stats["★★★★"] == "1" and stats["★★★★★"] == "0"
