"""The public client of the portal API, used by every channel (no channel touches the DB).

Names load on first use, so channels that only need translations (`portal_client.i18n`)
start without importing `requests`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portal_client.client import PortalClient
    from portal_client.medication import Dose
    from portal_client.types import (
        CallPickup,
        Field,
        InboxItem,
        Matter,
        PortalProblem,
        PortalUnavailable,
        QueuedCall,
        Service,
        ServiceSummary,
        Session,
    )

_WHERE = {
    "PortalClient": "portal_client.client", "Dose": "portal_client.medication",
    "CallPickup": "portal_client.types", "QueuedCall": "portal_client.types",
    "Field": "portal_client.types", "InboxItem": "portal_client.types",
    "Matter": "portal_client.types", "PortalProblem": "portal_client.types",
    "PortalUnavailable": "portal_client.types", "Service": "portal_client.types",
    "ServiceSummary": "portal_client.types", "Session": "portal_client.types",
}

__all__ = [  # a literal, so linters see the lazily loaded names as exported
    "CallPickup",
    "Dose",
    "Field",
    "InboxItem",
    "Matter",
    "PortalClient",
    "PortalProblem",
    "PortalUnavailable",
    "QueuedCall",
    "Service",
    "ServiceSummary",
    "Session",
]


def __getattr__(name: str) -> object:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'portal_client' has no attribute {name!r}")
