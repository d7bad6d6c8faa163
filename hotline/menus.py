"""Phone menus generated from the catalog: categories → services, at most 4 keys a page."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from channel_render.phone import MAX_OPTIONS, page
from portal_client.i18n import pick
from portal_client.types import Service

__all__ = ["MAX_OPTIONS", "CatalogCache", "Category", "HotlineCatalog", "build",
           "message_fields", "page", "page_count"]
MAX_HINTS = 200  # speech hints per question (Twilio takes up to 500)
FAMILY_ORDER = ("property", "gov", "payment", "ordering", "housekeeping", "themed")


@dataclass(frozen=True)
class Category:
    """One entry of the category menu: a family, or one theme of the themed family."""

    id: str  # "property" or "themed.hospital"
    family: str
    label: dict
    service_ids: tuple[str, ...]


@dataclass(frozen=True)
class HotlineCatalog:
    """The part of the catalog a caller can reach by phone."""

    version: str
    services: dict[str, Service]
    categories: tuple[Category, ...]
    _hints: dict = field(default_factory=dict, compare=False, repr=False)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def hints(self, lang: str, service_ids: Sequence[str] | None = None) -> tuple[str, ...]:
        """Speech hints: titles and keywords of the given services (all by default)."""
        key = (lang, None if service_ids is None else tuple(service_ids))
        if key not in self._hints:  # a catalog version never changes: compute once
            self._hints[key] = self._gather_hints(lang, service_ids)
        return self._hints[key]

    def _gather_hints(self, lang: str, service_ids: Sequence[str] | None) -> tuple[str, ...]:
        out: list[str] = []
        for sid in service_ids if service_ids is not None else list(self.services):
            svc = self.services.get(sid)
            if svc is None:
                continue
            out.append(pick(svc.title, lang))
            out.extend(svc.keywords.get(lang) or ())
        seen: dict[str, None] = {}
        for h in out:
            if h and len(h) <= 100:
                seen.setdefault(h, None)
        return tuple(seen)[:MAX_HINTS]

    def message_services(self, family: str | None, configured: str = "") -> list[Service]:
        """Where a voicemail or call-back may go, best first: the message service of the
        caller's family, then the configured one, then the others."""
        candidates = sorted((s for s in self.services.values() if message_fields(s)),
                            key=lambda s: (s.family != family, s.id != configured, s.id))
        return candidates


def message_fields(svc: Service) -> dict[str, str]:
    """{role: field key} of fields a content editor marked with hints.hotline.fill."""
    out: dict[str, str] = {}
    for f in svc.fields:
        role = (f.hints.get("hotline") or {}).get("fill")
        if isinstance(role, str):
            out[role] = f.key
    return out if "message" in out else {}


def build(catalog: dict) -> HotlineCatalog:
    """The phone view of GET /catalog: services open to the hotline, grouped for menus."""
    services = {d["id"]: Service.from_json(d) for d in catalog["services"]
                if "hotline" in (d.get("channels") or ("hotline",))}
    families = {f["id"]: f["label"] for f in catalog.get("families", ())}
    themes = {t["id"]: t["label"] for t in catalog.get("themes", ())}
    cats: list[Category] = []
    for fam in FAMILY_ORDER:
        ids = tuple(sorted(s.id for s in services.values() if s.family == fam))
        if not ids:
            continue
        if fam != "themed":
            cats.append(Category(fam, fam, families.get(fam, {"en": fam}), ids))
            continue
        for theme, label in themes.items():
            tids = tuple(i for i in ids if services[i].theme == theme)
            if tids:
                cats.append(Category(f"themed.{theme}", fam, label, tids))
    return HotlineCatalog(catalog.get("version", ""), services, tuple(cats))


def page_count(items: Sequence[object]) -> int:
    if len(items) <= MAX_OPTIONS:
        return 1
    per = MAX_OPTIONS - 1
    return (len(items) + per - 1) // per


class CatalogCache:
    """The phone catalog, refetched through the client at most every `ttl_s` seconds."""

    def __init__(self, fetch: Callable[[], dict], ttl_s: float) -> None:
        self.fetch = fetch
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._value: HotlineCatalog | None = None
        self._at = 0.0

    def get(self) -> HotlineCatalog:
        now = time.monotonic()
        if self._value is not None and now - self._at < self.ttl_s:
            return self._value
        with self._lock:
            if self._value is None or time.monotonic() - self._at >= self.ttl_s:
                self._value = build(self.fetch())
                self._at = time.monotonic()
            return self._value
