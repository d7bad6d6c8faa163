"""Catalog endpoints: services, search, notices, FAQ, workflows, departments."""

from __future__ import annotations

from functools import lru_cache

from apiflask import APIBlueprint
from flask import Response, json, request

from channel_core.api.context import documents_body, lang, parse_body, portal
from channel_core.api.schemas import ValidateIn
from channel_core.catalog.schema import FAMILIES, LANGS, THEMES, ServiceDef
from channel_core.errors import NotFound
from channel_core.matters.validate import validate_fields
from portal_client.i18n import gettext

bp = APIBlueprint("catalog", __name__, url_prefix="/api/v1", tag="Catalog")


def _labels(prefix: str, ids: tuple[str, ...]) -> list[dict]:
    return [{"id": i, "label": {lg: gettext("core", f"{prefix}.{i}", lg) for lg in LANGS}}
            for i in ids]


def service_json(svc: ServiceDef) -> dict:
    return svc.model_dump(mode="json", by_alias=True)


def service_summary(svc: ServiceDef) -> dict:
    return {
        "id": svc.id, "family": svc.family, "theme": svc.theme,
        "title": svc.title.model_dump(), "summary": svc.summary.model_dump(),
        "workflow": svc.workflow, "requires_identity": svc.requires_identity,
        "channels": list(svc.channels), "fee": svc.fee.model_dump(exclude_none=True),
        "handler": svc.handler,
    }


@lru_cache(maxsize=64)
def _cached_body(version: str, key: tuple) -> bytes:
    """Serialized catalog responses, computed once per catalog version and filter."""
    cat = portal().catalog
    kind = key[0]
    if kind == "catalog":
        body = {
            "version": cat.version,
            "families": _labels("family", FAMILIES),
            "themes": _labels("theme", THEMES),
            "departments": [d.model_dump() for d in cat.tree.departments.values()],
            "services": [service_json(s) for s in cat.services.values()],
            "notices": [n.model_dump(mode="json") for n in cat.tree.notices],
            "faq": [e.model_dump(mode="json") for e in cat.tree.faq],
        }
    else:
        _, family, theme, channel = key
        items = [service_summary(s) for s in cat.services.values()
                 if (not family or s.family == family) and (not theme or s.theme == theme)
                 and (not channel or channel in s.channels)]
        body = {"version": cat.version, "count": len(items), "items": items}  # type: ignore[dict-item]
    return json.dumps(body, ensure_ascii=False).encode()


def _cached_response(key: tuple) -> Response:
    version = portal().catalog.version
    etag = f'"{version}-{abs(hash(key)) % 10**8}"'
    if request.headers.get("If-None-Match") == etag:
        return Response(status=304, headers={"ETag": etag})
    return Response(_cached_body(version, key), mimetype="application/json",
                    headers={"ETag": etag, "Cache-Control": "no-cache"})


@bp.get("/catalog")
@bp.doc(summary="The whole catalog (services, families, themes, notices, FAQ) for caching")
def get_catalog():
    return _cached_response(("catalog",))


@bp.get("/services")
@bp.doc(summary="List services, filtered by family, theme or channel")
def list_services():
    a = request.args
    return _cached_response(("list", a.get("family") or "", a.get("theme") or "",
                             a.get("channel") or ""))


@bp.get("/services/<service_id>")
@bp.doc(summary="One service's full definition in all languages")
def get_service(service_id: str):
    svc = portal().catalog.service(service_id)
    if svc is None:
        raise NotFound("problem.service.unknown", service=service_id)
    return service_json(svc)


@bp.post("/services/<service_id>/validate")
@bp.doc(summary="Validate some or all fields without submitting (per-field messages)")
@documents_body(ValidateIn)
def validate_service(service_id: str):
    svc = portal().catalog.service(service_id)
    if svc is None:
        raise NotFound("problem.service.unknown", service=service_id)
    body = parse_body(ValidateIn)
    values, errors = validate_fields(svc, body.fields, lang(), partial=body.partial)
    return {"ok": not errors, "values": values, "errors": errors}


@bp.get("/search")
@bp.doc(summary="Search services by title, keywords and pinyin in any language")
def search():
    q = (request.args.get("q") or "").strip()[:100]
    limit = min(int(request.args.get("limit", 20) or 20), 50)
    cat = portal().catalog
    channel = request.args.get("channel")
    items = []
    for sid, score in cat.service_index.search(q, limit=limit * 2):
        svc = cat.service(sid)
        if svc is None or (channel and channel not in svc.channels):
            continue
        items.append({**service_summary(svc), "score": score})
    return {"query": q, "count": len(items[:limit]), "items": items[:limit]}


@bp.get("/notices")
@bp.doc(summary="Community notices, including air quality")
def notices():
    kind = request.args.get("kind")
    items = [n.model_dump(mode="json") for n in portal().catalog.tree.notices
             if not kind or n.kind == kind]
    return {"items": items}


@bp.get("/faq")
@bp.doc(summary="Knowledge base: FAQ entries, searched in any language")
def faq():
    cat = portal().catalog
    q = (request.args.get("q") or "").strip()[:200]
    if q:
        by_id = {e.id: e for e in cat.tree.faq}
        items = [{**by_id[i].model_dump(mode="json"), "score": s}
                 for i, s in cat.faq_index.search(q, limit=10)]
    else:
        items = [e.model_dump(mode="json") for e in cat.tree.faq]
    return {"query": q, "items": items}


@bp.get("/workflows")
@bp.doc(summary="Workflow templates")
def workflows():
    return {"items": [wf.model_dump(mode="json", by_alias=True)
                      for wf in portal().catalog.workflows.values()]}


@bp.get("/workflows/<name>")
@bp.doc(summary="One workflow template")
def workflow(name: str):
    wf = portal().catalog.workflow(name)
    if wf is None:
        raise NotFound("problem.workflow.unknown")
    return wf.model_dump(mode="json", by_alias=True)


@bp.get("/departments")
@bp.doc(summary="Departments that work the queues")
def departments():
    return {"items": [d.model_dump() for d in portal().catalog.tree.departments.values()]}
