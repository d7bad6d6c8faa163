"""Apply staff edits over the YAML content: validate like the loader, version, go live."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from channel_core.catalog.catalog import Catalog
from channel_core.catalog.loader import ContentError, ContentProblem, ContentTree, check_references
from channel_core.catalog.models import ContentEdit
from channel_core.catalog.schema import FaqEntry, Notice, ServiceDef
from channel_core.workflows.schema import WorkflowDef

KINDS: dict[str, type[BaseModel]] = {"service": ServiceDef, "workflow": WorkflowDef, "notice": Notice, "faq": FaqEntry}


def validate_item(kind: str, key: str, body: object) -> object:
    """Parse one edited item exactly as the YAML loader would, or raise ContentError."""
    from pydantic import ValidationError

    model = KINDS[kind]
    rel = f"{kind}:{key}"
    if not isinstance(body, dict):
        raise ContentError([ContentProblem(rel, "(body)", "must be a mapping")])
    try:
        item = model.model_validate(body)
    except ValidationError as exc:
        raise ContentError([ContentProblem(rel, ".".join(str(p) for p in e["loc"]) or "(body)",
                                           e["msg"]) for e in exc.errors()]) from exc
    ident = getattr(item, "name" if kind == "workflow" else "id", None)
    if ident != key:
        raise ContentError([ContentProblem(rel, "id", f"must equal {key!r}")])
    return item


def apply_edits(tree: ContentTree, edits: list[ContentEdit]) -> ContentTree:
    """The content tree with the newest edit of every item applied over it."""
    latest: dict[tuple[str, str], ContentEdit] = {}
    for e in edits:
        latest[(e.kind, e.key)] = e
    if not latest:
        return tree
    services = dict(tree.services)
    raws = dict(tree.raw_services)
    workflows = dict(tree.workflows)
    notices = {n.id: n for n in tree.notices}
    faq = {f.id: f for f in tree.faq}
    for (kind, key), e in latest.items():
        item = validate_item(kind, key, e.body)
        if kind == "service":
            services[key] = item  # type: ignore[assignment]
            raws[key] = e.body
        elif kind == "workflow":
            workflows[key] = item  # type: ignore[assignment]
        elif kind == "notice":
            notices[key] = item  # type: ignore[assignment]
        else:
            faq[key] = item  # type: ignore[assignment]
    problems = check_references(services, workflows, tree.departments, tuple(faq.values()), {})
    if problems:
        raise ContentError(problems)
    digest = hashlib.sha256(tree.version.encode())
    digest.update(str(max(e.id for e in edits)).encode())
    return replace(tree, services=services, raw_services=raws, workflows=workflows,
                   notices=tuple(sorted(notices.values(), key=lambda n: n.published, reverse=True)),
                   faq=tuple(faq.values()), version=digest.hexdigest()[:16])


def latest_edit_id(session: Session) -> int:
    return session.scalar(select(func.max(ContentEdit.id))) or 0


def refresh(session: Session, catalog: Catalog, base: ContentTree) -> None:
    """Rebuild the live catalog from the YAML base plus every edit in the database."""
    edits = list(session.scalars(select(ContentEdit).order_by(ContentEdit.id)))
    catalog.swap(apply_edits(base, edits))


def save_edit(session: Session, catalog: Catalog, base: ContentTree, kind: str, key: str,
              body: dict, staff_id: int | None, staff_name: str | None,
              note: str | None = None) -> ContentEdit:
    """Validate and store a new version of one item, then make it live in this process."""
    if kind not in KINDS:
        raise ValueError(kind)
    validate_item(kind, key, body)
    edits = list(session.scalars(select(ContentEdit).order_by(ContentEdit.id)))
    row = ContentEdit(kind=kind, key=key, body=json.loads(json.dumps(body, default=str)),
                      staff_id=staff_id, staff_name=staff_name, note=note)
    session.add(row)
    session.flush()
    tree = apply_edits(base, [*edits, row])  # raises ContentError on broken references
    catalog.swap(tree)
    return row
