"""A busy day in Chromium: a portal with work from every channel renders every chart, the
SLA colours and the SOS alert (and, with CONSOLE_SCREENSHOTS=docs/screenshots, the pictures
the README shows)."""

from __future__ import annotations

import random

from tests.conftest import client_for, staff_client
from tests.console.conftest import browser_sign_in, sample_fields, shoot

SERVICES = ("property.repair", "property.complaint", "property.sanitation-report",
            "property.fire-hazard", "property.parcel-locker")
CHANNELS = ("kiosk", "kiosk", "tv", "hotline", "hotline", "chatbot", "wechat")


def _busy_portal(app) -> list:
    rng = random.Random(4)
    made = []
    for i in range(36):
        sid = SERVICES[i % len(SERVICES)]
        channel = rng.choice(CHANNELS)
        c = client_for(app, "chatbot" if channel == "wechat" else channel)  # files as itself
        made.append(c.submit_matter(sid, sample_fields(c.service(sid)), channel,
                                    contact={"name": rng.choice(["王秀英", "李建国", "陳美玲",
                                                                 "Emma Clarke"]),
                                             "phone": f"1380000000{rng.randint(1, 4)}"}))
    supervisor = staff_client(app, "liu.fang")
    for m in made[:20]:
        supervisor.transition(m.number, "dispatch")
    for m in made[:14]:
        supervisor.transition(m.number, "start")
        supervisor.transition(m.number, "answer", note="已处理完毕")
    for m in made[:10]:
        supervisor.transition(m.number, "close")
        supervisor.transition(m.number, "rate", rating=rng.choice((3, 4, 5, 5)))
    client_for(app, "tv").submit_matter("gov.sos", sample_fields(client_for(app, "tv").service(
        "gov.sos")), "tv")
    return made


def test_a_busy_day_in_the_browser(live_server, page):
    made = _busy_portal(live_server.app)
    base = live_server.url
    browser_sign_in(page, base, "zhang.wei")
    assert page.locator("#queue-table tbody tr").count() == 25
    assert page.locator("#queue-table tr.sla-ok").count() > 0
    shoot(page, "queue")
    page.goto(f"{base}/console/matters/{made[15].number}")
    assert page.inner_text("#matter-state") == "Dispatched"
    page.goto(f"{base}/console/dashboard")
    page.wait_for_function("Chart.getChart('chart-top-services') !== undefined")
    drawn = page.evaluate("""() => ['by-day', 'by-channel', 'by-family', 'sla', 'state-hours',
        'ratings', 'top-services'].map(id => {
            const c = Chart.getChart('chart-' + id);
            return c ? c.data.datasets[0].data.reduce((a, b) => a + b, 0) : -1; })""")
    assert all(total > 0 for total in drawn), drawn
    shoot(page, "dashboard")
    page.goto(f"{base}/console/desk?phone=13800000001&kb=repair&kb_lang=en")
    assert page.is_visible("#caller-card") and page.is_visible("#kb-answers")
    shoot(page, "desk")

    elder = page.context.browser.new_context(viewport={"width": 1400, "height": 900},
                                             locale="zh-CN")
    pg = elder.new_page()
    browser_sign_in(pg, base, "zhao.min", lang="zh_CN")
    assert "紧急求助待响应：1 件" in pg.inner_text("#sos-alert")
    shoot(pg, "queue_sos_zh")
    elder.close()
