"""Hotline fixtures: the seeded portal with the hotline mounted, and Twilio's side of calls."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import CHANNEL_TOKENS, make_config, staff_client
from tests.hotline.simulator import Twilio

AUTH_TOKEN = "hotline-test-auth-token"
HOTLINE_TOKEN = next(t for t, c in CHANNEL_TOKENS.items() if c == "hotline")
CONTENT = Path(__file__).parent / "content"


def build_app(url: str, tmp: Path, **hotline: object):
    """The whole portal (core, payments, hotline…) on `url`, seeded, with the test services."""
    from portal.seed import seed_people
    from portal.server import create_server_app

    app = create_server_app(make_config(url, twilio_auth_token=AUTH_TOKEN))
    state = app.extensions["portal"]
    seed_people(state.db, state.config)
    try:
        from payments.seed import seed as seed_payments
    except ModuleNotFoundError:  # a checkout without payments: no bills menu
        seed_payments = None
    if seed_payments is not None:
        seed_payments(state.db, state.config)
    app.config["PORTAL_HOTLINE_TOKEN"] = HOTLINE_TOKEN
    app.config["HOTLINE"] = {"audio_dir": tmp / "audio",
                             "catalog_ttl_s": 0.0, "prerender": False, **hotline}
    return app


def publish(app, *paths: Path, change=None) -> None:
    """Publish services through the staff content API, the way editors add them."""
    admin = staff_client(app, "admin")
    for path in paths:
        body = yaml.safe_load(path.read_text(encoding="utf-8"))
        if change:
            change(body)
        admin.request("PUT", f"/api/v1/services/{body['id']}", json=body)


@pytest.fixture(scope="module")
def hotline_app(tmp_path_factory):
    """One portal per test module (building and seeding one takes seconds); every test
    places its own calls, so they do not share call state."""
    tmp = tmp_path_factory.mktemp("hotline")
    app = build_app(f"sqlite:///{tmp / 'portal.db'}", tmp)
    publish(app, *sorted(CONTENT.glob("*.yaml")))
    yield app
    app.extensions["portal"].db.dispose()


@pytest.fixture
def twilio(hotline_app) -> Twilio:
    return Twilio(hotline_app.test_client(), AUTH_TOKEN)


def sent_sms(app) -> list[tuple[str, str]]:
    """(address, body) of every SMS the core's outbox holds, oldest first."""
    from sqlalchemy import select

    from channel_core.notify.models import OutboxMessage

    with app.extensions["portal"].db.session() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.medium == "sms")
                         .order_by(OutboxMessage.id)).all()
        return [(r.address, r.body) for r in rows]


def staff_view(app, number: str):
    """A matter as staff see it (fields, contact, channel)."""
    return staff_client(app, "admin").matter(number)


def matters_from(app, phone: str) -> list[dict]:
    """Every matter whose contact phone is `phone` (the admin's queue search)."""
    out = staff_client(app, "admin").queue(q=phone, per_page=100)
    return out["items"]
