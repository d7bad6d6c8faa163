"""Workflow templates: the diagram, the soundness warnings, and edits that apply to new
matters only."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from console import diagram
from tests.conftest import client_for
from tests.console.conftest import console_sign_in, form_fields, kiosk_submission, with_values

SVG = "{http://www.w3.org/2000/svg}"


def _tiny(**extra) -> dict:
    label = {"zh_CN": "甲", "zh_TW": "甲", "en": "A"}
    wf = {"name": "t", "title": label, "initial": "new",
          "states": {"new": {"label": label}, "done": {"label": label, "final": True},
                     "limbo": {"label": label}},
          "transitions": [{"name": "finish", "label": label, "from": ["new"], "to": "done",
                           "roles": ["staff"]}]}
    wf.update(extra)
    return wf


def test_diagram_draws_every_state_and_transition_and_marks_problems():
    wf = _tiny()
    a = diagram.analyse(wf)
    assert a.unreachable == ("limbo",) and a.dead_ends == ("limbo",)
    assert diagram.analyse(_tiny(initial="nowhere")).unreachable == ("new", "done", "limbo")
    root = ET.fromstring(diagram.svg(wf, "en"))
    states = {g.get("data-state"): g.get("class") for g in root.iter(f"{SVG}g")
              if g.get("data-state")}
    assert set(states) == {"new", "done", "limbo"}
    assert "initial" in states["new"] and "final" in states["done"]
    assert "unreachable" in states["limbo"] and "dead-end" in states["limbo"]
    edges = [g.get("data-transition") for g in root.iter(f"{SVG}g") if g.get("data-transition")]
    assert edges == ["finish"]


def test_every_shipped_workflow_is_drawn_sound(app):
    tc = app.test_client()
    console_sign_in(tc, "admin")
    page = tc.get("/console/workflows").text
    for name, wf in app.extensions["portal"].catalog.workflows.items():
        body = wf.model_dump(mode="json", by_alias=True)
        a = diagram.analyse(body)
        assert not (a.unreachable or a.dead_ends or a.finals_with_exits or a.unknown_refs), name
        assert f"/console/workflows/{name}" in page
        svg = diagram.svg(body, "zh_CN")
        assert ET.fromstring(svg).tag == f"{SVG}svg"
        assert svg.count("data-state=") == len(body["states"])


def test_an_unsound_edit_is_refused_and_explained(app):
    tc = app.test_client()
    console_sign_in(tc, "liu.fang")
    page = tc.get("/console/workflows/report").text
    assert 'id="workflow-ok"' in page
    data = with_values(form_fields(page, "workflow-editor"), action="save")
    n = int(data["state_count"][0])
    data.update({f"states.{n}.name": ["parked"], f"states.{n}.label.zh_CN": ["搁置"],
                 f"states.{n}.label.zh_TW": ["擱置"], f"states.{n}.label.en": ["Parked"],
                 f"states.{n}.open": ["1"]})
    r = tc.post("/console/workflows/report", data=data)
    assert r.status_code == 422
    assert "State parked cannot be reached from the start" in r.text
    assert "unreachable" in r.text  # the core's own reason is listed too
    assert 'value="parked"' in r.text  # the new row is still in the form
    assert "parked" not in client_for(app, "kiosk").workflow("report")["states"]


def test_a_saved_edit_applies_to_new_matters_only(app):
    before, _ = kiosk_submission(app, "property.repair")
    tc = app.test_client()
    console_sign_in(tc, "liu.fang")
    page = tc.get("/console/workflows/report").text
    fields = form_fields(page, "workflow-editor")
    accepted = next(n.split(".")[1] for n, v in fields if n.endswith(".name") and v == "accepted"
                    and n.startswith("states."))
    data = with_values(fields, action="save", note="rename")
    data[f"states.{accepted}.label.en"] = ["Received"]
    r = tc.post("/console/workflows/report", data=data)
    assert r.status_code == 302, r.text[:500]
    assert client_for(app, "kiosk").workflow("report")["states"]["accepted"]["label"]["en"] == "Received"
    after, _ = kiosk_submission(app, "property.repair")
    kiosk = client_for(app, "kiosk", lang="en")
    assert kiosk.matter(after.number).state_label["en"] == "Received"
    assert kiosk.matter(before.number).state_label["en"] == "Accepted"
    page = tc.get("/console/workflows/report").text
    assert "Workflow saved as version" in page and re.search(r"/versions/\d+", page)
