"""Mount payments on the portal: its blueprints under /api/v1, the demo pay page, its jobs."""

from __future__ import annotations

from flask import Flask

from payments import jobs
from payments.context import build


def init_app(app: Flask) -> None:
    """Register payments' blueprints and periodic jobs on a portal app built by create_app."""
    state = app.extensions["portal"]
    pctx = build(state.config, state.db, state.catalog)
    app.extensions["payments"] = pctx
    from payments.bills.views import bp as bills_bp
    from payments.cards.views import bp as cards_bp
    from payments.ledger.views import bp as ledger_bp
    from payments.providers.views import bp as gateway_bp
    from payments.providers.views import pages
    from payments.qr.views import bp as qr_bp
    from payments.settlement.views import bp as settlement_bp

    for bp in (ledger_bp, cards_bp, bills_bp, qr_bp, gateway_bp, settlement_bp, pages):
        app.register_blueprint(bp)
    jobs.register(state.jobs, pctx)
