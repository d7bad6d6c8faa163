"""A service's fields for staff: values shown with their labels, and forms read back to values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import url_for
from werkzeug.datastructures import MultiDict

from console import i18n
from console.staff import api
from portal_client import PortalProblem, Service
from portal_client.types import Field

UPLOAD = "upload:"

INPUT_TYPES = {"number": "number", "money": "text", "date": "date", "time": "time",
               "datetime": "datetime-local", "phone": "tel"}


@dataclass(frozen=True)
class FieldRow:
    key: str
    label: str
    type: str
    text: str
    image_url: str | None = None
    photo_pending: bool = False  # an upload the field refers to has not arrived yet


def _choice_label(f: Field, value: Any) -> str:
    for c in f.choices:
        if c.value == str(value):
            return i18n.text_of(c.label)
    return str(value)


def upload_arrived(ident: str) -> bool:
    """Whether the core holds an uploaded photo yet (one texted to the hotline comes later)."""
    try:
        api().request("HEAD", f"/api/v1/uploads/{quote(ident, safe='')}")
    except PortalProblem as exc:
        if exc.status == 404:
            return False
        raise
    return True


def display(f: Field | None, value: Any,
            arrived: Callable[[str], bool] = upload_arrived) -> tuple[str, str | None]:
    """(text, image URL or None) for one stored value; a photo not received yet has neither
    an image nor its reference as text, but the words saying so."""
    if value is None or value == "":
        return "", None
    if f is None:
        return str(value), None
    if f.type == "choice":
        return _choice_label(f, value), None
    if f.type == "multichoice":
        values = value if isinstance(value, list | tuple) else [value]
        return i18n.list_text(_choice_label(f, v) for v in values), None
    if f.type == "yesno":
        yes = value is True or str(value).lower() in ("true", "yes", "1")
        return i18n.tr("form.yes" if yes else "form.no"), None
    if f.type == "photo":
        ref = str(value)
        if ref.startswith(UPLOAD):
            ident = ref[len(UPLOAD):]
            if not arrived(ident):
                return i18n.tr("matter.photo_pending"), None
            return ref, url_for("console.upload", ident=ident)
        return ref, ref if ref.startswith(("https://", "http://")) else None
    return str(value), None


def field_rows(service: Service | None, values: dict) -> list[FieldRow]:
    """Every stored value with its label, in the service's field order, then any extras."""
    rows: list[FieldRow] = []
    known = {f.key: f for f in service.fields} if service else {}
    for key in [*known, *(k for k in values if k not in known)]:
        if key not in values:
            continue
        f = known.get(key)
        value = values[key]
        text, image = display(f, value)
        pending = (f is not None and f.type == "photo" and image is None
                   and str(value).startswith(UPLOAD))
        rows.append(FieldRow(key=key, label=i18n.text_of(f.label) if f else key,
                             type=f.type if f else "text", text=text, image_url=image,
                             photo_pending=pending))
    return rows


def form_values(service: Service, form: MultiDict) -> dict[str, Any]:
    """Read `f_<key>` inputs of a service form into API field values (blanks left out)."""
    out: dict[str, Any] = {}
    for f in service.fields:
        name = f"f_{f.key}"
        if f.type == "multichoice":
            picked = [v for v in form.getlist(name) if v]
            if picked:
                out[f.key] = picked
            continue
        raw = (form.get(name) or "").strip()
        if raw:
            out[f.key] = raw
    return out
