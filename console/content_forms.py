"""Read the content editors' forms back into content/ bodies (services, notices, FAQ).

Input names are the dotted paths the core reports problems under (``title.en``,
``fields.2.label.zh_CN``), so a refused save puts each message beside its input.
"""

from __future__ import annotations

import json
from typing import Any

from werkzeug.datastructures import MultiDict

from console import i18n
from portal_client.i18n import LANGS

FIELD_TYPES = ("text", "longtext", "number", "money", "date", "time", "datetime", "choice",
               "multichoice", "yesno", "phone", "idcard", "address", "photo")
FAMILIES = ("gov", "property", "payment", "ordering", "housekeeping", "themed")
THEMES = ("mall", "school", "hospital", "transport", "tourism")
WORKFLOWS = ("application", "report", "order", "booking", "payment", "sos", "info")
SERVICE_CHANNELS = ("kiosk", "tv", "hotline", "chatbot")
BILL_KINDS = ("water", "electricity", "gas", "heating", "property", "cable_tv", "phone", "fine")
NOTICE_KINDS = ("news", "air_quality", "reminder", "outage")
MAX_FIELDS = 60


def _texts(form: MultiDict, prefix: str, *, optional: bool = False) -> dict | None:
    out = {lg: (form.get(f"{prefix}.{lg}") or "").strip() for lg in LANGS}
    if optional and not any(out.values()):
        return None
    return out


def _keywords(form: MultiDict, prefix: str) -> dict:
    out: dict[str, list[str]] = {}
    for lg in LANGS:
        words = [w.strip() for w in (form.get(f"{prefix}.{lg}") or "").replace("，", ",").split(",")]
        if any(words):
            out[lg] = [w for w in words if w]
    return out


def _bound(raw: str) -> float | str | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        return raw  # a date bound such as 'today+30d'; the core checks it
    return int(value) if value.is_integer() and "." not in raw else value


def _choices(text: str, where: str, errors: dict[str, str]) -> list[dict]:
    out = []
    for n, line in enumerate(filter(None, (ln.strip() for ln in text.splitlines())), start=1):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) not in (4, 5) or not all(parts[:4]):
            errors[where] = i18n.tr("content.choices_format", line=n)
            continue
        choice: dict[str, Any] = {"value": parts[0],
                                  "label": {"zh_CN": parts[1], "zh_TW": parts[2], "en": parts[3]}}
        if len(parts) == 5 and parts[4]:
            choice["price"] = parts[4]
        out.append(choice)
    return out


def choices_text(choices: list[dict] | tuple | None) -> str:
    """The editable one-line-per-choice form of a field's choices."""
    lines = []
    for c in choices or ():
        label = c.get("label") or {}
        parts = [c.get("value", ""), label.get("zh_CN", ""), label.get("zh_TW", ""),
                 label.get("en", "")]
        if c.get("price"):
            parts.append(str(c["price"]))
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def _field(form: MultiDict, i: int, errors: dict[str, str]) -> dict | None:
    p = f"fields.{i}"
    key = (form.get(f"{p}.key") or "").strip()
    if not key or form.get(f"{p}.delete") == "1":
        return None
    f: dict[str, Any] = {"key": key, "type": form.get(f"{p}.type") or "text",
                         "required": form.get(f"{p}.required") == "1",
                         "label": _texts(form, f"{p}.label")}
    help_texts = _texts(form, f"{p}.help", optional=True)
    if help_texts:
        f["help"] = help_texts
    if f["type"] in ("choice", "multichoice") or (form.get(f"{p}.choices") or "").strip():
        f["choices"] = _choices(form.get(f"{p}.choices") or "", f"{p}.choices", errors)
    for bound in ("min", "max"):
        value = _bound(form.get(f"{p}.{bound}") or "")
        if value is not None:
            f[bound] = value
    pattern = (form.get(f"{p}.pattern") or "").strip()
    if pattern:
        f["pattern"] = pattern
    hints = (form.get(f"{p}.hints") or "").strip()
    if hints:
        try:
            parsed = json.loads(hints)
        except ValueError:
            errors[f"{p}.hints"] = i18n.tr("content.hints_json")
        else:
            if isinstance(parsed, dict):
                f["hints"] = parsed
            else:
                errors[f"{p}.hints"] = i18n.tr("content.hints_json")
    return f


def service_body(form: MultiDict, service_id: str) -> tuple[dict, dict[str, str]]:
    """The service as the form describes it, and problems found before asking the core."""
    errors: dict[str, str] = {}
    body: dict[str, Any] = {"id": service_id, "family": form.get("family") or ""}
    theme = form.get("theme") or None
    if theme:
        body["theme"] = theme
    body["title"] = _texts(form, "title")
    body["summary"] = _texts(form, "summary")
    keywords = _keywords(form, "keywords")
    if keywords:
        body["keywords"] = keywords
    body["workflow"] = form.get("workflow") or ""
    body["handler"] = (form.get("handler") or "").strip()
    body["sla"] = {"accept": (form.get("sla.accept") or "").strip(),
                   "complete": (form.get("sla.complete") or "").strip()}
    fee: dict[str, Any] = {"currency": (form.get("fee.currency") or "CNY").strip().upper()}
    kind = form.get("fee.kind") or "amount"
    if kind == "bill":
        fee["bill"] = form.get("fee.bill") or ""
    elif kind == "priced_choices":
        fee["priced_choices"] = (form.get("fee.priced_choices") or "").strip()
    else:
        fee["amount"] = (form.get("fee.amount") or "0.00").strip()
    body["fee"] = fee
    body["requires_identity"] = form.get("requires_identity") == "1"
    body["channels"] = [c for c in SERVICE_CHANNELS if c in form.getlist("channels")]
    try:
        count = min(MAX_FIELDS, int(form.get("field_count") or 0))
    except ValueError:
        count = 0
    indexed = []
    for i in range(count + 1):  # the extra one is the blank "add a field" row
        f = _field(form, i, errors)
        if f is not None:
            try:
                order = float(form.get(f"fields.{i}.order") or i)
            except ValueError:
                order = float(i)
            indexed.append((order, i, f))
    body["fields"] = [f for _, _, f in sorted(indexed, key=lambda t: (t[0], t[1]))]
    return body, errors


def notice_body(form: MultiDict, notice_id: str, original: dict | None) -> dict:
    """A notice from its form; air-quality readings and audience kept from the original."""
    body: dict[str, Any] = {k: v for k, v in (original or {}).items()
                            if k in ("audience", "aqi", "pm25", "pm10", "level") and v is not None}
    body.update({"id": notice_id, "kind": form.get("kind") or "news",
                 "title": _texts(form, "title"), "body": _texts(form, "body"),
                 "published": (form.get("published") or "").strip()})
    expires = (form.get("expires") or "").strip()
    if expires:
        body["expires"] = expires
    return body


def faq_body(form: MultiDict, faq_id: str) -> dict:
    """An FAQ entry from its form."""
    body: dict[str, Any] = {"id": faq_id, "question": _texts(form, "question"),
                            "answer": _texts(form, "answer")}
    keywords = _keywords(form, "keywords")
    if keywords:
        body["keywords"] = keywords
    services = [s.strip() for s in (form.get("services") or "").replace("，", ",").split(",")
                if s.strip()]
    if services:
        body["services"] = services
    return body


def problems_by_input(errors: dict[str, str], kind: str, key: str) -> dict[str, str]:
    """The core's messages without their '<kind>:<key>: ' prefix, keyed by input name."""
    prefix = f"{kind}:{key}: "
    return {k: (v[len(prefix):] if v.startswith(prefix) else v) for k, v in errors.items()}
