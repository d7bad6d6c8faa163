"""The one-card wallet: balances, top-ups, payments by PIN or presented code, replacement."""

from payments.cards.service import (
    CardView,
    CodeAuth,
    Paid,
    PinAuth,
    card_statement,
    card_view,
    ensure_wallet,
    pay,
    replace_card,
    topup_at_counter,
)

__all__ = ["CardView", "CodeAuth", "Paid", "PinAuth", "card_statement", "card_view",
           "ensure_wallet", "pay", "replace_card", "topup_at_counter"]
