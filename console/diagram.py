"""Draw a workflow template as an SVG state diagram, marking unreachable and dead-end states.

Layered layout: states sit in columns by their distance from the initial state; forward
transitions curve left to right, the rest arc below the boxes, each labelled with its name.
"""

from __future__ import annotations

import unicodedata
from collections import deque
from dataclasses import dataclass
from html import escape

from portal_client.i18n import pick

BOX_H = 44
COL_GAP = 120
ROW_GAP = 36
MARGIN = 24
FONT = 13


@dataclass(frozen=True)
class Analysis:
    """What the editor warns about before the core refuses a template."""

    layers: dict[str, int]
    unreachable: tuple[str, ...]
    dead_ends: tuple[str, ...]
    finals_with_exits: tuple[str, ...]
    unknown_refs: tuple[str, ...]


def _edges(wf: dict) -> list[tuple[str, str, dict]]:
    return [(src, t.get("to", ""), t) for t in wf.get("transitions") or ()
            for src in t.get("from") or ()]


def analyse(wf: dict) -> Analysis:
    """Distances from the initial state and the states the core would refuse."""
    states = wf.get("states") or {}
    edges = _edges(wf)
    unknown = sorted({s for a, b, _ in edges for s in (a, b) if s not in states})
    layers: dict[str, int] = {}
    initial = wf.get("initial")
    if isinstance(initial, str) and initial in states:
        layers[initial] = 0
        todo = deque([initial])
        while todo:
            cur = todo.popleft()
            for a, b, _ in edges:
                if a == cur and b in states and b not in layers:
                    layers[b] = layers[cur] + 1
                    todo.append(b)
    outgoing = {a for a, _, _ in edges}
    return Analysis(
        layers=layers,
        unreachable=tuple(s for s in states if s not in layers),
        dead_ends=tuple(s for s, d in states.items() if not d.get("final") and s not in outgoing),
        finals_with_exits=tuple(s for s, d in states.items() if d.get("final") and s in outgoing),
        unknown_refs=tuple(unknown))


def _text_width(text: str) -> float:
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in ("W", "F"))
    return wide * FONT + (len(text) - wide) * FONT * 0.6


def svg(wf: dict, lang: str) -> str:
    """The template as standalone SVG markup (labels in `lang`)."""
    states: dict[str, dict] = wf.get("states") or {}
    a = analyse(wf)
    last = max(a.layers.values(), default=-1)
    columns: dict[int, list[str]] = {}
    # Rows in discovery order, so the main path runs along the top.
    for s in [*a.layers, *a.unreachable]:
        columns.setdefault(a.layers.get(s, last + 1), []).append(s)
    labels = {s: pick(d.get("label"), lang) or s for s, d in states.items()}
    col_w = {c: max(_text_width(labels[s]) + 28 for s in names) for c, names in columns.items()}
    x_of: dict[int, float] = {}
    x = float(MARGIN)
    for c in sorted(columns):
        x_of[c] = x
        x += col_w[c] + COL_GAP
    pos: dict[str, tuple[float, float, float]] = {}
    for c, names in columns.items():
        for row, s in enumerate(names):
            pos[s] = (x_of[c], MARGIN + 20 + row * (BOX_H + ROW_GAP), col_w[c])
    height = float(MARGIN * 2 + 20) + max((len(n) for n in columns.values()), default=1) * (BOX_H + ROW_GAP)
    width = x - COL_GAP + MARGIN + 60  # room for same-column arcs on the last column
    parts: list[str] = []
    arcs = 0
    for src, dst, t in _edges(wf):
        if src not in pos or dst not in pos:
            continue
        sx, sy, sw = pos[src]
        dx, dy, _ = pos[dst]
        name = pick(t.get("label"), lang) or t.get("name", "")
        title = escape(f"{t.get('name', '')}: {', '.join(t.get('roles') or ())}")
        if dx == sx:
            # Same column: bulge out to the right of the boxes.
            x1, y1 = sx + sw, sy + BOX_H / 2
            y2 = dy + BOX_H / 2
            bulge = x1 + 28 + 10 * (abs(y2 - y1) // (BOX_H + ROW_GAP))
            path = f"M{x1:.0f},{y1:.0f} C{bulge:.0f},{y1:.0f} {bulge:.0f},{y2:.0f} {x1 + 2:.0f},{y2:.0f}"
            lx, ly = bulge + 14, (y1 + y2) / 2 + 4
        elif dx > sx:
            x1, y1, x2, y2 = sx + sw, sy + BOX_H / 2, dx, dy + BOX_H / 2
            mx = (x1 + x2) / 2
            path = f"M{x1:.0f},{y1:.0f} C{mx:.0f},{y1:.0f} {mx:.0f},{y2:.0f} {x2 - 2:.0f},{y2:.0f}"
            lx, ly = mx, (y1 + y2) / 2 - 4
        else:
            arcs += 1
            x1, y1 = sx + sw / 2, sy + BOX_H
            x2, y2 = pos[dst][0] + pos[dst][2] / 2, dy + BOX_H
            drop = 30 + 14 * (arcs % 4)
            low = max(y1, y2) + drop
            path = f"M{x1:.0f},{y1:.0f} C{x1:.0f},{low:.0f} {x2:.0f},{low:.0f} {x2:.0f},{y2 + 2:.0f}"
            lx, ly = (x1 + x2) / 2, low - 6
            height = max(height, low + MARGIN)
        edge_cls = "edge back" if dx < sx else "edge"
        parts.append(f'<g class="{edge_cls}" data-transition="{escape(t.get("name", ""))}"><title>{title}</title>'
                     f'<path d="{path}" marker-end="url(#arrow)"/>'
                     f'<text x="{lx:.0f}" y="{ly:.0f}" text-anchor="middle">{escape(name)}</text></g>')
    for s, (sx, sy, sw) in pos.items():
        d = states[s]
        cls = ["state"]
        if s == wf.get("initial"):
            cls.append("initial")
        if d.get("final"):
            cls.append("final")
        if s in a.unreachable:
            cls.append("unreachable")
        if s in a.dead_ends or s in a.finals_with_exits:
            cls.append("dead-end")
        inner = (f'<rect x="{sx + 3:.0f}" y="{sy + 3:.0f}" width="{sw - 6:.0f}" height="{BOX_H - 6}" rx="6"/>'
                 if d.get("final") else "")
        parts.append(f'<g class="{" ".join(cls)}" data-state="{escape(s)}"><title>{escape(s)}</title>'
                     f'<rect x="{sx:.0f}" y="{sy:.0f}" width="{sw:.0f}" height="{BOX_H}" rx="8"/>{inner}'
                     f'<text x="{sx + sw / 2:.0f}" y="{sy + BOX_H / 2 + 5:.0f}" text-anchor="middle">'
                     f'{escape(labels[s])}</text></g>')
    defs = ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="workflow-diagram" role="img" '
            f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'font-size="{FONT}">{defs}{"".join(parts)}</svg>')
