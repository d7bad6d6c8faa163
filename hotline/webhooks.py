"""Twilio webhooks as a Flask blueprint; the portal mounts it with `init_app(app)`.

Point the Twilio number's Voice URL at /hotline/voice, its call status callback at
/hotline/voice/status and its Messaging URL at /hotline/sms (all POST). Photos callers add
by SMS link go straight to the core's uploads (its /upload/<token> page), not through here.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, request, send_file

from hotline import sms, twilio_api
from hotline.config import HotlineConfig
from hotline.service import Hotline
from portal_client.i18n import Translator

log = logging.getLogger(__name__)
bp = Blueprint("hotline", __name__, url_prefix="/hotline")
_build_lock = threading.Lock()


def hotline() -> Hotline:
    """This app's hotline, built on first use (after tests and the CLI set the config)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("hotline")
    if found is None:
        with _build_lock:
            found = app.extensions.get("hotline")
            if found is None:
                found = Hotline(app, HotlineConfig.from_app(app))
                app.extensions["hotline"] = found
    return found


def init_app(app: Flask) -> None:
    """Mount the hotline webhooks on the portal app."""
    app.register_blueprint(bp)


def _twiml(body: str) -> Response:
    return Response(body, mimetype="text/xml")


def signed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only Twilio's signature of this URL and these parameters lets a webhook in (403)."""

    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        _check_signature()
        return view(*args, **kwargs)

    return checked


def _check_signature() -> None:
    # Not a blueprint before_request: APIFlask's spec builder trips over those on a plain
    # Flask blueprint, and /openapi.json must keep working with the hotline mounted.
    cfg = hotline().config
    url = request.url
    if cfg.public_url:
        query = request.query_string.decode()
        url = cfg.public_url + request.path + (f"?{query}" if query else "")
    ok = twilio_api.signature_valid(cfg.auth_token, url, request.form,
                                    request.headers.get(twilio_api.SIGNATURE_HEADER),
                                    request.headers.get(twilio_api.SETTINGS_HEADER))
    if not ok:
        log.warning("rejected unsigned or forged webhook %s", request.path)
        abort(403)


HOLD_RETRY_S = 10  # a broken hold-music webhook: this much silence before Twilio asks again


@bp.errorhandler(Exception)
def _apology(exc: Exception):
    """Whatever broke, the caller hears an apology and is put through to an agent."""
    from werkzeug.exceptions import HTTPException

    if isinstance(exc, HTTPException):
        return exc
    log.exception("hotline webhook failed")
    if request.endpoint in ("hotline.transcribed", "hotline.recorded", "hotline.call_status",
                            "hotline.inbound_sms"):
        return Response("", status=500)  # Twilio retries callbacks; nothing to say
    if request.endpoint == "hotline.queue_wait":
        return _twiml(twilio_api.hold_twiml(HOLD_RETRY_S))  # already queued: keep holding
    h = hotline()
    try:
        return _twiml(h.apology(request.form))
    except Exception:  # noqa: BLE001 - the call store itself failing: still reach an agent
        log.exception("hotline apology could not be kept for the call")
        lang = h.config.default_lang
        t = Translator("hotline", lang)
        return _twiml(twilio_api.apology_twiml(t("error.apology"), h.voice(lang),
                                               h.config.queue_name))


@bp.post("/voice")
@signed
def voice():
    return _twiml(hotline().start(request.form))


@bp.post("/voice/step")
@signed
def step():
    n = request.args.get("n", type=int) or 0
    return _twiml(hotline().step(request.form, n, request.args.get("r") == "1"))


@bp.post("/voice/queue/wait")
@signed
def queue_wait():
    return _twiml(hotline().queue_wait(request.form))


@bp.post("/voice/transcribed")
@signed
def transcribed():
    hotline().transcribed(request.form)
    return Response(status=204)


@bp.post("/voice/recorded")
@signed
def recorded():
    hotline().recorded(request.form)
    return Response(status=204)


@bp.post("/voice/status")
@signed
def call_status():
    hotline().call_status(request.form)
    return Response(status=204)


@bp.post("/sms")
@signed
def inbound_sms():
    h = hotline()
    text = sms.answer(h.client(h.config.default_lang), request.form, h.config.default_lang)
    return _twiml(twilio_api.message_twiml(text))


@bp.get("/audio/<key>.wav")
def audio(key: str):
    h = hotline()
    path = h.audio.path(key) if h.audio else None
    if path is None:
        abort(404)
    return send_file(path, mimetype="audio/wav", max_age=86400)
