"""Exploring a screen with arrow key presses only (what a remote user can reach)."""

from __future__ import annotations

from collections import deque

from PySide6.QtWidgets import QAbstractButton

from tests.tv_app.conftest import DOWN, LEFT, RIGHT, UP
from tv_app.widgets import PagedRows

ARROWS = (UP, DOWN, LEFT, RIGHT)
Node = tuple[str, str, tuple[int, ...]]


def node(tv) -> Node:
    """The focused element: its name and text (list rows are reused page after page), and
    which page each list of the screen shows (what an arrow does depends on it)."""
    w = tv.focused
    pages = tuple(r.page for r in tv.screen.findChildren(PagedRows)) if tv.screen else ()
    if w is None:
        return ("", "", pages)
    return (w.objectName(), w.text() if isinstance(w, QAbstractButton) else "", pages)


class Explorer:
    """Learns the arrow graph of the current screen by pressing arrows."""

    def __init__(self, tv) -> None:
        self.tv = tv
        self.screen = tv.screen
        self.edges: dict[Node, dict[int, Node]] = {}

    def goto(self, target: Node) -> None:
        here = node(self.tv)
        if here == target:
            return
        prev: dict[Node, tuple[Node, int]] = {}
        queue = deque([here])
        while queue:
            cur = queue.popleft()
            for key, nxt in self.edges.get(cur, {}).items():
                if nxt not in prev and nxt != here:
                    prev[nxt] = (cur, key)
                    queue.append(nxt)
        if target not in prev:
            raise AssertionError(f"no known arrow path from {here} to {target}")
        path = []
        cur = target
        while cur != here:
            cur, key = prev[cur]
            path.append(key)
        for key in reversed(path):
            self.tv.press(key)
        assert node(self.tv) == target, (node(self.tv), target)

    def _nearest_unexplored(self) -> tuple[Node, int] | None:
        here = node(self.tv)
        seen, queue = {here}, deque([here])
        while queue:
            cur = queue.popleft()
            todo = [k for k in ARROWS if k not in self.edges.get(cur, {})]
            if todo:
                return cur, todo[0]
            for nxt in self.edges.get(cur, {}).values():
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return None

    def explore(self, stop: str | None = None, limit: int = 400) -> set[Node]:
        """Visit everything reachable (or until an element named `stop` has focus)."""
        start = node(self.tv)
        self.edges.setdefault(start, {})
        presses = 0
        while presses < limit:
            found = self._nearest_unexplored()
            if found is None:
                break
            n, key = found
            self.goto(n)
            self.tv.press(key)
            presses += 1
            if self.tv.screen is not self.screen:
                raise AssertionError(f"an arrow left the screen {self.screen.name}")
            reached = node(self.tv)
            self.edges[n][key] = reached
            self.edges.setdefault(reached, {})
            if stop is not None and reached[0] == stop:
                return set(self.edges)
        return set(self.edges)


def reachable(tv) -> set[Node]:
    """Every element reachable from the current focus with arrows."""
    return Explorer(tv).explore()


def walk_to(tv, object_name: str, limit: int = 400) -> None:
    """Press arrows until the element named `object_name` has the focus."""
    if node(tv)[0] == object_name:
        return
    Explorer(tv).explore(stop=object_name, limit=limit)
    if node(tv)[0] != object_name:
        raise AssertionError(f"{object_name} is not reachable with arrows")
