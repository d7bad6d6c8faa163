"""Content editing: validated like the loader, versioned, live on every channel at once,
previewed per channel, exported to and imported from content/ YAML."""

from __future__ import annotations

import re

import yaml

from tests.conftest import client_for
from tests.console.conftest import console_sign_in, csrf_of, form_fields, with_values

EDIT = "/console/content/services/property.repair"


def _editor(app, username: str = "liu.fang"):
    tc = app.test_client()
    console_sign_in(tc, username)
    return tc, tc.get(EDIT).text


def test_an_edit_goes_live_on_the_api_and_is_versioned(app):
    tc, page = _editor(app)
    data = with_values(form_fields(page, "service-editor"), title__en="Report a repair (24h)",
                       sla__accept="1h", note="faster response", action="save")
    r = tc.post(EDIT, data=data)
    assert r.status_code == 302, r.text[:2000]
    svc = client_for(app, "kiosk").service("property.repair")
    assert svc.title["en"] == "Report a repair (24h)"
    assert svc.sla["accept"] == "1h"
    assert [f.key for f in svc.fields] == ["area", "category", "location", "description",
                                           "photo", "phone"]  # untouched fields survive
    page = tc.get(EDIT).text
    assert "Saved as version" in page
    versions = re.findall(r"/console/content/service/property.repair/versions/(\d+)", page)
    assert len(versions) == 1 and "faster response" in page
    # New submissions run on the edited service at once: the new clock is 1 hour.
    assert client_for(app, "kiosk").search("24h", lang="en")[0].id == "property.repair"


def test_a_broken_edit_is_refused_field_by_field_and_loses_nothing(app):
    tc, page = _editor(app)
    data = with_values(form_fields(page, "service-editor"), title__zh_CN="物业报修（新）",
                       title__en="", sla__accept="2x", action="save")
    data["fields.0.type"] = ["choice"]
    data["fields.0.choices"] = [""]  # a choice field without choices
    r = tc.post(EDIT, data=data)
    assert r.status_code == 422
    assert re.search(r'data-for="title.en"', r.text)
    assert re.search(r'data-for="sla.accept"', r.text)
    assert "Not saved" in r.text
    assert 'value="物业报修（新）"' in r.text  # the other edits are still in the form
    svc = client_for(app, "kiosk").service("property.repair")
    assert svc.title["en"] == "Report a repair" and svc.sla["accept"] == "2h"


def test_malformed_choice_lines_and_hints_are_caught_before_the_core(app):
    tc, page = _editor(app)
    data = with_values(form_fields(page, "service-editor"), action="save")
    data["fields.0.choices"] = ["in_flat | 户内 | 戶內\n"]
    data["fields.1.hints"] = ["{not json"]
    r = tc.post(EDIT, data=data)
    assert r.status_code == 422
    assert "Choice line 1 should read" in r.text
    assert "Channel hints must be a JSON object" in r.text


def test_adding_a_field_and_previewing_every_channel(app):
    tc, page = _editor(app)
    data = with_values(form_fields(page, "service-editor"), action="preview")
    data.update({"fields.6.key": ["urgency"], "fields.6.type": ["choice"],
                 "fields.6.required": ["1"], "fields.6.label.zh_CN": ["紧急程度"],
                 "fields.6.label.zh_TW": ["緊急程度"], "fields.6.label.en": ["Urgency"],
                 "fields.6.choices": ["high | 紧急 | 緊急 | Urgent\nlow | 一般 | 一般 | Can wait"]})
    r = tc.post(EDIT, data=data)
    assert r.status_code == 200
    hotline = re.search(r'id="preview-hotline".*?</ol>', r.text, re.S).group(0)
    # The hotline's own prompts (hotline.po), as a caller hears them.
    assert "Urgency, choose one:" in hotline and "For Urgent, press 1." in hotline
    assert "Photo" not in hotline  # hidden on the hotline by the service's hints
    chat = re.search(r'id="preview-chatbot".*?</section>', r.text, re.S).group(0)
    assert "Can wait" in chat
    tv = re.search(r'id="preview-tv".*?</ol>', r.text, re.S).group(0)
    assert "Urgency" in tv and "Photo" not in tv
    assert len(client_for(app, "kiosk").service("property.repair").fields) == 6  # not saved
    data["action"] = ["save"]
    assert tc.post(EDIT, data=data).status_code == 302
    svc = client_for(app, "kiosk").service("property.repair")
    assert svc.fields[-1].key == "urgency" and [c.value for c in svc.fields[-1].choices] == [
        "high", "low"]


