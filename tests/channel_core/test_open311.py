"""The Open311 GeoReport v2 facade, driven by a real 311 client library (georeport) over HTTP
and by form posts exactly as the GeoReport v2 spec shows them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
import requests
from georeport import GeoReport

from tests.channel_core.samples import sample_value
from tests.conftest import LiveServer, client_for, staff_client

# Catalog field type → the GeoReport datatype a 311 client must see (spec: string, number,
# datetime, text, singlevaluelist, multivaluelist).
EXPECTED_DATATYPE = {
    "text": "string", "address": "string", "phone": "string", "idcard": "string",
    "photo": "string", "time": "string", "longtext": "text", "number": "number",
    "money": "number", "date": "datetime", "datetime": "datetime",
    "choice": "singlevaluelist", "yesno": "singlevaluelist", "multichoice": "multivaluelist",
}


@pytest.fixture
def server(any_app):
    """The seeded portal (SQLite, then PostgreSQL) over real HTTP."""
    live = LiveServer(any_app).start()
    yield live
    live.stop()


@pytest.fixture
def sqlite_server(app):
    live = LiveServer(app).start()
    yield live
    live.stop()


def root(server) -> str:
    return f"{server.url}/open311/v2"


def spec_form(**extra: str) -> dict[str, str]:
    """The POST Service Request example of the GeoReport v2 spec, on this community's repair
    service (the spec's sample phone and coordinates replaced by local ones)."""
    form = {
        "api_key": "kiosk-test-token", "jurisdiction_id": "community.example",
        "service_code": "property.repair", "lat": "39.9042", "long": "116.4074",
        "address_string": "3号楼2单元501 卫生间", "email": "smit222@example.org",
        "device_id": "tt222111", "account_id": "123456", "first_name": "john",
        "last_name": "smith", "phone": "13800000009",
        "description": "A large leak is flooding the bathroom floor",
        "media_url": "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
        "attribute[area]": "in_flat", "attribute[category]": "plumbing",
    }
    form.update(extra)
    return form


def post(server, form, fmt: str = "json", **kw) -> requests.Response:
    return requests.post(f"{root(server)}/requests.{fmt}", data=form, timeout=10, **kw)


def test_discovery_points_at_this_endpoint_in_both_formats(server):
    doc = requests.get(f"{root(server)}/discovery.json", timeout=10).json()
    endpoint = doc["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == root(server)
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    datetime.fromisoformat(doc["changeset"])  # a W3C datetime
    xml = requests.get(f"{root(server)}/discovery.xml", timeout=10)
    assert xml.headers["Content-Type"].startswith("text/xml")
    assert xml.content.startswith(b"<?xml")
    tree = ET.fromstring(xml.content)
    assert tree.findtext("endpoints/endpoint/url") == root(server)
    assert [f.text for f in tree.findall("endpoints/endpoint/formats/format")] == [
        "text/xml", "application/json"]


def test_a_311_client_lists_the_catalog_in_json_and_xml(server, any_app):
    catalog = any_app.extensions["portal"].catalog
    as_json = GeoReport(root(server), jurisdiction="community.example").get_service_list()
    as_xml = GeoReport(root(server), output_format="xml").get_service_list()
    fileable = [sid for sid, svc in catalog.services.items() if svc.channels]
    assert [s["service_code"] for s in as_json] == fileable
    assert [s["service_code"] for s in as_xml] == fileable
    repair = next(s for s in as_json if s["service_code"] == "property.repair")
    assert repair["type"] == "realtime" and repair["metadata"] is True
    assert repair["service_name"] == "物业报修"  # no language asked for: the portal's default
    repair_xml = next(s for s in as_xml if s["service_code"] == "property.repair")
    assert repair_xml["metadata"] == "true" and repair_xml["service_name"] == "物业报修"
    assert repair_xml["group"] == repair["group"]


def test_services_answer_in_the_language_asked_for(server):
    seen = {}
    for lang, how in (("en", {"headers": {"Accept-Language": "en-US,en;q=0.8"}}),
                      ("zh_TW", {"params": {"locale": "zh_TW"}}),
                      ("zh_CN", {"params": {"locale": "zh-CN", "jurisdiction_id": "x"}})):
        listed = requests.get(f"{root(server)}/services.json", timeout=10, **how).json()
        repair = next(s for s in listed if s["service_code"] == "property.repair")
        seen[lang] = (repair["service_name"], repair["group"], repair["keywords"])
    assert seen["en"][:2] == ("Report a repair", "Property management")
    assert seen["zh_TW"][:2] == ("物業報修", "物業服務")
    assert seen["zh_CN"][:2] == ("物业报修", "物业服务")
    assert "leak" in seen["en"][2] and "漏水" in seen["zh_CN"][2]


def test_services_only_the_system_raises_are_not_listed(server, any_app):
    catalog = any_app.extensions["portal"].catalog
    system_only = {s.id for s in catalog.services.values() if not s.channels}
    assert "gov.daily-checkin-missed" in system_only
    listed = {s["service_code"] for s in
              requests.get(f"{root(server)}/services.json", timeout=10).json()}
    assert not listed & system_only
    assert len(listed) == len(catalog.services) - len(system_only)


def test_service_definitions_carry_typed_attributes(server, any_app):
    catalog = any_app.extensions["portal"].catalog
    client = GeoReport(root(server))
    seen_types: set[str] = set()
    for svc in catalog.services.values():
        if not svc.fields:
            continue
        definition = client.get_service_definition(svc.id)
        assert definition["service_code"] == svc.id
        attrs = definition["attributes"]
        assert [a["code"] for a in attrs] == [f.key for f in svc.fields]
        assert [a["order"] for a in attrs] == list(range(1, len(attrs) + 1))
        for a, f in zip(attrs, svc.fields, strict=True):
            seen_types.add(f.type)
            assert a["datatype"] == EXPECTED_DATATYPE[f.type], (svc.id, f.key)
            assert a["required"] is f.required and a["variable"] is True
            assert a["description"] and a["datatype_description"]
            if f.type in ("choice", "multichoice"):
                assert [v["key"] for v in a["values"]] == [c.value for c in f.choices]
            elif f.type == "yesno":
                assert [v["key"] for v in a["values"]] == ["yes", "no"]
            else:
                assert "values" not in a
    assert {"choice", "multichoice", "longtext", "phone"} <= seen_types


def test_service_definition_in_xml_with_english_labels(server):
    xml = requests.get(f"{root(server)}/services/property.repair.xml",
                       headers={"Accept-Language": "en"}, timeout=10)
    tree = ET.fromstring(xml.content)
    assert tree.tag == "service_definition"
    area = next(a for a in tree.findall("attributes/attribute") if a.findtext("code") == "area")
    assert area.findtext("datatype") == "singlevaluelist"
    assert area.findtext("required") == "true" and area.findtext("description") == "Where"
    assert [(v.findtext("key"), v.findtext("name")) for v in area.findall("values/value")] == [
        ("in_flat", "Inside my flat"), ("common", "Shared area")]


def test_file_a_request_as_the_spec_shows_and_follow_it_to_closed(server, any_app):
    reply = post(server, spec_form())
    assert reply.status_code == 200, reply.text
    [filed] = reply.json()
    number = filed["service_request_id"]
    assert number.isdigit() and len(number) == 9 and number in filed["service_notice"]
    client = GeoReport(root(server))
    [listed] = client.get_service_requests(service_request_id=number)
    assert listed["status"] == "open" and listed["service_code"] == "property.repair"
    assert listed["description"] == "A large leak is flooding the bathroom floor"
    assert listed["address"] == "3号楼2单元501 卫生间"
    assert (listed["lat"], listed["long"]) == (39.9042, 116.4074)
    assert listed["media_url"].endswith("2212426634_5ed477a060.jpg")
    assert listed["agency_responsible"] == "物业服务中心"
    assert datetime.fromisoformat(listed["requested_datetime"]).tzinfo is not None
    assert datetime.fromisoformat(listed["expected_datetime"]) > datetime.now(UTC)
    # What the 311 client sent reached the matter's own fields through the core's validation.
    staff = staff_client(any_app, "liu.fang", "en")
    m = staff.matter(number)
    assert m.raw["channel"] == "open311"
    assert m.raw["fields"] == {
        "area": "in_flat", "category": "plumbing", "location": "3号楼2单元501 卫生间",
        "description": "A large leak is flooding the bathroom floor",
        "photo": "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
        "phone": "13800000009"}
    assert m.raw["contact_name"] == "john smith" and m.raw["contact_phone"] == "13800000009"
    # Staff work it through the 12345 loop; the 311 client sees every step.
    staff.transition(number, "dispatch")
    staff.transition(number, "start")
    staff.transition(number, "answer", note="Pipe replaced under the sink")
    xml = GeoReport(root(server), output_format="xml").get_service_request(number)
    assert xml["status"] == "open" and "Pipe replaced under the sink" in xml["status_notes"]
    staff.transition(number, "close")
    assert client.get_service_request(number)["status"] == "closed"  # 办结: the case is done
    staff.transition(number, "follow_up")
    staff.transition(number, "rate", rating=5)
    assert client.get_service_request(number)["status"] == "closed"
    closed = client.get_service_requests(status="closed")
    assert [r["service_request_id"] for r in closed] == [number]
    assert number not in [r["service_request_id"] for r in client.get_service_requests(status="open")]


def _as_form_value(f, value) -> str:
    if f.type == "yesno":
        return "yes" if value else "no"
    return str(value)


def _form_for(svc, api_key: str = "demo-chatbot-token", **values) -> list[tuple[str, str]]:
    """A 311 client's form for a service: one attribute per field of its definition."""
    form: list[tuple[str, str]] = [("api_key", api_key), ("service_code", svc.id)]
    for f in svc.fields:
        value = values.get(f.key, sample_value(f))
        if f.type == "multichoice":
            form += [(f"attribute[{f.key}][]", v) for v in value]
        else:
            form.append((f"attribute[{f.key}]", _as_form_value(f, value)))
    return form


def test_multivaluelist_is_sent_as_repeated_attribute_brackets(server, any_app):
    kiosk = client_for(any_app, "kiosk")
    svc = next(s for s in (kiosk.service(x.id) for x in kiosk.services())
               if not s.requires_identity and any(
                   f.type == "multichoice" and len(f.choices) >= 2 for f in s.fields))
    multi = next(f for f in svc.fields if f.type == "multichoice" and len(f.choices) >= 2)
    picked = [multi.choices[0].value, multi.choices[1].value]
    reply = post(server, _form_for(svc, "kiosk-test-token", **{multi.key: picked}))
    assert reply.status_code == 200, reply.text
    number = reply.json()[0]["service_request_id"]
    staff = staff_client(any_app, "admin")
    assert staff.matter(number).raw["fields"][multi.key] == picked


def test_every_service_open_to_anonymous_filing_can_be_filed_by_a_311_client(sqlite_server, app):
    """The api_key here is a channel token issued into the database (portal channel-token)."""
    kiosk = client_for(app, "kiosk")
    filed = []
    for summary in kiosk.services():
        svc = kiosk.service(summary.id)
        if not svc.channels:  # raised by the system only (channels: []): refused to 311 too
            reply = post(sqlite_server, _form_for(svc))
            assert reply.status_code == 403, (svc.id, reply.text)
            continue
        if svc.requires_identity:
            reply = post(sqlite_server, _form_for(svc))
            assert reply.status_code == 401, (svc.id, reply.text)
            continue
        reply = post(sqlite_server, _form_for(svc), "xml")
        assert reply.status_code == 200, (svc.id, reply.text)
        number = ET.fromstring(reply.content).findtext("request/service_request_id")
        filed.append(number)
    assert len(filed) >= 30 and len(set(filed)) == len(filed)
    listed = GeoReport(root(sqlite_server)).get_service_requests(service_request_id=",".join(filed))
    assert sorted(r["service_request_id"] for r in listed) == sorted(filed)


def test_a_resident_session_as_api_key_files_services_that_need_sign_in(sqlite_server, app):
    resident = client_for(app, "kiosk")
    session = resident.sign_in_card("A1B2C3D4", "135790")
    kiosk = client_for(app, "kiosk")
    svc = next(kiosk.service(s.id) for s in kiosk.services() if s.requires_identity)
    form = [(k, session.token if k == "api_key" else v) for k, v in _form_for(svc)]
    reply = post(sqlite_server, form)
    assert reply.status_code == 200, reply.text
    number = reply.json()[0]["service_request_id"]
    assert number in [m.number for m in resident.my_matters()]


def test_token_resolves_to_the_service_request_id(server):
    filed = post(server, spec_form()).json()[0]
    token = filed["token"]
    assert GeoReport(root(server)).get_service_requests(service_request_id=filed["service_request_id"])
    as_json = requests.get(f"{root(server)}/tokens/{token}.json", timeout=10).json()
    assert as_json == [{"service_request_id": filed["service_request_id"], "token": token}]
    as_xml = ET.fromstring(requests.get(f"{root(server)}/tokens/{token}.xml", timeout=10).content)
    assert as_xml.findtext("request/service_request_id") == filed["service_request_id"]
    unknown = requests.get(f"{root(server)}/tokens/not-a-token.json", timeout=10)
    assert unknown.status_code == 404 and unknown.json()[0]["code"] == 404


def test_requests_are_filtered_by_code_and_date_window(server):
    repair = post(server, spec_form()).json()[0]["service_request_id"]
    client = GeoReport(root(server))
    assert [r["service_request_id"] for r in client.get_service_requests(
        service_code="property.repair")] == [repair]
    assert client.get_service_requests(service_code="gov.legal-aid") == []
    now = datetime.now(UTC)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    within = client.get_service_requests(start_date=(now - timedelta(hours=1)).strftime(fmt),
                                         end_date=(now + timedelta(hours=1)).strftime(fmt))
    assert [r["service_request_id"] for r in within] == [repair]
    before = client.get_service_requests(start_date=(now - timedelta(days=30)).strftime(fmt),
                                         end_date=(now - timedelta(days=1)).strftime(fmt))
    assert before == []


def errors_of(reply: requests.Response) -> list[dict]:
    if reply.headers["Content-Type"].startswith("text/xml"):
        tree = ET.fromstring(reply.content)
        assert tree.tag == "errors"
        return [{"code": int(e.findtext("code")), "description": e.findtext("description")}
                for e in tree.findall("error")]
    assert reply.headers["Content-Type"].startswith("application/json")
    return reply.json()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_posts_get_open311_errors(server, fmt):
    missing_key = post(server, {k: v for k, v in spec_form().items() if k != "api_key"}, fmt)
    assert missing_key.status_code == 400 and errors_of(missing_key)[0]["code"] == 400
    bad_key = post(server, spec_form(api_key="stolen"), fmt)
    assert bad_key.status_code == 403 and errors_of(bad_key)[0]["code"] == 403
    unknown = post(server, spec_form(service_code="property.teleport"), fmt)
    assert unknown.status_code == 404 and "property.teleport" in errors_of(unknown)[0]["description"]
    no_code = post(server, spec_form(service_code=""), fmt)
    assert no_code.status_code == 400
    as_json = requests.post(f"{root(server)}/requests.{fmt}", json=spec_form(), timeout=10)
    assert as_json.status_code == 415 and errors_of(as_json)[0]["code"] == 415
    huge = post(server, spec_form(description="x" * 300_000), fmt)
    assert huge.status_code == 413 and errors_of(huge)[0]["code"] == 413
    assert requests.get(f"{root(server)}/requests.json", timeout=10).json() == []  # nothing filed


def test_invalid_attributes_are_named_and_localized(server):
    form = spec_form(**{"attribute[area]": "on_the_moon", "lat": "91", "phone": "12345"})
    del form["attribute[category]"]
    answers = {}
    for lang in ("en", "zh-TW", "zh-CN"):
        reply = post(server, form, headers={"Accept-Language": lang})
        assert reply.status_code == 400
        answers[lang] = {e["description"].split(":", 1)[0]: e["description"] for e in reply.json()}
    assert set(answers["en"]) == {"attribute[area]", "attribute[category]", "lat", "phone"}
    assert set(answers["en"]) == set(answers["zh-TW"]) == set(answers["zh-CN"])
    for name in answers["en"]:
        assert answers["en"][name] != answers["zh-CN"][name] != answers["zh-TW"][name]
    assert answers["en"]["attribute[area]"].isascii()
    in_form = post(server, {**form, "locale": "en"})  # locale may also travel in the form
    assert {e["description"] for e in in_form.json()} == set(answers["en"].values())


def test_bad_queries_get_open311_errors(server):
    base = root(server)
    cases = {
        f"{base}/requests/100000010.json": 400,  # wrong check digit
        f"{base}/requests/100000011.json": 404,  # well formed, never filed
        f"{base}/requests.json?status=pending": 400,
        f"{base}/requests.xml?start_date=2024-01-01T00:00:00Z&end_date=2024-06-01T00:00:00Z": 400,
        f"{base}/requests.json?start_date=yesterday": 400,
        f"{base}/requests.json?service_request_id=123": 400,
        f"{base}/services/property.teleport.xml": 404,
        f"{base}/services.csv": 404,
        f"{base}/no-such-resource.json": 404,
    }
    for url, status in cases.items():
        reply = requests.get(url, timeout=10)
        assert reply.status_code == status, url
        assert errors_of(reply)[0]["code"] == status, url
    wrong_method = requests.delete(f"{base}/services.json", timeout=10)
    assert wrong_method.status_code == 405 and errors_of(wrong_method)[0]["code"] == 405


def test_user_text_is_escaped_in_xml(server):
    nasty = 'Leak </description><injected>1</injected> & "quotes" \x01 end'
    filed = post(server, spec_form(description=nasty)).json()[0]
    xml = requests.get(f"{root(server)}/requests/{filed['service_request_id']}.xml", timeout=10)
    tree = ET.fromstring(xml.content)
    assert tree.find("request/injected") is None
    assert tree.findtext("request/description") == nasty.replace("\x01", "")
