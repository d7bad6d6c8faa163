"""Console test helpers: signing in through the console's own form, filling any service's
fields with valid values, and a real Chromium driven by Playwright."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
import yaml

from channel_core.config import ROOT
from channel_render.clock import COMMUNITY_TZ
from tests.conftest import client_for, staff_client

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking"]
SCREENSHOTS = os.environ.get("CONSOLE_SCREENSHOTS")  # e.g. docs/screenshots


def demo_staff(username: str) -> dict:
    people = yaml.safe_load((ROOT / "content/demo/people.yaml").read_text(encoding="utf-8"))
    return next(s for s in people["staff"] if s["username"] == username)


def demo_resident(key: str) -> dict:
    people = yaml.safe_load((ROOT / "content/demo/people.yaml").read_text(encoding="utf-8"))
    return next(r for r in people["residents"] if r["key"] == key)


def totp_now(username: str, step: int = 0) -> str:
    """The member's TOTP code (`step` 30-second steps ahead: a used code cannot be replayed)."""
    return pyotp.TOTP(demo_staff(username)["totp_secret"]).at(time.time() + 30 * step)


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def console_sign_in(tc, username: str, lang: str = "en", step: int = 0):
    """Sign in through the console's form with the member's password and TOTP code."""
    page = tc.get(f"/console/login?lang={lang}")
    r = tc.post("/console/login", data={
        "csrf_token": csrf_of(page.text), "username": username,
        "password": demo_staff(username)["password"], "totp": totp_now(username, step)})
    assert r.status_code == 302, f"sign-in as {username} failed: {r.status_code}"
    return r


def page_csrf(tc, path: str) -> str:
    return csrf_of(tc.get(path).text)


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def valid_idcard(base: str = "11010519491231002") -> str:
    total = sum(int(d) * w for d, w in zip(base, _ID_WEIGHTS, strict=True))
    return base + "10X98765432"[total % 11]


def _date_bound(value, today: date) -> date | None:
    if value is None:
        return None
    m = re.fullmatch(r"today([+-]\d+)d", str(value))
    if str(value) == "today":
        return today
    if m:
        return today + timedelta(days=int(m.group(1)))
    return date.fromisoformat(str(value))


def _pattern_sample(pattern: str) -> str:
    """A value for the simple patterns the catalog uses (account numbers, card UIDs, plates)."""
    m = re.search(r"\{(\d+)", pattern)
    n = int(m.group(1)) if m else 8
    for sample in ("1" * n, ("A1" * n)[:n], "A12", "京A12345", "京AD12345"):
        if re.fullmatch(pattern, sample):
            return sample
    raise AssertionError(f"no sample for pattern {pattern!r}")


def sample_fields(service) -> dict:
    """Valid values for every field of a catalog service (portal_client.Service)."""
    today = date.today()
    out: dict = {}
    for f in service.fields:
        t = f.type
        if t == "choice":
            out[f.key] = f.choices[0].value
        elif t == "multichoice":
            out[f.key] = [f.choices[0].value]
        elif t in ("number", "money"):
            low = float(f.min) if f.min is not None else 1
            value = max(low, 1)
            out[f.key] = f"{value:.2f}" if t == "money" else str(int(value))
        elif t == "date":
            lo, hi = _date_bound(f.min, today), _date_bound(f.max, today)
            day = max(lo or today, today + timedelta(days=1))
            if hi is not None and day > hi:
                day = hi
            out[f.key] = day.isoformat()
        elif t == "time":
            out[f.key] = "10:00"
        elif t == "datetime":
            out[f.key] = f"{(today + timedelta(days=1)).isoformat()}T10:00"
        elif t == "yesno":
            out[f.key] = "yes"
        elif t == "phone":
            out[f.key] = "13800000001"
        elif t == "idcard":
            out[f.key] = valid_idcard()
        elif t == "photo":
            if f.required:
                out[f.key] = "https://example.org/photo.jpg"
        elif t == "address":
            out[f.key] = "阳光花园 3 号楼 2 单元 501"
        elif t == "longtext":
            out[f.key] = "楼道灯不亮，已经两天了。"
        else:
            out[f.key] = _pattern_sample(f.pattern) if f.pattern else "测试"
    return out


