"""Catalog services as Open311 services, their fields as typed attributes, and back again."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime

from werkzeug.datastructures import MultiDict

from channel_core.catalog.schema import FieldDef, ServiceDef
from channel_render.clock import COMMUNITY_TZ
from portal_client.i18n import gettext, pick

DOMAIN = "open311"
# Catalog field type → GeoReport v2 datatype.
DATATYPES = {
    "text": "string", "address": "string", "phone": "string", "idcard": "string",
    "photo": "string", "time": "string", "longtext": "text", "number": "number",
    "money": "number", "date": "datetime", "datetime": "datetime",
    "choice": "singlevaluelist", "yesno": "singlevaluelist", "multichoice": "multivaluelist",
}
_ATTRIBUTE_PARAM = re.compile(r"^attribute\[([^\[\]]{1,64})\](\[\])?$")


@dataclass(frozen=True)
class ServiceEntry:
    """One row of GET services."""

    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: str
    keywords: str
    group: str


@dataclass(frozen=True)
class AttributeValue:
    key: str
    name: str


@dataclass(frozen=True)
class Attribute:
    """One attribute of a service definition (a catalog field)."""

    variable: bool
    code: str
    datatype: str
    required: bool
    datatype_description: str
    order: int
    description: str
    values: tuple[AttributeValue, ...] | None

    def as_record(self) -> dict:
        record = asdict(self)
        if self.values is None:
            del record["values"]
        return record


def service_entry(svc: ServiceDef, lang: str) -> ServiceEntry:
    """The catalog service as GET services lists it; service_code is the catalog id."""
    keywords = getattr(svc.keywords, lang, ()) or svc.keywords.en
    return ServiceEntry(
        service_code=svc.id, service_name=pick(svc.title.model_dump(), lang),
        description=pick(svc.summary.model_dump(), lang), metadata=bool(svc.fields),
        type="realtime", keywords=", ".join(keywords),
        group=gettext("core", f"family.{svc.family}", lang))


def _datatype_description(f: FieldDef, lang: str) -> str:
    text = gettext(DOMAIN, f"datatype.{f.type}", lang)
    if f.type in ("number", "money", "date") and (f.min is not None or f.max is not None):
        lo = "" if f.min is None else f.min
        hi = "" if f.max is None else f.max
        text = f"{text} {gettext(DOMAIN, 'datatype.range', lang, min=lo, max=hi)}"
    return text


def _values(f: FieldDef, lang: str) -> tuple[AttributeValue, ...] | None:
    if f.type in ("choice", "multichoice"):
        return tuple(AttributeValue(c.value, pick(c.label.model_dump(), lang)) for c in f.choices)
    if f.type == "yesno":
        return (AttributeValue("yes", gettext(DOMAIN, "value.yes", lang)),
                AttributeValue("no", gettext(DOMAIN, "value.no", lang)))
    return None


def attribute(f: FieldDef, order: int, lang: str) -> Attribute:
    """A catalog field as a typed GeoReport attribute in one language."""
    label = pick(f.label.model_dump(), lang)
    help_text = pick(f.help.model_dump(), lang) if f.help else ""
    return Attribute(
        variable=True, code=f.key, datatype=DATATYPES[f.type], required=f.required,
        datatype_description=_datatype_description(f, lang), order=order,
        description=f"{label} — {help_text}" if help_text else label, values=_values(f, lang))


def service_definition(svc: ServiceDef, lang: str) -> dict:
    """GET services/<code>: the service's fields as ordered, typed attributes."""
    return {"service_code": svc.id,
            "attributes": [attribute(f, i, lang).as_record()
                           for i, f in enumerate(svc.fields, start=1)]}


def posted_attributes(form: MultiDict) -> dict[str, list[str]]:
    """attribute[code]=v and attribute[code][]=v1&attribute[code][]=v2 → {code: [values]}."""
    found: dict[str, list[str]] = {}
    for param in form:
        m = _ATTRIBUTE_PARAM.match(param)
        if m:
            found.setdefault(m.group(1), []).extend(form.getlist(param))
    return found


def _as_date(raw: str) -> str:
    """A date field may arrive as a full datetime from a 311 client's datetime picker."""
    if "T" not in raw:
        return raw
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    if moment.tzinfo is not None:
        moment = moment.astimezone(COMMUNITY_TZ)
    return moment.date().isoformat()


def field_values(svc: ServiceDef, posted: dict[str, list[str]]) -> dict[str, object]:
    """Posted attribute strings shaped as the core's validator expects them per field type.

    Unknown codes are passed through so the core reports them as unknown fields.
    """
    types = {f.key: f.type for f in svc.fields}
    values: dict[str, object] = {}
    for code, raw in posted.items():
        kind = types.get(code)
        items = [r.strip() for r in raw if r.strip()]
        if kind == "multichoice":
            values[code] = items
        elif len(items) > 1:
            values[code] = items  # several values for a one-value field: the core rejects it
        elif not items:
            values[code] = ""
        elif kind == "date":
            values[code] = _as_date(items[0])
        else:
            values[code] = items[0]
    return values
