"""Payments fixtures: the seeded portal's clients by role, a Stripe-backed portal with the
fake Stripe server, and the demo cards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import _seeded_app, client_for, staff_client
from tests.payments.fake_stripe import SECRET_KEY, WEBHOOK_SECRET, FakeStripe

# Demo one-cards from content/demo/people.yaml: uid → PIN.
CARDS = {"A1B2C3D4": "135790", "B2C3D4E5": "246810", "C3D4E5F6": "112233", "D4E5F6A7": "445566"}
OPENING = 20000  # seed.py gives every demo card ¥200.00


@pytest.fixture
def kiosk(app):
    return client_for(app, "kiosk", "en")


@pytest.fixture
def finance(app):
    return staff_client(app, "finance", "en")


@pytest.fixture
def canteen(app):
    """The canteen's merchant user."""
    return staff_client(app, "canteen", "en")


def resident_client(app, uid: str, channel: str = "kiosk", lang: str = "en"):
    """A channel client signed in with a demo card."""
    c = client_for(app, channel, lang)
    c.sign_in_card(uid, CARDS[uid])
    return c


def payments_of(app):
    return app.extensions["payments"]


@pytest.fixture
def fake_stripe() -> Iterator[FakeStripe]:
    fake = FakeStripe().start()
    yield fake
    fake.stop()


@pytest.fixture
def stripe_app(db_url, fake_stripe):
    """The portal with Stripe as its gateway, Stripe being the local fake (SQLite, PostgreSQL)."""
    app = _seeded_app(db_url, payment_provider="stripe", stripe_secret_key=SECRET_KEY,
                      stripe_webhook_secret=WEBHOOK_SECRET, stripe_api_base=fake_stripe.url)
    yield app
    app.extensions["portal"].db.dispose()
