"""Receipts: one per money-moving operation, public by an unguessable number, with a QR."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from payments.errors import ReceiptUnknown
from payments.ledger.models import Receipt
from payments.ledger.transfers import Transfer
from payments.money import Money, exponent
from payments.payees import PayeeBook, payee_name
from portal_client.i18n import gettext

_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed from paper


def new_number() -> str:
    """R + 12 characters from an unambiguous alphabet (60 bits: not guessable)."""
    return "R" + "".join(secrets.choice(_ALPHABET) for _ in range(12))


def issue(session: Session, transfer: Transfer, kind: str, payer: str | None, payee_code: str,
          *, channel: str | None = None, matter_number: str | None = None,
          lines: dict | None = None, amount: int | None = None) -> Receipt:
    """The receipt of a transfer (the existing one when the transfer was a replay)."""
    found = session.scalar(select(Receipt).where(Receipt.transfer_id == transfer.id))
    if found is not None:
        return found
    rec = Receipt(number=new_number(), transfer_id=transfer.id, kind=kind,
                  amount=amount if amount is not None else transfer.amount,
                  currency=transfer.currency, payer=payer, payee_code=payee_code,
                  channel=channel, matter_number=matter_number, lines=lines or {},
                  created_at=transfer.created_at)
    session.add(rec)
    session.flush()
    return rec


def get(session: Session, number: str) -> Receipt:
    rec = session.scalar(select(Receipt).where(Receipt.number == number.strip().upper()))
    if rec is None:
        raise ReceiptUnknown()
    return rec


def for_transfer(session: Session, transfer_id: int) -> Receipt | None:
    return session.scalar(select(Receipt).where(Receipt.transfer_id == transfer_id))


def mask_card(uid: str) -> str:
    """Only the last four characters of a card UID appear on receipts."""
    return "****" + uid[-4:]


def as_json(rec: Receipt, lang: str, base_url: str, payees: PayeeBook,
            departments: dict | None = None) -> dict:
    """A receipt in one language, with links to itself and its QR images."""
    url = f"{base_url.rstrip('/')}/api/v1/receipts/{rec.number}"
    created: datetime = rec.created_at
    exponent(rec.currency)
    return {
        "number": rec.number, "kind": rec.kind,
        "title": gettext("payments", f"receipt.kind.{rec.kind}", lang),
        "amount_minor": rec.amount, "currency": rec.currency,
        "amount_text": Money(rec.amount, rec.currency).format(lang),
        "payer": rec.payer, "payee_code": rec.payee_code,
        "payee_name": payee_name(payees.by_code(rec.payee_code, departments), rec.payee_code, lang),
        "channel": rec.channel, "matter_number": rec.matter_number, "lines": rec.lines or {},
        "transfer_id": rec.transfer_id, "created_at": created.isoformat(),
        "url": url, "qr_png_url": f"{url}/qr.png", "qr_svg_url": f"{url}/qr.svg",
    }
