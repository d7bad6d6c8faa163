"""A queued submission the core refused after the resident left, handed to staff as a
call-back request: what they asked for, what they entered, why it was refused, how to reach
them, in the resident's language.

It goes to a message service offered on the kiosk (one whose fields content marks with
``hints: {<channel>: {fill: message|callback|kind}}``, the rejected service's family first),
else to the configured enquiry service (`KioskConfig.callback_service`): its long-text field
takes the message, its phone field the number, an "other" choice any required topic.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from channel_render.clock import COMMUNITY_TZ
from portal_client.i18n import gettext, pick
from qt_common import formatting
from qt_common.checks import PHONE

if TYPE_CHECKING:
    from kiosk.catalog import Catalog
    from kiosk.config import KioskConfig
    from kiosk.outbox import QueuedSubmission
    from portal_client import Service

MESSAGE_LIMIT = 2000  # a longtext field's length at the core
CALLBACK = "callback"
OTHER = "other"


@dataclass(frozen=True)
class CallBack:
    """The request to file: a message service's fields, the contact, one client_ref."""

    service_id: str
    fields: dict
    contact: dict | None
    lang: str
    client_ref: str
    token: str | None  # the resident's, when they were signed in (the matter is theirs)


def referral_ref(client_ref: str) -> str:
    """The call-back's own client_ref, the same on every retry (so it is filed once)."""
    return "kiosk-cb-" + hashlib.sha256(client_ref.encode()).hexdigest()[:40]


def contact_phone(row: QueuedSubmission, service: Service | None) -> str | None:
    """A phone number the resident left: the kiosk's contact field, else a phone field."""
    sub = row.submission
    assert sub is not None
    candidates = [(sub.contact or {}).get("phone")]
    if service is not None:
        candidates += [sub.fields.get(f.key) for f in service.fields if f.type == "phone"]
    for phone in candidates:
        if isinstance(phone, str) and PHONE.match(phone.replace(" ", "")):
            return phone.replace(" ", "")
    return None


def _shown(service: Service | None, key: str, value: object, lang: str) -> tuple[str, str]:
    """(label, value as staff read it) of one field the resident filled."""
    f = next((f for f in service.fields if f.key == key), None) if service else None
    label = pick(f.label, lang) if f else key
    choices = {c.value: pick(c.label, lang) for c in f.choices} if f else {}
    if isinstance(value, bool):
        text = gettext("kiosk", "referral.yes" if value else "referral.no", lang)
    elif isinstance(value, list):
        text = ", ".join(choices.get(str(v), str(v)) for v in value)
    else:
        text = choices.get(str(value), str(value))
    return label, text


def message_text(row: QueuedSubmission, service: Service | None, config: KioskConfig,
                 phone: str | None) -> str:
    """What staff read: the service, when and where, why it was refused, what was entered."""
    sub, refusal = row.submission, row.reasons
    assert sub is not None
    lang = sub.lang
    title = pick(service.title, lang) if service else row.service_id
    reasons = []
    if refusal is not None:
        for key, message in refusal.fields.items():
            label = _shown(service, key, "", lang)[0]
            reasons.append(gettext("kiosk", "referral.reason", lang, label=label,
                                   message=message))
        if not reasons:
            reasons.append(refusal.detail or refusal.code)
    given = "\n".join(gettext("kiosk", "referral.entered", lang, label=label, value=value)
                      for label, value in (_shown(service, k, v, lang)
                                           for k, v in sub.fields.items()))
    try:
        created = formatting.moment(datetime.fromisoformat(row.created_at)
                                    .astimezone(COMMUNITY_TZ).replace(tzinfo=None), lang)
    except ValueError:
        created = row.created_at
    how = gettext("kiosk", "referral.call", lang, phone=phone) if phone else \
        gettext("kiosk", "referral.resident", lang, resident=sub.resident_id)
    text = gettext("kiosk", "referral.message", lang, service=title, code=row.local_code,
                   kiosk=config.kiosk_id, location=config.location_text(lang),
                   created=created, fields=given, how=how,
                   reasons=gettext("kiosk", "list.separator", lang).join(reasons))
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT - 1] + "…"


def enquiry_roles(svc: Service) -> tuple[dict[str, str], dict] | None:
    """An enquiry service used for call-backs: ({role: field key}, fixed values), or None
    if it has no long text for the message or wants something else we can't give."""
    from kiosk.catalog import message_roles

    roles = message_roles(svc)
    if not roles:
        texts = sorted((f for f in svc.fields if f.type == "longtext"), key=lambda f: not f.required)
        phones = [f for f in svc.fields if f.type == "phone"]
        if not texts:
            return None
        roles = {"message": texts[0].key, **({CALLBACK: phones[0].key} if phones else {})}
    fixed: dict = {}
    for f in svc.fields:
        if f.required and f.key not in roles.values():
            if f.type == "choice" and any(c.value == OTHER for c in f.choices):
                fixed[f.key] = OTHER
            elif f.key != roles.get("kind"):
                return None
    return roles, fixed


def _targets(catalog: Catalog, config: KioskConfig,
             family: str) -> list[tuple[Service, dict[str, str], dict]]:
    from kiosk.catalog import message_roles

    out: list[tuple[Service, dict[str, str], dict]] = [
        (svc, message_roles(svc), {}) for svc in catalog.message_services_for(family)]
    fallback = catalog.services.get(config.callback_service)
    inferred = enquiry_roles(fallback) if fallback is not None else None
    if fallback is not None and inferred is not None:
        out.append((fallback, *inferred))
    return out


def call_back(row: QueuedSubmission, catalog: Catalog | None,
              config: KioskConfig) -> CallBack | None:
    """The call-back request for a refused row, or None when there is no way to reach the
    resident (no phone left, not signed in) or no service here takes one."""
    sub = row.submission
    if sub is None or catalog is None:
        return None
    service = catalog.services.get(row.service_id)
    phone = contact_phone(row, service)
    if phone is None and sub.resident_id is None:
        return None
    family = service.family if service else row.service_id.split(".")[0]
    for target, roles, fixed in _targets(catalog, config, family):
        fields: dict = {**fixed, roles["message"]: message_text(row, service, config, phone)}
        if phone and CALLBACK in roles:
            fields[roles[CALLBACK]] = phone
        kind = next((f for f in target.fields if f.key == roles.get("kind")), None)
        if kind is not None and any(c.value == CALLBACK for c in kind.choices):
            fields[kind.key] = CALLBACK
        if any(f.required and f.key not in fields for f in target.fields):
            continue  # this one wants something we don't have
        contact = {"phone": phone} if phone else None
        return CallBack(target.id, fields, contact, sub.lang, referral_ref(row.client_ref),
                        sub.token)
    return None
