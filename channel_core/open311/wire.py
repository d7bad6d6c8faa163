"""GeoReport v2 wire formats: one document model rendered as JSON or as XML (xml.etree)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Response

FORMATS = ("json", "xml")
MIMETYPES = {"json": "application/json", "xml": "text/xml"}
# Child element names for the lists the spec nests in XML (<services><service>...).
_ITEM_TAGS = {
    "services": "service", "service_requests": "request", "attributes": "attribute",
    "values": "value", "endpoints": "endpoint", "formats": "format", "errors": "error",
}
# Characters XML 1.0 cannot carry at all; user text may contain them, the document must not.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")



@dataclass(frozen=True)
class Document:
    """A response body: `root` names the XML root; `body` is a list of records or one record."""

    root: str
    body: Sequence[Mapping[str, Any]] | Mapping[str, Any]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(elem: ET.Element, value: object) -> None:
    if isinstance(value, Mapping):
        for key, child in value.items():
            _fill(ET.SubElement(elem, key), child)
    elif isinstance(value, list | tuple):
        tag = _ITEM_TAGS.get(elem.tag, "item")
        for child in value:
            _fill(ET.SubElement(elem, tag), child)
    else:
        elem.text = _text(value)


def to_xml(doc: Document) -> bytes:
    """The document as UTF-8 XML with its declaration, every text escaped by ElementTree."""
    root = ET.Element(doc.root)
    if isinstance(doc.body, Mapping):
        for key, value in doc.body.items():
            _fill(ET.SubElement(root, key), value)
    else:
        _fill(root, list(doc.body))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def to_json(doc: Document) -> bytes:
    return json.dumps(doc.body, ensure_ascii=False).encode()


def respond(doc: Document, fmt: str, status: int = 200) -> Response:
    """The document in the requested format ("json" or "xml"), UTF-8."""
    body = to_xml(doc) if fmt == "xml" else to_json(doc)
    mimetype = MIMETYPES.get(fmt, MIMETYPES["json"])
    return Response(body, status=status, content_type=f"{mimetype}; charset=utf-8")


def errors_document(status: int, descriptions: Sequence[str]) -> Document:
    """Open311's error list: one {code, description} per problem (XML: <errors><error>)."""
    return Document("errors", [{"code": status, "description": d} for d in descriptions])
