"""POST requests: a GeoReport form becomes a core submission, filed by the api_key's identity."""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from channel_core.actors import Actor
from channel_core.catalog.catalog import Catalog
from channel_core.catalog.schema import FieldDef, ServiceDef, Texts
from channel_core.config import PortalConfig
from channel_core.errors import BadRequest, NotFound, ValidationFailed
from channel_core.identity import service as identity
from channel_core.matters import service as matters
from channel_core.matters.models import Matter, MatterEvent
from channel_core.matters.validate import FieldError, clean_field, validate_fields
from channel_core.open311.attributes import DOMAIN, field_values, posted_attributes
from portal_client.i18n import gettext

CHANNEL = "open311"
TOKEN_PREFIX = "open311:"
INTAKE_EVENT = "open311"
# Standard GeoReport parameters kept with the matter, and the longest value accepted for each.
LIMITS = {
    "address_string": 200, "address_id": 64, "email": 254, "device_id": 100, "account_id": 100,
    "first_name": 50, "last_name": 50, "phone": 32, "description": 2000, "media_url": 500,
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_FIELD = FieldDef(key="phone", type="phone", label=Texts(zh_CN="电话", zh_TW="電話", en="Phone"))


@dataclass(frozen=True)
class Intake:
    """The standard GeoReport request parameters that came beside the attributes."""

    lat: float | None = None
    long: float | None = None
    address_string: str | None = None
    address_id: str | None = None
    email: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    description: str | None = None
    media_url: str | None = None

    @property
    def contact_name(self) -> str | None:
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return name or None

    @property
    def place(self) -> str | None:
        """The location as text: the address, else the coordinates."""
        if self.address_string:
            return self.address_string
        if self.lat is not None and self.long is not None:
            return f"{self.lat:.6f},{self.long:.6f}"
        return None


@dataclass(frozen=True)
class Filed:
    """What POST requests answers: the matter number, its token and the notice to show."""

    service_request_id: str
    token: str
    service_notice: str
    account_id: str | None


def actor_for_api_key(session: Session, config: PortalConfig, api_key: str) -> Actor | None:
    """The identity an api_key stands for: a configured or issued channel token, or a session."""
    channel = config.channel_tokens.get(api_key)
    if channel is not None:
        return Actor(kind="channel", channel=channel, name=channel)
    return identity.actor_for_token(session, api_key)


def _coordinate(raw: str, bound: float) -> float:
    value = float(raw)
    if not -bound <= value <= bound:
        raise ValueError(raw)
    return value


def read_intake(form: MultiDict, lang: str) -> tuple[Intake, dict[str, str]]:
    """The standard parameters, with a localized message for each one that is unusable."""
    errors: dict[str, str] = {}
    texts: dict[str, str | None] = {}
    for name, limit in LIMITS.items():
        value = (form.get(name) or "").strip() or None
        if value is not None and len(value) > limit:
            errors[name] = gettext("core", "field.too_long", lang, max=limit)
        texts[name] = value
    coords: dict[str, float | None] = {"lat": None, "long": None}
    for name, bound in (("lat", 90.0), ("long", 180.0)):
        raw = (form.get(name) or "").strip()
        if raw:
            try:
                coords[name] = _coordinate(raw, bound)
            except ValueError:
                errors[name] = gettext(DOMAIN, f"error.{name}", lang)
    if (coords["lat"] is None) != (coords["long"] is None) and not errors:
        errors["lat" if coords["lat"] is None else "long"] = gettext(DOMAIN, "error.lat_long", lang)
    if texts["email"] and not _EMAIL.match(texts["email"]):
        errors["email"] = gettext(DOMAIN, "error.email", lang)
    if texts["phone"] and "phone" not in errors:
        try:
            texts["phone"] = str(clean_field(_PHONE_FIELD, texts["phone"]))
        except FieldError as err:
            errors["phone"] = gettext("core", err.key, lang)
    return Intake(lat=coords["lat"], long=coords["long"], **texts), errors


def _fallback_targets(svc: ServiceDef) -> dict[str, str]:
    """Which catalog field each standard parameter can fill when its attribute is missing."""
    targets: dict[str, str] = {}
    by_type: dict[str, str] = {}
    for f in svc.fields:
        by_type.setdefault(f.type, f.key)
    keys = {f.key: f for f in svc.fields}
    if "description" in keys and keys["description"].type in ("text", "longtext"):
        targets["description"] = "description"
    elif "longtext" in by_type:
        targets["description"] = by_type["longtext"]
    place = by_type.get("address") or next(
        (k for k in ("location", "address") if k in keys and keys[k].type == "text"), None)
    if place:
        targets["place"] = place
    for param, ftype in (("phone", "phone"), ("media_url", "photo")):
        if ftype in by_type:
            targets[param] = by_type[ftype]
    return targets


# The standard parameters each fallback source is made of (to blame the right one).
_SOURCES = {"description": ("description",), "place": ("address_string", "lat", "long"),
            "phone": ("phone",), "media_url": ("media_url",)}


def submission_fields(svc: ServiceDef, form: MultiDict,
                      intake: Intake) -> tuple[dict[str, object], dict[str, tuple[str, ...]]]:
    """The service's fields: the posted attributes, else the standard parameters that fit.

    Also returns, for each field filled from standard parameters, which parameters those were.
    """
    values = field_values(svc, posted_attributes(form))
    standard = {"description": intake.description, "place": intake.place,
                "phone": intake.phone, "media_url": intake.media_url}
    filled: dict[str, tuple[str, ...]] = {}
    for source, key in _fallback_targets(svc).items():
        if values.get(key) in (None, "", []) and standard[source]:
            values[key] = standard[source]
            filled[key] = _SOURCES[source]
    return values, filled


def _wire_errors(field_errors: dict[str, str]) -> dict[str, str]:
    """Core error keys ("fields.x") named as the parameter a 311 client sent (attribute[x])."""
    out: dict[str, str] = {}
    for key, message in field_errors.items():
        name = f"attribute[{key[7:]}]" if key.startswith("fields.") else key
        out[name] = message
    return out


def file_request(session: Session, catalog: Catalog, form: MultiDict, actor: Actor,
                 lang: str) -> Filed:
    """Validate and submit one GeoReport request as a matter; keep its 311 envelope with it."""
    service_code = (form.get("service_code") or "").strip()
    if not service_code:
        raise BadRequest("error.service_code.missing")
    svc = catalog.service(service_code)
    if svc is None:
        raise NotFound("problem.service.unknown", service=service_code[:64])
    intake, errors = read_intake(form, lang)
    fields, filled = submission_fields(svc, form, intake)
    if errors:
        _, field_errors = validate_fields(svc, fields, lang)
        for key, message in field_errors.items():
            # A field filled from a parameter already reported is not reported twice.
            if not any(p in errors for p in filled.get(key, ())):
                errors[f"fields.{key}"] = message
        raise ValidationFailed(errors=_wire_errors(errors))
    token = secrets.token_urlsafe(18)
    phone_key = next((f.key for f in svc.fields if f.type == "phone"), None)
    contact_phone = intake.phone or (str(fields[phone_key]).strip().replace(" ", "")
                                     if phone_key and fields.get(phone_key) else None)
    sub = matters.Submission(
        service_id=svc.id, fields=fields, channel=CHANNEL, lang=lang,
        contact_name=intake.contact_name, contact_phone=contact_phone,
        client_ref=TOKEN_PREFIX + token)
    try:
        matter, _ = matters.submit(session, catalog, sub, actor)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.detail_key, errors=_wire_errors(exc.errors)) from exc
    envelope = {k: v for k, v in asdict(intake).items() if v is not None}
    session.add(MatterEvent(matter_id=matter.id, kind=INTAKE_EVENT, actor_kind=actor.kind,
                            actor_id=actor.id, actor_name=actor.name or actor.channel,
                            public=False, data=envelope))
    session.flush()
    state, next_step = matters.state_label(session, matter, lang)
    notice = gettext(DOMAIN, "request.received", lang, number=matter.number, state=state,
                     next=next_step)
    assert matter.number is not None
    return Filed(service_request_id=matter.number, token=token, service_notice=notice,
                 account_id=intake.account_id)


def matter_for_token(session: Session, token: str) -> Matter | None:
    """The matter a POST requests token was issued for."""
    if not token or len(token) > 64:
        return None
    return session.scalar(select(Matter).where(Matter.client_ref == TOKEN_PREFIX + token))
