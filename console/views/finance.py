"""Finance: daily settlement and statements, reconciliation with every difference listed,
refunds reviewed before they are made, counter top-ups; merchants see their statements."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for

from console import i18n
from console import payments_api as pay
from console.staff import api, current_staff
from console.web import bp, staff_required
from portal_client import PortalProblem
from portal_client.payments import CardBalance, SettlementStatement, new_key

FINANCE = {"finance"}
REFUNDERS = {"finance", "supervisor"}
AMOUNT = re.compile(r"^\d{1,9}(\.\d{1,2})?$")
CARD_UID = re.compile(r"^[0-9A-Fa-f]{8,20}$")


def last_closed_day() -> str:
    """Yesterday in Beijing time: the latest day whose 00:00 cut-off has passed."""
    return (datetime.now(i18n.COMMUNITY_TZ).date() - timedelta(days=1)).isoformat()


def _day(value: str | None) -> str | None:
    try:
        return date.fromisoformat(value or "").isoformat()
    except ValueError:
        return None


def _amount_ok(value: str) -> bool:
    return bool(AMOUNT.match(value)) and Decimal(value) > 0


def render_finance(*, status: int = 200, settled: list[pay.SettledDay] | None = None,
                   errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                   card: CardBalance | None = None) -> Any:
    day = _day(request.values.get("date")) or last_closed_day()
    try:
        listed: tuple[SettlementStatement, ...] = api().statements(day)
    except PortalProblem as exc:
        if exc.status not in (404, 422):
            raise
        listed = ()
    return render_template("console/finance.html", nav="finance", selected_day=day, listed=listed,
                           settled=settled or [], errors=errors or {}, values=values or {},
                           card=card, default_day=last_closed_day(),
                           topup_key=new_key()), status


@bp.get("/finance")
@staff_required(roles=FINANCE)
def finance() -> Any:
    return render_finance()


@bp.post("/finance/settle")
@staff_required(roles=FINANCE)
def finance_settle() -> Any:
    day = _day(request.form.get("date"))
    if day is None:
        return render_finance(status=422, errors={"settle": i18n.tr("finance.bad_date")})
    try:
        settled = pay.settle(api(), day)
    except PortalProblem as exc:
        if exc.status in (400, 409, 422):
            return render_finance(status=exc.status, errors={"settle": exc.detail})
        raise
    flash(i18n.tr("finance.settled", days=len(settled),
                  statements=sum(len(d.statements) for d in settled)), "success")
    return render_finance(settled=settled)


@bp.post("/finance/reconcile")
@staff_required(roles=FINANCE)
def finance_reconcile() -> Any:
    day = _day(request.form.get("date"))
    if day is None:
        return render_finance(status=422, errors={"reconcile": i18n.tr("finance.bad_date")})
    try:
        run = api().reconcile(day)
    except PortalProblem as exc:
        if exc.status in (400, 409, 422):
            return render_finance(status=exc.status, errors={"reconcile": exc.detail})
        raise
    return redirect(url_for("console.reconciliation", run_id=run.id))


@bp.get("/finance/reconciliations/<int:run_id>")
@staff_required(roles=FINANCE)
def reconciliation(run_id: int) -> Any:
    return render_template("console/reconciliation.html", nav="finance",
                           run=pay.reconciliation(api(), run_id))


@bp.post("/finance/reconciliations/<int:run_id>/items/<int:item_id>/resolve")
@staff_required(roles=FINANCE)
def resolve_difference(run_id: int, item_id: int) -> Any:
    note = (request.form.get("note") or "").strip()
    if len(note) < 2:
        flash(i18n.tr("finance.note_needed"), "error")
    else:
        api().resolve_difference(item_id, note)
        flash(i18n.tr("finance.resolved"), "success")
    return redirect(url_for("console.reconciliation", run_id=run_id))


@bp.route("/finance/refund", methods=["GET", "POST"])
@staff_required(roles=REFUNDERS)
def refund() -> Any:
    number = (request.values.get("receipt") or "").strip()[:40]
    if not number:
        return redirect(url_for("console.finance"))
    try:
        rec = pay.receipt(api(), number)
    except PortalProblem as exc:
        if exc.status != 404:
            raise
        return render_finance(status=404, errors={"refund": i18n.tr("finance.no_receipt")},
                              values={"receipt": number})
    errors: dict[str, str] = {}
    amount = (request.form.get("amount") or "").strip()
    reason = (request.form.get("reason") or "").strip()
    if request.method == "POST":
        if amount and not _amount_ok(amount):
            errors["amount"] = i18n.tr("finance.bad_amount")
        if len(reason) < 2:
            errors["reason"] = i18n.tr("finance.reason_needed")
        if not errors:
            try:
                out = api().refund(rec.transfer_id, reason, request.form.get("key") or new_key(),
                                   amount=amount or None, currency=rec.currency)
            except PortalProblem as exc:
                if exc.status not in (400, 409, 422):
                    raise
                errors = {k.split(".")[-1]: v for k, v in exc.errors.items()} or {"form": exc.detail}
            else:
                flash(i18n.tr("finance.refunded", amount=i18n.money(out.amount_minor, out.currency),
                              receipt=rec.number, status=out.status), "success")
                return redirect(url_for("console.finance"))
    return render_template("console/refund.html", nav="finance", rec=rec, amount=amount,
                           reason=reason, errors=errors,
                           key=request.form.get("key") or new_key()), 422 if errors else 200


@bp.post("/finance/topup")
@staff_required(roles=FINANCE)
def counter_topup() -> Any:
    uid = (request.form.get("uid") or "").strip().upper()
    amount = (request.form.get("amount") or "").strip()
    values = {"uid": uid, "amount": amount}
    errors: dict[str, str] = {}
    if not CARD_UID.match(uid):
        errors["uid"] = i18n.tr("finance.bad_uid")
    if not _amount_ok(amount):
        errors["amount"] = i18n.tr("finance.bad_amount")
    if errors:
        return render_finance(status=422, errors=errors, values=values)
    try:
        out = api().top_up_card(uid, amount, "counter", request.form.get("key") or new_key())
        card = api().card_balance(uid)
    except PortalProblem as exc:
        if exc.status not in (400, 403, 404, 409, 422, 423):
            raise
        return render_finance(status=exc.status, errors={"topup": exc.detail}, values=values)
    flash(i18n.tr("finance.topped_up", uid=uid, amount=getattr(out, "amount_text", amount),
                  receipt=getattr(out, "number", "")), "success")
    return render_finance(card=card)


@bp.get("/statements")
@staff_required()
def statements() -> Any:
    staff = current_staff()
    assert staff is not None
    day = _day(request.args.get("date")) or last_closed_day()
    listed = api().statements(day)
    return render_template("console/statements.html", nav="statements", selected_day=day,
                           listed=listed)


@bp.get("/statements/<int:statement_id>.<fmt>")
@staff_required()
def statement_download(statement_id: int, fmt: str) -> Response:
    if fmt not in ("csv", "pdf"):
        abort(404)
    body = api().statement_document(statement_id, fmt)
    mimetype = "text/csv" if fmt == "csv" else "application/pdf"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="statement-{statement_id}.{fmt}"'})
