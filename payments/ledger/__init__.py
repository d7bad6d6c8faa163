"""Double-entry ledger: accounts, immutable transfers with idempotency keys, holds, verify."""

from payments.ledger.accounts import (
    ADJUSTMENTS,
    BANK_PAYOUTS,
    CASH_COUNTER,
    FEES,
    AccountView,
    account_view,
    clearing_code,
    ensure_account,
    merchant_code,
    utility_code,
    wallet_code,
)
from payments.ledger.statements import StatementLine, statement
from payments.ledger.transfers import (
    Leg,
    Transfer,
    TransferRequest,
    create_transfer,
    expire_holds,
    find_by_key,
    hold_state,
    linked_total,
    load,
    move,
    post_hold,
    transfer,
    void_hold,
)
from payments.ledger.verify import VerifyReport, Violation, verify

__all__ = [
    "ADJUSTMENTS", "BANK_PAYOUTS", "CASH_COUNTER", "FEES", "AccountView", "Leg",
    "StatementLine", "Transfer", "TransferRequest", "VerifyReport", "Violation",
    "account_view", "clearing_code", "create_transfer", "ensure_account", "expire_holds",
    "find_by_key", "hold_state", "linked_total", "load", "merchant_code", "move", "post_hold",
    "statement", "transfer", "utility_code", "verify", "void_hold", "wallet_code",
]
