"""The Open311 GeoReport v2 facade under /open311/v2: existing 311 clients file and read matters."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apiflask import APIBlueprint
from flask import Response, current_app, g, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from channel_core.actors import Actor
from channel_core.api.context import portal, session_scope
from channel_core.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    PortalError,
    UnsupportedMediaType,
    ValidationFailed,
)
from channel_core.matters import numbers
from channel_core.matters.service import offered_on
from channel_core.open311 import attributes, intake, tracking
from channel_core.open311.attributes import DOMAIN
from channel_core.open311.wire import Document, errors_document, respond
from portal_client.i18n import gettext, has_key, normalize_lang

log = logging.getLogger(__name__)
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FMT = "<any(json, xml):fmt>"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

PREFIX = "/open311/v2"

bp = APIBlueprint("open311", __name__, url_prefix=PREFIX, tag="Open311")


def open311_lang() -> str:
    """locale= (query or form), else ?lang=, else Accept-Language; jurisdiction_id is ignored."""
    chosen = request.args.get("locale") or request.args.get("lang")
    if not chosen and request.method == "POST" and request.mimetype in FORM_TYPES:
        try:
            chosen = request.form.get("locale")
        except RequestEntityTooLarge:
            chosen = None
    return normalize_lang(chosen or request.headers.get("Accept-Language"),
                          portal().config.default_lang)


@bp.before_request
def _language() -> None:
    g.lang = open311_lang()  # the core's helpers then answer in the same language


def _fmt() -> str:
    return "xml" if request.path.endswith(".xml") else "json"


def _text(key: str, lang: str, **params: object) -> str:
    domain = DOMAIN if has_key(DOMAIN, key, "en") else "core"
    return gettext(domain, key, lang, **params)


def _error(status: int, descriptions: list[str]) -> Response:
    return respond(errors_document(status, descriptions), _fmt(), status)


@bp.errorhandler(PortalError)
def _portal_error(exc: PortalError) -> Response:
    lang = open311_lang()
    if exc.errors:
        lines = [f"{name}: {message}" for name, message in exc.errors.items()]
    else:
        lines = [_text(exc.detail_key, lang, **exc.params)]
    # Open311 clients expect 400 for any input they got wrong.
    return _error(400 if isinstance(exc, ValidationFailed) else exc.status, lines)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc: RequestEntityTooLarge) -> Response:
    return _error(413, [_text("problem.too_large.detail", open311_lang())])


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    key = {404: "problem.not_found.detail", 405: "problem.method_not_allowed.detail"}.get(
        status, "problem.bad_request.detail")
    return _error(status, [_text(key, open311_lang())])


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> Response:
    log.exception("open311: unhandled error")
    return _error(500, [_text("problem.internal.detail", open311_lang())])


def _content_changed() -> str:
    """When the service definitions last changed: the newest content file, or the moment a
    staff edit (another catalog version) was first seen."""
    seen: dict[str, str] = portal().extras.setdefault("open311_changeset", {})
    version = portal().catalog.version
    if version not in seen:
        if seen:
            moment = datetime.now(UTC)
        else:
            files = (portal().config.content_dir / "services").glob("*.yaml")
            moment = datetime.fromtimestamp(max((f.stat().st_mtime for f in files), default=0.0),
                                            UTC)
        seen[version] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return seen[version]


@bp.get(f"/discovery.{FMT}")
@bp.doc(summary="Service discovery: where this GeoReport v2 endpoint is and what it speaks")
def discovery(fmt: str) -> Response:
    lang = g.lang
    changed = _content_changed()
    body = {
        "changeset": changed,
        "contact": gettext(DOMAIN, "discovery.contact", lang),
        "key_service": gettext(DOMAIN, "discovery.key_service", lang),
        "endpoints": [{
            "specification": SPECIFICATION, "url": request.url_root.rstrip("/") + PREFIX,
            "changeset": changed, "type": "production", "formats": ["text/xml", "application/json"],
        }],
    }
    return respond(Document("discovery", body), fmt)


@bp.get(f"/services.{FMT}")
@bp.doc(summary="The catalog as Open311 services (service_code is the catalog id)")
def services(fmt: str) -> Response:
    # services only the system raises (channels: []) can't be filed by a 311 client: not listed
    entries = [attributes.service_entry(s, g.lang) for s in portal().catalog.services.values()
               if offered_on(s, "open311")]
    return respond(Document("services", [vars(e) for e in entries]), fmt)


@bp.get(f"/services/<service_code>.{FMT}")
@bp.doc(summary="A service definition: the service's fields as typed attributes")
def service_definition(service_code: str, fmt: str) -> Response:
    svc = portal().catalog.service(service_code)
    if svc is None:
        raise NotFound("problem.service.unknown", service=service_code[:64])
    return respond(Document("service_definition", attributes.service_definition(svc, g.lang)),
                   fmt)


def _filer(s, api_key: str) -> Actor:
    """Who files: the api_key's identity, else the channel or session the headers carry."""
    if api_key:
        a = intake.actor_for_api_key(s, portal().config, api_key)
        if a is None:
            raise Forbidden("error.api_key.invalid")
        return a
    if g.get("actor") is not None:
        return g.actor
    if g.get("channel") is not None:
        return Actor(kind="channel", channel=g.channel, name=g.channel)
    raise BadRequest("error.api_key.missing")


