"""What payments code needs from the running portal: db, catalog, config, payees, provider."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from channel_core.catalog.catalog import Catalog
from channel_core.config import PortalConfig
from channel_core.db import Database
from payments import payees

if TYPE_CHECKING:
    from payments.providers.base import PaymentProvider


@dataclass
class Payments:
    """Built once per app by `payments.api.init_app`; jobs and CLI build their own."""

    config: PortalConfig
    db: Database
    catalog: Catalog
    provider: PaymentProvider

    @property
    def payees(self) -> payees.PayeeBook:
        return payees.load(self.config.content_dir)

    @property
    def departments(self) -> dict:
        return self.catalog.tree.departments


def build(config: PortalConfig, db: Database, catalog: Catalog) -> Payments:
    """Assemble the payments context with the configured provider."""
    from payments.providers import make_provider

    return Payments(config=config, db=db, catalog=catalog, provider=make_provider(config, db))
