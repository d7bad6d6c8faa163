"""The live catalog: an immutable content snapshot plus indexes, swapped atomically on edit."""

from __future__ import annotations

import threading
from pathlib import Path

from channel_core.catalog.loader import ContentTree, load_content
from channel_core.catalog.schema import ServiceDef
from channel_core.catalog.search import SearchIndex
from channel_core.workflows.schema import WorkflowDef


class Catalog:
    """Read-mostly holder of the current content; every channel reads through the API."""

    def __init__(self, tree: ContentTree) -> None:
        self._lock = threading.Lock()
        self._index_lock = threading.Lock()
        self._indexes: tuple[ContentTree, SearchIndex, SearchIndex] | None = None
        self._set(tree)

    @classmethod
    def from_dir(cls, root: Path) -> Catalog:
        return cls(load_content(root))

    def _set(self, tree: ContentTree) -> None:
        self.tree = tree

    def _search_indexes(self) -> tuple[SearchIndex, SearchIndex]:
        """The search indexes of the current tree, built on first use (pinyin is slow)."""
        tree, built = self.tree, self._indexes
        if built is None or built[0] is not tree:
            with self._index_lock:
                built = self._indexes
                if built is None or built[0] is not tree:
                    built = (tree, SearchIndex.for_services(list(tree.services.values())),
                             SearchIndex.for_faq(list(tree.faq)))
                    self._indexes = built
        return built[1], built[2]

    @property
    def service_index(self) -> SearchIndex:
        return self._search_indexes()[0]

    @property
    def faq_index(self) -> SearchIndex:
        return self._search_indexes()[1]

    @property
    def version(self) -> str:
        return self.tree.version

    @property
    def services(self) -> dict[str, ServiceDef]:
        return self.tree.services

    @property
    def workflows(self) -> dict[str, WorkflowDef]:
        return self.tree.workflows

    def service(self, service_id: str) -> ServiceDef | None:
        return self.tree.services.get(service_id)

    def workflow(self, name: str) -> WorkflowDef | None:
        return self.tree.workflows.get(name)

    def swap(self, tree: ContentTree) -> None:
        """Make a new content tree live (edits from the console, reloads)."""
        with self._lock:
            self._set(tree)
