"""The catalog as the kiosk holds it: typed, filtered to the kiosk, cached on disk with its ETag."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from portal_client import PortalUnavailable, Service
from portal_client.i18n import pick

if TYPE_CHECKING:
    from portal_client import PortalClient

CHANNEL = "kiosk"
_SPACE = re.compile(r"[\s'’·\-_]+")


@dataclass(frozen=True)
class Label:
    """A family or theme with its name in each language."""

    id: str
    label: dict


@dataclass(frozen=True)
class Notice:
    """A community notice; air-quality notices carry their readings."""

    id: str
    kind: str
    title: dict
    body: dict
    published: str
    expires: str | None = None
    aqi: int | None = None
    pm25: int | None = None
    pm10: int | None = None
    level: str | None = None

    @classmethod
    def from_json(cls, d: dict) -> Notice:
        return cls(d["id"], d["kind"], d["title"], d["body"], str(d.get("published", "")),
                   d.get("expires"), d.get("aqi"), d.get("pm25"), d.get("pm10"), d.get("level"))


def message_roles(svc: Service) -> dict[str, str]:
    """{role: field key} of a message service: fields a content editor marked with a
    ``hints: {<channel>: {fill: message|callback|kind|...}}`` role (the kiosk's own marks
    first); {} unless one takes the message."""
    out: dict[str, str] = {}
    for f in svc.fields:
        for channel in sorted(f.hints, key=lambda c: c != CHANNEL):
            role = (f.hints.get(channel) or {}).get("fill")
            if isinstance(role, str):
                out.setdefault(role, f.key)
    return out if "message" in out else {}


@dataclass(frozen=True)
class Catalog:
    """Every service this kiosk offers, families, themes and notices, at one version.

    `message_services` are the services offered here in which staff take messages and
    call-back requests: a submission refused after the resident left goes there.
    """

    version: str
    services: dict[str, Service]
    families: tuple[Label, ...]
    themes: tuple[Label, ...]
    notices: tuple[Notice, ...]
    message_services: dict[str, Service] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict) -> Catalog:
        services, messages = {}, {}
        for d in data.get("services", ()):
            svc = Service.from_json(d)
            if not svc.channels or CHANNEL in svc.channels:
                services[svc.id] = svc
                if message_roles(svc):
                    messages[svc.id] = svc
        return cls(
            version=str(data.get("version", "")),
            services=services,
            families=tuple(Label(f["id"], f["label"]) for f in data.get("families", ())),
            themes=tuple(Label(t["id"], t["label"]) for t in data.get("themes", ())),
            notices=tuple(Notice.from_json(n) for n in data.get("notices", ())),
            message_services=messages,
        )

    def message_services_for(self, family: str | None) -> list[Service]:
        """Message services, best first: the family's own office, then the others."""
        return sorted(self.message_services.values(), key=lambda s: (s.family != family, s.id))

    def in_family(self, family: str) -> list[Service]:
        """The family's services in catalog order."""
        return [s for s in self.services.values() if s.family == family]

    def in_theme(self, theme: str) -> list[Service]:
        return [s for s in self.services.values() if s.theme == theme]

    def air_quality(self) -> Notice | None:
        """The newest air-quality reading."""
        readings = [n for n in self.notices if n.kind == "air_quality"]
        return max(readings, key=lambda n: n.published) if readings else None

    def news(self) -> list[Notice]:
        """Notices other than air quality, newest first."""
        return sorted((n for n in self.notices if n.kind != "air_quality"),
                      key=lambda n: n.published, reverse=True)

    def local_search(self, query: str, lang: str, limit: int = 20) -> list[Service]:
        """Search titles, keywords and pinyin in the cached catalog (used while offline)."""
        from qt_common.pinyin import shared_index  # readings from the compact index file

        index = shared_index()
        q = _SPACE.sub("", query.lower())
        if not q:
            return []
        scored: list[tuple[float, str]] = []
        for svc in self.services.values():
            texts = [*svc.title.values(), *(k for ks in svc.keywords.values() for k in ks)]
            forms: list[str] = []
            for t in texts:
                forms.append(_SPACE.sub("", t.lower()))
                if not t.isascii():
                    syllables = index.reading(t)
                    forms.append("".join(syllables))
                    forms.append("".join(s[0] for s in syllables))
            title = _SPACE.sub("", pick(svc.title, lang).lower())
            score = 3.0 if q == title else 2.0 if q in title else \
                1.0 if any(q in f for f in forms) else 0.0
            if score:
                scored.append((score, svc.id))
        scored.sort(key=lambda x: -x[0])
        return [self.services[sid] for _, sid in scored[:limit]]


class CatalogCache:
    """catalog.json + catalog.etag in the kiosk's data dir, refreshed with If-None-Match."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "catalog.json"
        self.etag_path = data_dir / "catalog.etag"

    def load(self) -> Catalog | None:
        """The cached catalog, or None before the first successful download."""
        try:
            return Catalog.from_json(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError):
            return None

    def etag(self) -> str | None:
        try:
            return self.etag_path.read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def refresh(self, client: PortalClient,
                current: Catalog | None = None) -> tuple[Catalog, bool]:
        """Download the catalog if it changed; returns (catalog, changed).

        `current` is the catalog already in memory: a 304 answer returns it as it is.

        Raises PortalUnavailable when the server can't be reached and nothing is cached.
        """
        import requests

        etag = self.etag() if self.path.exists() else None
        headers = {"Accept": "application/json"}
        if client.channel_token:
            headers["X-Channel-Token"] = client.channel_token
        if etag:
            headers["If-None-Match"] = etag
        try:
            resp = client.http.get(f"{client.base_url}/api/v1/catalog", headers=headers,
                                   timeout=client.timeout)
        except requests.RequestException as exc:
            raise PortalUnavailable(str(exc)) from exc
        if resp.status_code == 304:
            cached = current or self.load()
            if cached is not None:
                return cached, False
            return self._refetch(client)
        if resp.status_code != 200:
            raise PortalUnavailable(f"catalog answered {resp.status_code}")
        data = resp.json()
        self._write(resp.content, resp.headers.get("ETag"))
        return Catalog.from_json(data), True

    def _refetch(self, client: PortalClient) -> tuple[Catalog, bool]:
        self.etag_path.unlink(missing_ok=True)
        return self.refresh(client)

    def _write(self, body: bytes, etag: str | None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        if etag:
            self.etag_path.write_text(etag, encoding="utf-8")
        else:
            self.etag_path.unlink(missing_ok=True)
