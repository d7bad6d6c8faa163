"""Twilio webhooks as a Flask blueprint; the portal mounts it with `init_app(app)`.

Point the Twilio number's Voice URL at /hotline/voice, its call status callback at
/hotline/voice/status and its Messaging URL at /hotline/sms (all POST).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    render_template_string,
    request,
    send_file,
)

from hotline import sms, twilio_api
from hotline.config import HotlineConfig
from hotline.photos import MAX_BYTES, PhotoError
from hotline.service import Hotline
from portal_client.i18n import Translator, normalize_lang

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


@bp.errorhandler(Exception)
def _apology(exc: Exception):
    """Whatever broke, the caller hears an apology and is put through to an agent."""
    from werkzeug.exceptions import HTTPException

    if isinstance(exc, HTTPException):
        return exc
    log.exception("hotline webhook failed")
    if request.endpoint in ("hotline.transcribed", "hotline.call_status", "hotline.sms"):
        return Response("", status=500)  # Twilio retries callbacks; nothing to say
    h = hotline()
    lang = h.config.default_lang
    t = Translator("hotline", lang)
    return _twiml(twilio_api.apology_twiml(t("error.apology"), h.voice(lang), h.config.queue_name))


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


PAGE = """<!doctype html><html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t('photo_page.title') }}</title></head><body>
<h1>{{ t('photo_page.title') }}</h1>
{% if message %}<p role="status">{{ message }}</p>{% endif %}
{% if has_photo %}<img src="{{ image }}" alt="{{ t('photo_page.title') }}" style="max-width:100%">
{% elif open %}<form method="post" enctype="multipart/form-data">
<p><label>{{ t('photo_page.choose') }} <input type="file" name="photo" accept="image/*"
capture="environment" required></label></p><p><button>{{ t('photo_page.send') }}</button></p>
</form>{% endif %}</body></html>"""


@bp.route("/photo/<token>", methods=["GET", "POST"], endpoint="photo_page")
def photo_page(token: str):
    """The page the SMS link opens: add the photo once; afterwards staff see it here."""
    photos = hotline().photos
    t = Translator("hotline", normalize_lang(request.headers.get("Accept-Language"), "zh_CN"))
    message, status = "", 200
    if photos.photo(token) is None and not photos.is_open(token):
        abort(404)
    if request.method == "POST":
        request.max_content_length = MAX_BYTES + 64 * 1024
        upload = request.files.get("photo")
        try:
            photos.save(token, upload.read() if upload else b"")
            message = t("photo_page.thanks")
        except PhotoError as exc:
            message, status = t(str(exc)), 422
    has_photo = photos.photo(token) is not None
    return render_template_string(
        PAGE, t=t, lang=t.lang.replace("_", "-"), message=message, has_photo=has_photo,
        open=photos.is_open(token), image=f"{request.path}/image"), status


@bp.get("/photo/<token>/image", endpoint="photo_image")
def photo_image(token: str):
    path = hotline().photos.photo(token)
    if path is None:
        abort(404)
    return send_file(path)
