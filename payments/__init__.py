"""Payments: the ledger, the one-card wallet, bills, QR codes, gateways and settlement.

Mounted by the portal with `payments.api:init_app`; channels use it only through
`portal_client` (see README.md in this package).
"""
