"""Household utility bills: look-up, payment in full or in part, overdue reminders."""

from payments.bills.service import (
    bill_json,
    find_by_account,
    find_by_household,
    get_bill,
    pay_bill_by_card,
    record_payment,
    remind_overdue,
)

__all__ = ["bill_json", "find_by_account", "find_by_household", "get_bill", "pay_bill_by_card",
           "record_payment", "remind_overdue"]
