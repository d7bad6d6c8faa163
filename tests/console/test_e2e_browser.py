"""End to end in Debian's Chromium against a live portal: sign in, work a kiosk submission to
closed with a reply in the resident's inbox, see it in a chart, edit a service and see the
API change, a merchant accepting an order, and two staff acting at once."""

from __future__ import annotations

from channel_core.jobs import core_jobs
from tests.conftest import client_for
from tests.console.conftest import browser_sign_in, kiosk_submission, shoot


def _fire(page, transition: str, note: str | None = None) -> None:
    if note is not None:
        page.fill("#transition-note", note)
    page.click(f"button[data-transition={transition}]")
    page.wait_for_load_state()


def test_kiosk_submission_worked_to_closed_with_a_reply_and_a_chart(live_server, page):
    app = live_server.app
    matter, resident = kiosk_submission(app, "property.repair", card=("A1B2C3D4", "135790"))
    base = live_server.url
    page.goto(f"{base}/console/queue")
    assert "/console/login" in page.url
    shoot(page, "login")
    browser_sign_in(page, base, "liu.fang")
    assert page.url.endswith("/console/queue")
    row = page.locator(f"tr[data-number='{matter.number}']")
    assert row.count() == 1 and "Kiosk" in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_load_state()
    assert page.inner_text("#matter-number") == matter.number
    _fire(page, "dispatch")
    assert "is now: Dispatched" in page.inner_text(".flash-success")
    _fire(page, "start")
    # "Answer" needs a note: the browser asks for it before anything is sent.
    page.click("button[data-transition=answer]")
    assert page.evaluate("document.getElementById('transition-note').validationMessage") != ""
    assert page.inner_text("#matter-state") == "In progress"
    _fire(page, "answer", note="Replaced the leaking joint under the sink.")
    page.fill("#reply-form textarea[name=text]", "The leak is fixed; call us if it comes back.")
    page.click("#reply-form button[type=submit]")
    page.wait_for_load_state()
    assert "Reply sent" in page.inner_text(".flash-success")
    shoot(page, "matter")
    _fire(page, "close")
    assert page.inner_text("#matter-state") == "Closed"
    history = page.inner_text("#history")
    assert "Replaced the leaking joint" in history and "The leak is fixed" in history

    state = app.extensions["portal"]
    core_jobs.deliver_outbox(state.db, state.senders)
    assert any("The leak is fixed; call us if it comes back." in m.body for m in resident.inbox())
    assert resident.matter(matter.number).state == "closed"

    page.goto(f"{base}/console/dashboard")
    page.wait_for_function("Chart.getChart('chart-by-channel') !== undefined")
    chart = page.evaluate("""() => { const c = Chart.getChart('chart-by-channel');
        return {labels: c.data.labels, values: c.data.datasets[0].data}; }""")
    assert dict(zip(chart["labels"], chart["values"], strict=True)) == {"Kiosk": 1}


def test_edit_a_service_in_the_browser_and_the_api_changes(live_server, page):
    base = live_server.url
    browser_sign_in(page, base, "admin")
    page.goto(f"{base}/console/content/services/property.repair")
    page.fill("[name='title.en']", "Report a repair or breakdown")
    page.fill("[name='sla.complete']", "48h")
    page.click("button[value=preview]")
    page.wait_for_load_state()
    assert "Report a repair or breakdown" in page.inner_text("#preview-kiosk")
    page.click(".tab[data-tab=preview-hotline]")
    assert page.is_visible("#preview-hotline")
    shoot(page, "service_editor")
    page.click("#save-service")
    page.wait_for_load_state()
    assert "live on every channel" in page.inner_text(".flash-success")
    svc = client_for(live_server.app, "kiosk", lang="en").service("property.repair")
    assert svc.title["en"] == "Report a repair or breakdown" and svc.sla["complete"] == "48h"
    page.goto(f"{base}/console/workflows/report")
    assert page.locator("svg.workflow-diagram g.state").count() == 11
    shoot(page, "workflow")


def test_merchant_accepts_and_delivers_an_order(live_server, page):
    order, resident = kiosk_submission(live_server.app, "ordering.canteen-meal",
                                       card=("B2C3D4E5", "246810"))
    base = live_server.url
    browser_sign_in(page, base, "canteen")
    assert page.url.endswith("/console/orders")
    row = page.locator(f"tr[data-number='{order.number}']")
    row.locator("button[data-transition=accept]").click()
    page.wait_for_load_state()
    row = page.locator(f"tr[data-number='{order.number}']")
    assert "Accepted" in row.locator("td.state").inner_text()
    shoot(page, "orders")
    row.locator("button[data-transition=deliver]").click()
    page.wait_for_load_state()
    assert resident.matter(order.number).state == "delivered"


def test_two_staff_at_once_the_second_is_told(live_server, browser):
    matter, _ = kiosk_submission(live_server.app, "property.repair")
    base = live_server.url
    pages = []
    for user in ("zhang.wei", "liu.fang"):
        ctx = browser.new_context(locale="en-US")
        pg = ctx.new_page()
        browser_sign_in(pg, base, user)
        pg.goto(f"{base}/console/matters/{matter.number}")
        pages.append(pg)
    first, second = pages
    _fire(first, "dispatch")
    _fire(second, "reject", note="Duplicate of an earlier report")
    notice = second.inner_text("#matter-notice")
    assert "Another staff member acted on this matter first" in notice
    assert second.input_value("#transition-note") == "Duplicate of an earlier report"
    assert second.inner_text("#matter-state") == "Dispatched"
    shoot(second, "conflict")
    for pg in pages:
        pg.context.close()


def test_finance_runs_the_days_settlement(live_server, page, paid_order):
    order, receipt, day = paid_order
    base = live_server.url
    browser_sign_in(page, base, "finance")
    assert page.url.endswith("/console/finance")
    page.fill("#settle-form input[name=date]", day)
    page.click("#settle-form button[type=submit]")
    page.wait_for_load_state()
    assert "Business days settled: 1; statements:" in page.inner_text(".flash-success")
    row = page.locator("#settled tr[data-payee='merchant:canteen']")
    assert row.count() == 1
    assert f"{receipt.amount_minor / 100:.2f}" in row.inner_text()
    shoot(page, "finance")
    page.fill("#reconcile-form input[name=date]", day)
    page.click("#reconcile-form button[type=submit]")
    page.wait_for_load_state()
    assert page.is_visible("#reconciliation-summary")
