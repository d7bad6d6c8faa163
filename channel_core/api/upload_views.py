"""Photo uploads for `photo` fields: checked images stored under an unguessable id."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from apiflask import APIBlueprint
from flask import Blueprint, request, send_file
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import BaseModel, ConfigDict, Field

from channel_core.api.context import actor, channel, documents_body, lang, parse_body, portal
from channel_core.errors import BadRequest, NotFound, PayloadTooLarge, Unauthorized

bp = APIBlueprint("uploads", __name__, url_prefix="/api/v1", tag="Uploads")
MAX_PHOTO_BYTES = 5 * 1024 * 1024
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"),
           "WEBP": ("webp", "image/webp")}


def upload_dir() -> Path:
    cfg = portal().config
    if cfg.database_url.startswith("sqlite:///"):
        base = Path(cfg.database_url[len("sqlite:///"):]).parent
    else:
        base = Path(__file__).resolve().parents[2] / "var"
    path = base / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_photo(data: bytes, ident: str | None = None) -> str:
    """Check that `data` is a real JPEG/PNG/WebP image and store it (under `ident`, else a
    fresh id); returns 'upload:<id>'."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_PHOTO_BYTES:
        raise PayloadTooLarge("problem.upload.too_large")
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt = img.format
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise BadRequest("problem.upload.not_image") from exc
    if fmt not in FORMATS:
        raise BadRequest("problem.upload.not_image")
    ident = ident or secrets.token_urlsafe(18)
    ext = FORMATS[fmt][0]
    (upload_dir() / f"{ident}.{ext}").write_bytes(data)
    return f"upload:{ident}"


@bp.post("/uploads")
@bp.doc(summary="Upload a photo (JPEG, PNG or WebP, ≤ 5 MB); answers its upload id")
def upload():
    if channel() is None and actor() is None:
        raise Unauthorized("problem.auth.channel_required")
    f = request.files.get("file")
    data = f.read(MAX_PHOTO_BYTES + 1) if f is not None else request.get_data()
    if not data:
        raise BadRequest("problem.upload.empty")
    return {"id": store_photo(data)}, 201


@bp.get("/uploads/<ident>")
@bp.doc(summary="Staff: view an uploaded photo")
def view_upload(ident: str):
    a = actor()
    if a is None or a.kind != "staff":
        raise Unauthorized("problem.auth.staff_only")
    if not ident.replace("-", "").replace("_", "").isalnum():
        raise NotFound("problem.not_found.detail")
    for ext, mime in FORMATS.values():
        path = upload_dir() / f"{ident}.{ext}"
        if path.exists():
            return send_file(path, mimetype=mime, max_age=3600)
    raise NotFound("problem.not_found.detail")


# --- photos taken on a phone for a kiosk (or any screen without a camera) ------------------

def _sessions() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(portal().config.secret_key, salt="upload-session")


def _session_path(ident: str) -> Path:
    return upload_dir() / f"session-{ident}.txt"


class UploadSessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # How long the link works, for links sent by SMS (default: 15 minutes, at most a day).
    ttl_s: int | None = Field(default=None, ge=60, le=24 * 3600)
    # The link is texted to a phone (the hotline), not shown as a QR beside a screen: its
    # page does not send the user back to a screen.
    texted: bool = False


@bp.post("/upload-sessions")
@bp.doc(summary="Channel: a link (shown as a QR, or texted) a phone opens to send one photo "
                "for a photo field; `upload` is the value the photo will have once sent, "
                "for a matter filed before it arrives")
@documents_body(UploadSessionIn)
def upload_session_create():
    if channel() is None:
        raise Unauthorized("problem.auth.channel_required")
    body = UploadSessionIn()
    if request.content_length and request.mimetype == "application/json":
        body = parse_body(UploadSessionIn)
    ttl = body.ttl_s or UPLOAD_SESSION_TTL_S
    ident = secrets.token_urlsafe(18)
    plain = ttl == UPLOAD_SESSION_TTL_S and not body.texted
    token = _sessions().dumps(ident if plain else [ident, ttl, body.texted])
    return {"id": ident, "url": f"{portal().config.base_url}/upload/{token}",
            "upload": f"upload:{ident}", "expires_in": ttl}, 201


@bp.get("/upload-sessions/<ident>")
@bp.doc(summary="Channel: poll an upload session; 'done' carries the upload id for the field")
def upload_session_poll(ident: str):
    if channel() is None:
        raise Unauthorized("problem.auth.channel_required")
    if not ident.replace("-", "").replace("_", "").isalnum():
        raise NotFound("problem.not_found.detail")
    path = _session_path(ident)
    if path.exists():
        return {"status": "done", "upload": path.read_text().strip()}
    return {"status": "pending"}


UPLOAD_SESSION_TTL_S = 900
UPLOAD_SESSION_MAX_TTL_S = 24 * 3600
web_bp = Blueprint("upload_web", __name__, template_folder="templates")


def _session_of(token: str) -> tuple[str | None, bool]:
    """(session id, texted) of an upload link; the id is None once expired or if forged.
    A token holds a plain id (a QR link, default lifetime) or [id, ttl, texted]."""
    signed, data = _sessions().loads_unsafe(token)
    if not signed:
        return None, False
    ident, ttl, texted = ((data, UPLOAD_SESSION_TTL_S, False) if isinstance(data, str)
                          else tuple(data))
    try:
        _sessions().loads(token, max_age=min(int(ttl), UPLOAD_SESSION_MAX_TTL_S))
    except BadSignature:  # expired
        return None, bool(texted)
    return str(ident), bool(texted)


@web_bp.route("/upload/<token>", methods=["GET", "POST"])
def upload_page(token: str):
    """The phone page behind an upload QR: pick or take one photo, once."""
    from channel_core.api.web_views import _page
    from channel_core.errors import PortalError
    from portal_client.i18n import gettext

    lg = lang()
    ident, texted = _session_of(token)
    sms = "_sms" if texted else ""  # texted links: no "back to the screen" wording
    if ident is None:
        return _page("web/upload.html", "web.upload.title", state="expired", sms=sms,
                     error=gettext("core", f"web.upload.expired{sms}", lg)), 404
    path = _session_path(ident)
    if path.exists():
        return _page("web/upload.html", "web.upload.title", state="done", sms=sms)
    if request.method == "POST":
        f = request.files.get("photo")
        try:
            if f is None:
                raise BadRequest("problem.upload.empty")
            ref = store_photo(f.read(MAX_PHOTO_BYTES + 1), ident)
        except PortalError as exc:
            return _page("web/upload.html", "web.upload.title", state="form", sms=sms,
                         error=gettext("core", exc.detail_key, lg, **exc.params)), exc.status
        path.write_text(ref)
        return _page("web/upload.html", "web.upload.title", state="done", sms=sms)
    return _page("web/upload.html", "web.upload.title", state="form", sms=sms)
