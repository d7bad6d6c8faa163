"""Sign in (password + TOTP), sign out, and the landing page for each kind of member."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for

from console import i18n
from console.staff import StaffIdentity, current_staff, session_state, sign_in, sign_out
from console.throttle import client_address, throttle
from console.web import bp, payments_mounted, safe_next, staff_required
from portal_client import PortalProblem


def landing(staff: StaffIdentity) -> str:
    """Where a member starts: merchants at their orders, finance at settlement."""
    if staff.is_merchant:
        return url_for("console.orders")
    if "finance" in staff.roles and not staff.is_admin and payments_mounted():
        return url_for("console.finance")
    return url_for("console.queue")


def _resume_fields() -> list[tuple[str, str]]:
    prefix = "resume__"
    return [(k[len(prefix):], v) for k, v in request.form.items(multi=True) if k.startswith(prefix)]


@bp.get("/")
@staff_required()
def home() -> Any:
    staff = current_staff()
    assert staff is not None
    return redirect(landing(staff))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    nxt = safe_next(request.values.get("next"))
    if request.method == "GET":
        if session_state() == "active":
            staff = current_staff()
            assert staff is not None
            return redirect(nxt or landing(staff))
        return render_template("console/login.html", expired=bool(request.args.get("expired")),
                               next=nxt, resume=[], errors={}, username="")
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    totp = request.form.get("totp", "").strip().replace(" ", "")
    resume = _resume_fields()
    errors: dict[str, str] = {}
    for key, value in (("username", username), ("password", password), ("totp", totp)):
        if not value:
            errors[key] = i18n.tr("login.required")
    if totp and not (totp.isdigit() and len(totp) == 6):
        errors["totp"] = i18n.tr("login.totp_format")
    status = 200
    address = client_address()
    wait = throttle().retry_after(address)
    if wait:
        errors["form"] = i18n.tr("login.throttled", seconds=wait)
        status = 429
    elif not errors:
        try:
            staff = sign_in(username, password, totp)
        except PortalProblem as exc:
            if exc.status in (401, 422, 423):  # refused credentials, not a refusal to try
                throttle().failed(address)
            if exc.status == 423:
                minutes = exc.body.get("minutes", 15)
                errors["form"] = i18n.tr("login.locked", minutes=minutes)
            elif exc.status in (401, 422):
                errors["form"] = i18n.tr("login.bad_credentials")
            elif exc.status == 429:  # the core's limit, shared by every worker
                errors["form"] = i18n.tr("login.throttled",
                                         seconds=int(exc.body.get("retry_after") or 60))
            else:
                errors["form"] = i18n.tr("error.unavailable")
            status = exc.status if exc.status in (401, 423, 429) else 503
        else:
            throttle().succeeded(address)
            if resume and nxt:
                return render_template("console/resume.html", action=nxt, fields=resume)
            return redirect(nxt or landing(staff))
    else:
        status = 422
    return render_template("console/login.html", expired=False, next=nxt, resume=resume,
                           errors=errors, username=username), status


@bp.post("/logout")
def logout() -> Any:
    sign_out()
    return redirect(url_for("console.login", signed_out=1))