@bp.post(f"/requests.{FMT}")
@bp.doc(summary="File a service request (form-encoded as GeoReport v2 clients send it)")
def post_request(fmt: str) -> Response:
    if request.mimetype not in FORM_TYPES:
        raise UnsupportedMediaType("error.form_required")
    form = request.form
    with session_scope() as s:
        filer = _filer(s, (form.get("api_key") or "").strip())
        filed = intake.file_request(s, portal().catalog, form, filer, g.lang)
    record = {"service_request_id": filed.service_request_id, "token": filed.token,
              "service_notice": filed.service_notice, "account_id": filed.account_id}
    return respond(Document("service_requests", [record]), fmt)


@bp.get(f"/requests.{FMT}")
@bp.doc(summary="Service requests by id list, service_code, date range and status")
def list_requests(fmt: str) -> Response:
    query = tracking.parse_query(request.args, g.lang)
    with session_scope() as s:
        found = tracking.find(s, query)
        records = tracking.as_records(tracking.describe(s, portal().catalog, found, g.lang))
    return respond(Document("service_requests", records), fmt)


@bp.get(f"/requests/<service_request_id>.{FMT}")
@bp.doc(summary="One service request by its id (the matter number)")
def get_request(service_request_id: str, fmt: str) -> Response:
    number = numbers.normalize(service_request_id)
    if not numbers.is_valid(number):
        raise ValidationFailed(errors={"service_request_id": gettext(
            "core", "problem.matter.number_invalid", g.lang)})
    with session_scope() as s:
        found = tracking.find(s, tracking.RequestQuery(numbers=(number,)))
        if not found:
            raise NotFound("problem.matter.unknown", number=number)
        records = tracking.as_records(tracking.describe(s, portal().catalog, found, g.lang))
    return respond(Document("service_requests", records), fmt)


@bp.get(f"/tokens/<token>.{FMT}")
@bp.doc(summary="The service_request_id a POST requests token stands for")
def get_token(token: str, fmt: str) -> Response:
    with session_scope() as s:
        matter = intake.matter_for_token(s, token)
        if matter is None:
            raise NotFound("error.token.unknown")
        record = {"service_request_id": matter.number, "token": token}
    return respond(Document("service_requests", [record]), fmt)


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@bp.doc(hide=True)
def fallback(rest: str) -> Response:
    """Anything else under /open311/v2 answers in Open311's error format, not problem+json."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in ("GET", "POST"):
        if method == request.method:
            continue
        try:
            endpoint, _ = adapter.match(method=method)
        except HTTPException:
            continue
        if endpoint != "open311.fallback":
            raise MethodNotAllowed()
    raise NotFound()
