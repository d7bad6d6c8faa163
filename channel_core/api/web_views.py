"""Public pages a resident opens from a QR code on a phone: matter tracking and kiosk sign-in."""

from __future__ import annotations

import hmac

from flask import Blueprint, render_template, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from channel_core.api.auth_views import send_otp
from channel_core.api.context import lang, portal, session_scope
from channel_core.errors import PortalError
from channel_core.identity import service as identity
from channel_core.matters import service as matters
from channel_core.workflows import engine
from channel_render.clock import COMMUNITY_TZ
from portal_client.i18n import gettext, pick

bp = Blueprint("web", __name__, template_folder="templates")
LANG_NAMES = (("zh_CN", "简体"), ("zh_TW", "繁體"), ("en", "English"))


def _page(template: str, title_key: str, **ctx) -> str:
    lg = lang()
    return render_template(template, t=lambda k, **kw: gettext("core", k, lg, **kw),
                           title=gettext("core", title_key, lg), langs=LANG_NAMES,
                           html_lang=lg.replace("_", "-"), **ctx)


@bp.get("/track/<number>")
def track(number: str):
    """The public tracking view a receipt's QR code opens."""
    lg = lang()
    try:
        with session_scope() as s:
            m = matters.get_by_number(s, number)
            wf = engine.workflow_of(s, m)
            svc = portal().catalog.service(m.service_id)
            history = []
            for e in matters.events_of(s, m, include_internal=False):
                label = (pick(wf.states[e.to_state].label.model_dump(), lg)
                         if e.to_state in wf.states else gettext("core", f"web.event.{e.kind}", lg))
                history.append({"label": label, "note": e.note if e.kind in ("reply", "transition") else None,
                                "at": e.at.astimezone(COMMUNITY_TZ).strftime("%Y-%m-%d %H:%M")})
            label, nxt = matters.state_label(s, m, lg)
            return _page("web/track.html", "web.track.title", matter=m, state=label,
                         next_step=nxt, history=history,
                         service_title=pick(svc.title.model_dump(), lg) if svc else m.service_id)
    except PortalError as exc:
        error = gettext("core", exc.detail_key, lg, **exc.params)
        return _page("web/track.html", "web.track.title", matter=None, error=error), exc.status


def _csrf(qr_id: str) -> str:
    return URLSafeTimedSerializer(portal().config.secret_key, salt="signin").dumps(qr_id)


@bp.route("/signin/<qr_id>", methods=["GET", "POST"])
def signin(qr_id: str):
    """A kiosk's sign-in QR: the resident confirms with their phone number and a texted code."""
    lg = lang()
    ctx: dict = {"phone": "", "code_sent": False, "done": False, "error": None,
                 "csrf": _csrf(qr_id)}
    if request.method == "POST":
        ctx["phone"] = (request.form.get("phone") or "").strip()[:32]
        try:
            token = URLSafeTimedSerializer(portal().config.secret_key, salt="signin").loads(
                request.form.get("csrf", ""), max_age=600)
            if not hmac.compare_digest(str(token), qr_id):
                raise BadSignature("wrong form")
        except BadSignature:
            ctx["error"] = gettext("core", "web.signin.expired", lg)
            return _page("web/signin.html", "web.signin.title", **ctx), 400
        try:
            if request.form.get("step") == "verify":
                with session_scope(commit_on=(PortalError,)) as s:
                    res = identity.otp_verify(s, ctx["phone"], request.form.get("code", "").strip())
                    identity.qr_login_approve(s, qr_id, res.id)
                ctx["done"] = True
            else:
                with session_scope() as s:
                    send_otp(s, ctx["phone"], lg)
                ctx["code_sent"] = True
        except PortalError as exc:
            ctx["error"] = gettext("core", exc.detail_key, lg, **exc.params)
            ctx["code_sent"] = request.form.get("step") == "verify"
            return _page("web/signin.html", "web.signin.title", **ctx), exc.status
    return _page("web/signin.html", "web.signin.title", **ctx)
