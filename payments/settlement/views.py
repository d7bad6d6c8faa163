"""Settlement endpoints: run a day, statements (JSON, CSV, PDF), reconciliation and its items."""

from __future__ import annotations

from datetime import date

from apiflask import APIBlueprint
from flask import Response, request
from pydantic import Field
from sqlalchemy import select

from channel_core.api.context import lang, parse_body, require_actor, session_scope
from channel_core.errors import BadRequest, Forbidden
from channel_core.identity import service as identity
from payments.errors import StatementUnknown
from payments.payees import payee_name
from payments.settlement import documents, reconcile, service
from payments.settlement.models import ReconciliationRun, SettlementStatement
from payments.web import In, merchant_payee, pctx, require_finance

bp = APIBlueprint("payments_settlement", __name__, url_prefix="/api/v1", tag="Settlement")


class DayIn(In):
    date: str = Field(min_length=10, max_length=10)


class ResolveIn(In):
    note: str = Field(min_length=2, max_length=2000)


def _day(text: str | None) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError as exc:
        raise BadRequest("problem.payment.date_format") from exc


def _name(code: str) -> str:
    p = pctx()
    return payee_name(p.payees.by_code(code, p.departments), code, lang())


def _visible(st: SettlementStatement) -> None:
    a = require_actor()
    if a.kind == "staff" and ("finance" in a.roles or "admin" in a.roles):
        return
    if merchant_payee(a) == st.payee_code:
        return
    raise Forbidden("problem.auth.role", role="finance")


@bp.post("/settlement/runs")
@bp.doc(summary="Finance: settle a closed business day (and any unsettled day before it)")
def run_day():
    a = require_finance()
    day = _day(parse_body(DayIn).date)
    results = service.settle_through(pctx(), day)
    with session_scope() as s:
        identity.audit(s, a, "settlement.run", day.isoformat(),
                       {"days": [r.day.isoformat() for r in results]}, request.remote_addr)
    return {"days": [{"date": r.day.isoformat(), "newly_settled": r.newly_settled,
                      "statements": [service.statement_json(st, lang(), _name(st.payee_code))
                                     for st in r.statements]} for r in results]}, 201


@bp.get("/settlement/statements")
@bp.doc(summary="Statements of a day (?date=); merchants see only their own")
def list_statements():
    a = require_actor()
    day = _day(request.args.get("date"))
    mine = merchant_payee(a)
    if mine is None:
        require_finance()
    with session_scope() as s:
        stmt = select(SettlementStatement).where(SettlementStatement.business_date == day)
        if mine is not None:
            stmt = stmt.where(SettlementStatement.payee_code == mine)
        rows = s.scalars(stmt.order_by(SettlementStatement.payee_code)).all()
        return {"items": [service.statement_json(st, lang(), _name(st.payee_code)) for st in rows]}


def _statement(s, statement_id: int) -> SettlementStatement:
    st = s.get(SettlementStatement, statement_id)
    if st is None:
        raise StatementUnknown()
    _visible(st)
    return st


@bp.get("/settlement/statements/<int:statement_id>")
@bp.doc(summary="One statement (finance, or the merchant it belongs to)")
def get_statement(statement_id: int):
    with session_scope() as s:
        st = _statement(s, statement_id)
        return service.statement_json(st, lang(), _name(st.payee_code))


@bp.get("/settlement/statements/<int:statement_id>.csv")
@bp.doc(summary="One statement as CSV")
def statement_csv(statement_id: int):
    with session_scope() as s:
        st = _statement(s, statement_id)
        body = documents.to_csv(st, _name(st.payee_code), lang())
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=statement-{st.business_date}-{statement_id}.csv"})


@bp.get("/settlement/statements/<int:statement_id>.pdf")
@bp.doc(summary="One statement as PDF")
def statement_pdf(statement_id: int):
    with session_scope() as s:
        st = _statement(s, statement_id)
        body = documents.to_pdf(st, _name(st.payee_code), lang())
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=statement-{st.business_date}-{statement_id}.pdf"})


@bp.post("/settlement/reconciliations")
@bp.doc(summary="Finance: reconcile a day of the ledger against the gateway's records")
def run_reconciliation():
    a = require_finance()
    day = _day(parse_body(DayIn).date)
    run = reconcile.reconcile(pctx(), day, staff_id=a.id)
    with session_scope() as s:
        identity.audit(s, a, "settlement.reconcile", day.isoformat(),
                       {"run": run.id, "differences": run.differences}, request.remote_addr)
        return reconcile.run_json(s, s.get(ReconciliationRun, run.id)), 201


@bp.get("/settlement/reconciliations/<int:run_id>")
@bp.doc(summary="Finance: a reconciliation run with every difference found")
def get_reconciliation(run_id: int):
    require_finance()
    with session_scope() as s:
        run = s.get(ReconciliationRun, run_id)
        if run is None:
            raise StatementUnknown()
        return reconcile.run_json(s, run)


@bp.post("/settlement/reconciliations/items/<int:item_id>/resolve")
@bp.doc(summary="Finance: close a difference with a note explaining it")
def resolve_item(item_id: int):
    a = require_finance()
    body = parse_body(ResolveIn)
    with session_scope() as s:
        item = reconcile.resolve_item(s, item_id, body.note, a.id)  # type: ignore[arg-type]
        identity.audit(s, a, "settlement.resolve", str(item_id), {"note": body.note},
                       request.remote_addr)
        return reconcile.item_json(item)
