"""The core's exception hierarchy; the API maps each to one problem+json response."""

from __future__ import annotations


class PortalError(Exception):
    """Base of every error the core reports to a user; `code` is a translation key suffix."""

    status = 400
    code = "bad_request"

    def __init__(self, detail_key: str | None = None, *, errors: dict[str, str] | None = None,
                 **params: object) -> None:
        self.detail_key = detail_key or f"problem.{self.code}.detail"
        self.errors = errors or {}
        self.params = params
        super().__init__(self.detail_key)


class BadRequest(PortalError):
    status = 400
    code = "bad_request"


class Unauthorized(PortalError):
    status = 401
    code = "unauthorized"


class Forbidden(PortalError):
    status = 403
    code = "forbidden"


class NotFound(PortalError):
    status = 404
    code = "not_found"


class Conflict(PortalError):
    status = 409
    code = "conflict"


class Gone(PortalError):
    status = 410
    code = "gone"


class PayloadTooLarge(PortalError):
    status = 413
    code = "too_large"


class UnsupportedMediaType(PortalError):
    status = 415
    code = "unsupported_media_type"


class ValidationFailed(PortalError):
    """Per-field errors; `errors` maps field key to an already-localized message."""

    status = 422
    code = "validation"


class Locked(PortalError):
    status = 423
    code = "locked"


class TooManyRequests(PortalError):
    status = 429
    code = "rate_limited"
