"""The service catalog: content schema, loader, search and the live catalog holder."""

from channel_core.catalog.catalog import Catalog
from channel_core.catalog.loader import ContentError, ContentProblem, load_content, parse_service
from channel_core.catalog.schema import FieldDef, ServiceDef

__all__ = [
    "Catalog", "ContentError", "ContentProblem", "FieldDef", "ServiceDef", "load_content",
    "parse_service",
]
