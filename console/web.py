"""The console blueprint, its guards (sign-in, roles, CSRF) and how errors are shown."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect

from console import i18n
from console.staff import current_staff, forget_expired, session_state
from portal_client import PortalProblem

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")
csrf = CSRFProtect()
SECRET_FIELDS = frozenset({"csrf_token", "password", "totp"})


@bp.before_request
def _protect() -> None:
    # CSRFProtect is initialised with checks off by default, so only this blueprint is guarded.
    csrf.protect()


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


@bp.after_request
def _headers(resp: Response) -> Response:
    # Staff pages carry residents' data: never framed, never cached by shared caches.
    resp.headers.setdefault("Content-Security-Policy", CSP)
    resp.headers.setdefault("X-Frame-Options", "DENY")
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "same-origin")
    if resp.mimetype == "text/html":
        resp.headers.setdefault("Cache-Control", "no-store")
    return resp


@bp.context_processor
def _template_globals() -> dict[str, Any]:
    return {"_": i18n.tr, "text_of": i18n.text_of, "lang": i18n.current_lang(),
            "staff": current_staff(), "when": i18n.when, "day": i18n.day,
            "duration": i18n.duration, "money": i18n.money, "money_text": i18n.money_text,
            "percent": i18n.percent, "number": i18n.number, "list_text": i18n.list_text,
            "dept_name": _department_name,
            "payments_mounted": payments_mounted}


def payments_mounted() -> bool:
    """Whether the payments API is part of this server (finance pages need it)."""
    return "payments_settlement.run_day" in current_app.view_functions


def _department_name(dep_id: str) -> dict | None:
    from console.reference import reference

    return reference().department_name(dep_id)


def safe_next(target: str | None) -> str | None:
    """Only same-site console paths are followed after sign-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console"):
        return None
    return target


def posted_text_fields() -> list[tuple[str, str]]:
    """What the user typed into the form being refused, minus secrets (kept, never lost)."""
    return [(k, v) for k, v in request.form.items(multi=True)
            if k not in SECRET_FIELDS and v.strip()]


def _signed_out_response(state: str) -> Any:
    if state == "expired":
        forget_expired()
    if request.method == "POST":
        # Keep what was typed: the sign-in page carries it and offers to send it again.
        return render_template("console/login.html", expired=state == "expired",
                               next=request.path, resume=posted_text_fields(),
                               errors={}, username=""), 401
    return redirect(url_for("console.login", next=request.full_path.rstrip("?"),
                            expired=1 if state == "expired" else None))


def staff_required(roles: set[str] | None = None) -> Callable:
    """Allow signed-in staff (holding one of `roles`, if given) into a view."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            state = session_state()
            if state != "active":
                return _signed_out_response(state)
            staff = current_staff()
            assert staff is not None
            if roles and not staff.has_any(roles):
                return forbidden()
            return view(*args, **kwargs)

        return guarded

    return decorate


def forbidden(message_key: str = "error.forbidden") -> tuple[str, int]:
    return render_template("console/error.html", title=i18n.tr("error.forbidden.title"),
                           message=i18n.tr(message_key), kept=[]), 403


@bp.errorhandler(CSRFError)
def _csrf_error(exc: CSRFError) -> tuple[str, int]:
    return render_template("console/error.html", title=i18n.tr("error.csrf.title"),
                           message=i18n.tr("error.csrf"), kept=posted_text_fields(),
                           back=request.referrer if safe_next(_path(request.referrer)) else None), 400


def _path(url: str | None) -> str | None:
    return urlsplit(url).path if url else None


@bp.errorhandler(PortalProblem)
def _problem(exc: PortalProblem) -> Any:
    """Problems the views did not handle themselves: say what happened, keep the input."""
    if exc.status == 401:
        return _signed_out_response("expired")
    if exc.status == 403:
        return forbidden()
    status = {0: 503, 404: 404, 409: 409, 422: 422, 423: 423, 429: 429}.get(exc.status, 502)
    key = {0: "error.unavailable", 404: "error.not_found", 409: "error.conflict"}.get(exc.status)
    message = i18n.tr(key) if key else exc.detail
    return render_template("console/error.html", title=i18n.tr(f"error.{status}.title"),
                           message=message, errors=exc.errors, kept=posted_text_fields()), status
