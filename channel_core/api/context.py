"""Per-app state (database, catalog, jobs) and per-request helpers shared by the blueprints."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import current_app, g, request
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from channel_core.actors import Actor
from channel_core.catalog.catalog import Catalog
from channel_core.config import PortalConfig
from channel_core.db import Database
from channel_core.errors import (
    BadRequest,
    Forbidden,
    PortalError,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
)
from channel_core.jobs.runner import InProcessRunner, JobRegistry
from channel_core.notify.outbox import Sender
from portal_client.i18n import gettext, normalize_lang

M = TypeVar("M", bound=BaseModel)


@dataclass
class Portal:
    """Everything a request or job needs, built once by create_app."""

    config: PortalConfig
    db: Database
    catalog: Catalog
    jobs: JobRegistry
    senders: dict[str, Sender] = field(default_factory=dict)
    runner: InProcessRunner | None = None
    extras: dict[str, Any] = field(default_factory=dict)


def portal() -> Portal:
    return current_app.extensions["portal"]


def lang() -> str:
    """The requested language: ?lang=, else Accept-Language, else the portal default."""
    if "lang" not in g:
        g.lang = normalize_lang(request.args.get("lang") or request.headers.get("Accept-Language"),
                                portal().config.default_lang)
    return g.lang


def actor() -> Actor | None:
    return g.get("actor")


def channel() -> str | None:
    return g.get("channel")


def require_actor() -> Actor:
    a = actor()
    if a is None:
        raise Unauthorized("problem.auth.required")
    return a


def require_staff(role: str | None = None) -> Actor:
    a = require_actor()
    if a.kind != "staff":
        raise Forbidden("problem.auth.staff_only")
    if role and role not in a.roles and "admin" not in a.roles:
        raise Forbidden("problem.auth.role", role=role)
    return a


def require_resident() -> Actor:
    a = require_actor()
    if a.kind != "resident":
        raise Forbidden("problem.auth.resident_only")
    return a


def require_channel() -> str:
    ch = channel()
    if ch is None:
        raise Unauthorized("problem.auth.channel_required")
    return ch


def json_body() -> dict:
    """The request's JSON object, or a 415/400 problem."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType("problem.unsupported_media_type.detail")
    data = request.get_json(silent=True)
    if data is None:
        raise BadRequest("problem.json.malformed")
    if not isinstance(data, dict):
        raise BadRequest("problem.json.not_object")
    return data


_PYDANTIC_KEYS = {
    "missing": "field.required_plain",
    "string_too_long": "field.too_long_plain",
    "string_too_short": "field.required_plain",
    "extra_forbidden": "field.unknown",
}


def parse_body(model: type[M]) -> M:
    """Validate the JSON body against a request model, with localized per-field errors."""
    data = json_body()
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or "body"
            errors[key] = gettext("core", _PYDANTIC_KEYS.get(err["type"], "field.invalid"), lang())
        raise ValidationFailed(errors=errors) from exc


@contextmanager
def session_scope(commit_on: tuple[type[PortalError], ...] = ()) -> Iterator[Session]:
    """A transaction; with `commit_on`, work done before those errors is kept (PIN counters)."""
    s = portal().db.sessions()
    try:
        yield s
        s.commit()
    except commit_on:
        s.commit()
        raise
    except BaseException:
        s.rollback()
        raise
    finally:
        s.close()


def documents_body(model: type[BaseModel]):
    """Declare a view's JSON body in /openapi.json; validation stays in parse_body (localized)."""
    from apiflask.schema_adapters.registry import registry

    def decorator(f):
        spec = getattr(f, "_spec", {})
        spec.update(body=registry.create_adapter(model).schema, content_type="application/json",
                    body_example=None, body_examples=None)
        f._spec = spec
        return f

    return decorator