def kiosk_submission(app, service_id: str, *, card: tuple[str, str] | None = None,
                     overrides: dict | None = None):
    """Submit a service from the kiosk (signed in by one-card if `card` is given)."""
    kiosk = client_for(app, "kiosk")
    if card:
        kiosk.sign_in_card(*card)
    svc = kiosk.service(service_id)
    fields = {**sample_fields(svc), **(overrides or {})}
    return kiosk.submit_matter(service_id, fields, "kiosk",
                               contact={"name": "王秀英", "phone": "13800000001"}), kiosk


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def shoot(pg, name: str) -> None:
    """Save a screenshot for docs/ when CONSOLE_SCREENSHOTS names a directory."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(Path(SCREENSHOTS) / f"console_{name}.png"), full_page=True)


def browser_sign_in(pg, base_url: str, username: str, lang: str = "en", step: int = 0) -> None:
    pg.goto(f"{base_url}/console/login?lang={lang}")
    pg.fill("#username", username)
    pg.fill("#password", demo_staff(username)["password"])
    pg.fill("#totp", totp_now(username, step))
    pg.click("button[type=submit].primary")
    pg.wait_for_load_state()


class _FormReader(HTMLParser):
    """Collects what a browser would submit from one form (checked boxes, selected options)."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a and not self._select_chosen:
                self.fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text)))
            self._textarea = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser would post from the form with this id."""
    reader = _FormReader(form_id)
    reader.feed(html)
    assert reader.fields, f"form #{form_id} not found"
    return reader.fields


def with_values(fields: list[tuple[str, str]], **changes: str) -> dict[str, list[str]]:
    """The form's fields with some single values replaced (keys use __ for dots)."""
    out: dict[str, list[str]] = {}
    for name, value in fields:
        out.setdefault(name, []).append(value)
    for key, value in changes.items():
        out[key.replace("__", ".")] = [value]
    return out


def _payments_mounted(app) -> bool:
    return any(r.rule == "/api/v1/settlement/runs" for r in app.url_map.iter_rules())


@pytest.fixture
def paid_order(app):
    """A canteen order paid by one-card yesterday and delivered (so it can be settled)."""
    if not _payments_mounted(app):
        pytest.fail("the payments API (payments.api:init_app) is not mounted")
    order, resident = kiosk_submission(app, "ordering.canteen-meal", card=("B2C3D4E5", "246810"))
    receipt = resident.pay_matter(order.number, f"pay-{order.number}", uid="B2C3D4E5",
                                  pin="246810")
    canteen = staff_client(app, "canteen")
    canteen.transition(order.number, "accept")
    canteen.transition(order.number, "deliver")
    from payments.jobs import follow_orders

    assert follow_orders(app.extensions["payments"]) == 1  # delivered: the hold is charged
    # Settlement only takes closed days: move this payment's ledger rows to yesterday noon.
    yesterday_noon = datetime.now(COMMUNITY_TZ).replace(hour=12) - timedelta(days=1)
    engine = app.extensions["portal"].db.engine
    with engine.begin() as conn:
        ids = [r[0] for r in conn.execute(sa.text(
            "SELECT id FROM ledger_transfers WHERE meta LIKE :m OR pending_id IN "
            "(SELECT id FROM ledger_transfers WHERE meta LIKE :m)"), {"m": f"%{order.number}%"})]
        assert ids, "the order's payment is not in the ledger"
        for table, col in (("ledger_transfers", "id"), ("ledger_entries", "transfer_id")):
            conn.execute(sa.text(f"UPDATE {table} SET created_at = :t WHERE {col} IN :ids")
                         .bindparams(sa.bindparam("ids", expanding=True)),
                         {"t": yesterday_noon, "ids": ids})
    return order, receipt, yesterday_noon.date().isoformat()