def test_yaml_export_import_and_restore(app):
    tc, page = _editor(app)
    exported = tc.get("/console/content/service/property.repair.yaml")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["Content-Disposition"]
    body = yaml.safe_load(exported.data.decode())
    assert body["id"] == "property.repair"
    body["title"]["zh_TW"] = "物業報修（匯入）"
    form = tc.get("/console/content/service/property.repair/import").text
    r = tc.post("/console/content/service/property.repair/import", data={
        "csrf_token": csrf_of(form), "text": yaml.safe_dump(body, allow_unicode=True)})
    assert r.status_code == 302
    assert client_for(app, "kiosk").service("property.repair").title["zh_TW"] == "物業報修（匯入）"
    bad = tc.post("/console/content/service/property.repair/import", data={
        "csrf_token": csrf_of(form), "text": "id: [unclosed"})
    assert bad.status_code == 422 and "Not valid YAML" in bad.text
    assert "id: [unclosed" in bad.text  # kept for fixing
    wrong = tc.post("/console/content/service/property.repair/import", data={
        "csrf_token": csrf_of(form), "text": "id: property.repair\nfamily: nowhere\n"})
    assert wrong.status_code == 422 and "Not saved" in wrong.text
    # Save a second version from the form, then restore the imported one.
    page = tc.get(EDIT).text
    tc.post(EDIT, data=with_values(form_fields(page, "service-editor"),
                                   title__zh_TW="物業報修（第二版）", action="save"))
    page = tc.get(EDIT).text
    first = min(int(v) for v in re.findall(r"/versions/(\d+)", page))
    shown = tc.get(f"/console/content/service/property.repair/versions/{first}").text
    assert "物業報修（匯入）" in shown
    r = tc.post(f"/console/content/service/property.repair/versions/{first}/restore",
                data={"csrf_token": csrf_of(shown)})
    assert r.status_code == 302
    assert client_for(app, "kiosk").service("property.repair").title["zh_TW"] == "物業報修（匯入）"


def test_notices_and_faq_are_edited_too(app):
    tc = app.test_client()
    console_sign_in(tc, "admin")
    index = tc.get("/console/content").text
    notice_id = re.search(r"/console/content/notice/([A-Za-z0-9_.-]+)\"", index).group(1)
    page = tc.get(f"/console/content/notice/{notice_id}").text
    r = tc.post(f"/console/content/notice/{notice_id}", data=with_values(
        form_fields(page, "item-editor"), title__en="Updated notice title"))
    assert r.status_code == 302
    notices = client_for(app, "kiosk").notices()
    assert any(n["title"]["en"] == "Updated notice title" for n in notices)
    new = tc.get("/console/content/new-item?kind=faq&key=console-test-faq", follow_redirects=True)
    data = with_values(form_fields(new.text, "item-editor"), question__zh_CN="垃圾几点收？",
                       question__zh_TW="垃圾幾點收？", question__en="When is rubbish collected?",
                       answer__zh_CN="每天早上七点。", answer__zh_TW="每天早上七點。",
                       answer__en="Every day at 7 am.", keywords__en="rubbish, bins")
    r = tc.post("/console/content/faq/console-test-faq", data=data)
    assert r.status_code == 302
    hits = client_for(app, "kiosk").faq("rubbish", lang="en")
    assert hits and hits[0]["id"] == "console-test-faq"


def test_staff_without_an_editor_role_cannot_edit(app):
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")
    assert tc.get(EDIT).status_code == 403
    r = tc.post(EDIT, data={"csrf_token": csrf_of(tc.get("/console/queue").text),
                            "title.en": "x"})
    assert r.status_code == 403
