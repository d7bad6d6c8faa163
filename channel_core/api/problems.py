"""Map every error to one application/problem+json response in the requested language."""

from __future__ import annotations

import logging

from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from channel_core.api.context import lang
from channel_core.errors import PortalError
from portal_client.i18n import gettext

log = logging.getLogger(__name__)
PROBLEM_BASE = "https://portal.example/problems/"


def problem(status: int, code: str, detail: str, errors: dict[str, str] | None = None,
            **extra: object) -> Response:
    body = {
        "type": PROBLEM_BASE + code,
        "title": gettext("core", f"problem.{code}.title", lang()),
        "status": status,
        "code": code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    resp = Response(json.dumps(body, ensure_ascii=False), status=status,
                    mimetype="application/problem+json")
    if status == 401:
        resp.headers["WWW-Authenticate"] = 'Bearer realm="portal"'
    return resp


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large",
               415: "unsupported_media_type", 422: "validation", 429: "rate_limited"}


def init_app(app: Flask) -> None:
    @app.errorhandler(PortalError)
    def _portal_error(exc: PortalError) -> Response:
        detail = gettext("core", exc.detail_key, lang(), **exc.params)
        extra = {k: v for k, v in exc.params.items() if isinstance(v, str | int)}
        return problem(exc.status, exc.code, detail, exc.errors, **extra)

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge) -> Response:
        return problem(413, "too_large", gettext("core", "problem.too_large.detail", lang()))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        code = _HTTP_CODES.get(status, "http_error")
        return problem(status, code, gettext("core", f"problem.{code}.detail", lang()))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        return problem(500, "internal", gettext("core", "problem.internal.detail", lang()))
