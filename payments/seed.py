"""Seed payments' demo data: system accounts, wallets with opening balances, bills."""

from __future__ import annotations

import yaml
from sqlalchemy import select

from channel_core.config import PortalConfig
from channel_core.db import Database
from channel_core.identity.models import Card, StaffUser
from channel_render.clock import community_today
from payments import payees
from payments.bills import loader
from payments.ledger import (
    BANK_PAYOUTS,
    CASH_COUNTER,
    FEES,
    clearing_code,
    create_transfer,
    ensure_account,
    merchant_code,
    move,
    wallet_code,
)
from payments.money import Money

OPENING_BALANCE = Money(20000, "CNY")  # ¥200.00 on every demo card


def seed(db: Database, config: PortalConfig) -> list[str]:
    """Idempotent: running it again adds nothing that is already there."""
    book = payees.load(config.content_dir)
    people = yaml.safe_load((config.content_dir / "demo" / "people.yaml").read_text("utf-8"))
    with db.session() as s:
        ensure_account(s, CASH_COUNTER, "cash", name="counter cash")
        ensure_account(s, FEES, "fees", name="platform fees", allow_negative=False)
        ensure_account(s, BANK_PAYOUTS, "bank", name="payouts to banks")
        ensure_account(s, clearing_code(config.payment_provider), "clearing",
                       name=f"{config.payment_provider} clearing")
        for kind, biller in book.billers.items():
            ensure_account(s, biller.code, "utility", name=biller.name["en"], owner_ref=kind)
        for user in s.scalars(select(StaffUser).where(StaffUser.kind == "merchant")):
            ensure_account(s, merchant_code(user.department), "merchant", name=user.name,
                           owner_ref=user.department)
        for department in (d for d in book.merchants if d != "default"):
            ensure_account(s, merchant_code(department), "merchant", name=department,
                           owner_ref=department)
        topped = 0
        for card in s.scalars(select(Card).order_by(Card.id)):
            code = wallet_code(card.uid)
            ensure_account(s, code, "wallet", name=f"one-card {card.uid}", owner_ref=card.uid)
            t = create_transfer(s, move(f"seed:opening:{card.uid}", "topup", CASH_COUNTER, code,
                                        OPENING_BALANCE, memo="demo opening balance",
                                        meta={"card": card.uid, "method": "counter"}))
            topped += 0 if t.replayed else 1
        bills = loader.load(s, config.content_dir, people, community_today())
    return [f"payments: {len(book.billers)} billers, {topped} wallets funded, {bills} bills"]
