"""Finding matters by text: one normalised `search_text` per matter, matched with LIKE.

A matter's searchable words (its number, contact, and the values of its fields, with the
labels of chosen choices in all three languages) are written once, lower-cased and NFKC-folded,
into `matters.search_text` when the matter is filed. A query then needs one substring test per
row, the same on SQLite and PostgreSQL, and no JSON parsing. Service titles are not copied
into every row: a query that names a service (in any language) is resolved through the
catalog to service ids.

ID-card numbers and photo references are left out: the queue is also a merchant's view, and a
search must not confirm whose ID number sits behind an order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from sqlalchemy import ColumnElement, and_, or_

from channel_core.catalog.catalog import Catalog
from channel_core.catalog.schema import LANGS, ServiceDef
from channel_core.matters.models import Matter

NOT_SEARCHED = frozenset({"photo", "idcard", "yesno"})  # private, or noise ("yes" / "no")
MAX_TERMS = 6
_DIALLED = re.compile(r"^[\d\s\-+().]+$")  # a phone or matter number typed in groups
_DIALLED_SEPARATORS = re.compile(r"[\s\-().]")
_COUNTRY_CODE = re.compile(r"^(?:\+|00)86(?=1\d{10}$)")


def fold(text: str) -> str:
    """Text as it is stored and searched: NFKC (full-width digits → ASCII), case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def _values(value: object) -> Iterable[str]:
    if value is None or value == "":
        return ()
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v not in (None, "")]
    return (str(value),)


def search_text(service: ServiceDef | None, number: str | None, contact_name: str | None,
                contact_phone: str | None, fields: Mapping[str, object] | None) -> str:
    """The words a matter is found by, one per line (see the module docstring)."""
    parts: list[str] = [p for p in (number, contact_name, contact_phone) if p]
    fields = fields or {}
    defs = {f.key: f for f in service.fields} if service is not None else {}
    for key, value in fields.items():
        fdef = defs.get(key)
        if fdef is not None and fdef.type in NOT_SEARCHED:
            continue
        if fdef is None and service is not None:
            continue  # not a field of the service: never shown, so never searched
        choices = {c.value: c for c in fdef.choices} if fdef is not None else {}
        for v in _values(value):
            if v in choices:  # staff see a choice's label, never its code
                parts.extend(choices[v].label.get(lang) for lang in LANGS)
            else:
                parts.append(v)
    return fold("\n".join(parts))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(text: str) -> ColumnElement[bool]:
    return Matter.search_text.like(f"%{_escape_like(text)}%", escape="\\")


def services_named(catalog: Catalog, term: str) -> list[str]:
    """Ids of the services whose title (in any language) or id contains the folded term."""
    found = []
    for sid, svc in catalog.services.items():
        titles = (svc.title.get(lang) for lang in LANGS)
        if term in sid.casefold() or any(term in fold(t) for t in titles):
            found.append(sid)
    return sorted(found)


def matches(catalog: Catalog, query: str) -> ColumnElement[bool]:
    """Matters containing every word of `query` (in their text, or in their service's title).

    A query that looks dialled (digits in groups: '138 0000 0001', '+86 138 0000 0001')
    also matches with its separators and mainland country code removed.
    """
    folded = fold(query).strip()
    terms = folded.split()[:MAX_TERMS]
    per_term = []
    for term in terms:
        ids = services_named(catalog, term)
        per_term.append(or_(_contains(term), Matter.service_id.in_(ids)) if ids
                        else _contains(term))
    condition = and_(*per_term)
    if _DIALLED.match(folded):
        dialled = _DIALLED_SEPARATORS.sub("", folded)
        national = _COUNTRY_CODE.sub("", dialled)  # caller ID says +86, residents don't
        for form in sorted({dialled, national} - {folded, ""}):
            condition = or_(condition, _contains(form))
    return condition
