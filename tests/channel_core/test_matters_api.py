"""Submitting matters through the API: every service, per-field errors, bad input."""

import json

import pytest

from portal_client import PortalProblem
from tests.channel_core.samples import sample_fields
from tests.conftest import client_for, staff_client


def test_every_catalog_service_accepts_a_valid_submission(any_app):
    kiosk = client_for(any_app, "kiosk", "en")
    clients: dict[tuple[str, bool], object] = {}

    def on(channel: str, signed_in: bool):
        """A client with the channel's own token (and a resident signed in through it)."""
        if (channel, signed_in) not in clients:
            c = client_for(any_app, channel, "en")
            if signed_in:
                c.sign_in_card("A1B2C3D4", "135790")
            clients[channel, signed_in] = c
        return clients[channel, signed_in]

    numbers = set()
    system_only = []
    for summary in kiosk.services():
        svc = kiosk.service(summary.id)
        if not svc.channels:
            system_only.append(svc.id)  # raised by the system; no channel may file it
            continue
        channel = svc.channels[0]  # filed where the service is offered, as that channel
        c = on(channel, svc.requires_identity)
        m = c.submit_matter(svc.id, sample_fields(svc), channel,
                            contact={"name": "张三", "phone": "13800000009"})
        assert m.is_open and m.number not in numbers and m.raw["channel"] == channel
        numbers.add(m.number)
        back = kiosk.matter(m.number)
        assert back.state == m.state and back.history[0].kind == "created"
    assert len(numbers) >= 40
    assert "gov.daily-checkin-missed" in system_only


def test_per_field_errors_in_the_requested_language(app):
    errors = {}
    for lang in ("zh_CN", "zh_TW", "en"):
        c = client_for(app, "kiosk", lang)
        with pytest.raises(PortalProblem) as err:
            c.submit_matter("property.repair", {}, "kiosk")
        assert err.value.status == 422
        errors[lang] = err.value.field_errors
    assert set(errors["en"]) == set(errors["zh_CN"]) == set(errors["zh_TW"])
    some = next(iter(errors["en"]))
    assert errors["en"][some] != errors["zh_CN"][some] != errors["zh_TW"][some]
    assert errors["en"][some].isascii() and not errors["zh_CN"][some].isascii()


def test_field_types_are_checked(app):
    c = client_for(app, "kiosk", "en")
    svc = c.service("gov.residence-certificate")
    fields = sample_fields(svc)
    idf = next(f.key for f in svc.fields if f.type == "idcard")
    fields[idf] = "110105194912310021"  # wrong check character
    errs = c.validate(svc.id, fields, partial=False)
    assert idf in errs and "ID" in errs[idf]
    fields[idf] = "11010519491231002X"
    fields["nonsense"] = "x"
    assert set(c.validate(svc.id, fields, partial=False)) == {"nonsense"}


def test_client_ref_makes_submission_idempotent(app):
    c = client_for(app, "kiosk")
    svc = c.service("property.repair")
    f = sample_fields(svc)
    a = c.submit_matter(svc.id, f, "kiosk", client_ref="kiosk-1-000001")
    b = c.submit_matter(svc.id, f, "kiosk", client_ref="kiosk-1-000001")
    assert a.number == b.number
    f2 = dict(f)
    f2[svc.fields[0].key] = "另一个地方"
    with pytest.raises(PortalProblem) as err:
        c.submit_matter(svc.id, f2, "kiosk", client_ref="kiosk-1-000001")
    assert err.value.status == 409


def test_requires_identity_asks_for_sign_in(app):
    c = client_for(app, "kiosk", "en")
    svc = next(c.service(s.id) for s in c.services() if s.requires_identity)
    with pytest.raises(PortalProblem) as err:
        c.submit_matter(svc.id, sample_fields(svc), "kiosk")
    assert err.value.status == 401 and "sign in" in err.value.detail.lower()


def test_bad_input_gets_localized_problems(app):
    http = app.test_client()
    h = {"X-Channel-Token": "kiosk-test-token", "Accept-Language": "zh-CN"}
    r = http.post("/api/v1/matters", data="{not json", headers=h, content_type="application/json")
    assert r.status_code == 400 and r.mimetype == "application/problem+json"
    assert "JSON" in r.json["detail"]
    r = http.post("/api/v1/matters", data="a=b", headers=h,
                  content_type="application/x-www-form-urlencoded")
    assert r.status_code == 415
    r = http.post("/api/v1/matters", data=json.dumps({"x": "y" * 300_000}), headers=h,
                  content_type="application/json")
    assert r.status_code == 413
    r = http.post("/api/v1/matters", json=[1, 2], headers=h)
    assert r.status_code == 400
    r = http.post("/api/v1/matters", json={"service_id": "gov.nope", "fields": {},
                                           "channel": "kiosk"}, headers=h)
    assert r.status_code == 404 and "gov.nope" in r.json["detail"]
    r = http.post("/api/v1/matters", json={"service_id": "property.repair"}, headers=h)
    assert r.status_code == 422 and "channel" in r.json["errors"]
    r = http.get("/api/v1/matters/100000012", headers=h)
    assert r.status_code == 422 and "编号" in r.json["detail"]
    r = http.get("/api/v1/matters", headers={"Authorization": "Bearer forged"})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    r = http.get("/api/v1/matters", headers=h)
    assert r.status_code == 401
    r = http.get("/api/v1/services", headers={"X-Channel-Token": "nope"})
    assert r.status_code == 401


def test_acknowledged_matter_is_durable_across_restart(sqlite_url):
    from portal.server import create_server_app
    from tests.conftest import make_config

    app1 = create_server_app(make_config(sqlite_url))
    c = client_for(app1, "hotline")
    svc = c.service("property.repair")
    m = c.submit_matter(svc.id, sample_fields(svc), "hotline")
    app1.extensions["portal"].db.dispose()
    app2 = create_server_app(make_config(sqlite_url))
    assert client_for(app2, "kiosk").matter(m.number).number == m.number
    app2.extensions["portal"].db.dispose()


def test_catalog_lists_in_every_language_and_supports_etag(app):
    http = app.test_client()
    r = http.get("/api/v1/catalog")
    assert r.status_code == 200
    body = r.json
    assert {f["id"] for f in body["families"]} == {"gov", "property", "payment", "ordering",
                                                   "housekeeping", "themed"}
    assert all(set(s["title"]) == {"zh_CN", "zh_TW", "en"} for s in body["services"])
    r2 = http.get("/api/v1/catalog", headers={"If-None-Match": r.headers["ETag"]})
    assert r2.status_code == 304
    r = http.get("/api/v1/search?q=repair")
    assert r.json["items"][0]["id"] == "property.repair"


def test_a_channel_token_files_only_as_its_own_channel(any_app):
    kiosk = client_for(any_app, "kiosk", "en")
    svc = kiosk.service("property.repair")
    fields = sample_fields(svc)
    details = {}
    for lang in ("en", "zh_CN"):
        c = client_for(any_app, "kiosk", lang)
        with pytest.raises(PortalProblem) as err:
            c.submit_matter(svc.id, fields, "hotline")
        assert err.value.status == 403
        details[lang] = err.value.detail
    assert "hotline" in details["en"] and details["en"].isascii()
    assert not details["zh_CN"].isascii()
    # Signed in as a resident through the kiosk, still only as the kiosk.
    resident = client_for(any_app, "kiosk", "en")
    resident.sign_in_card("A1B2C3D4", "135790")
    with pytest.raises(PortalProblem) as err:
        resident.submit_matter(svc.id, fields, "tv")
    assert err.value.status == 403
    assert kiosk.submit_matter(svc.id, fields, "kiosk").raw["channel"] == "kiosk"
    # The chatbot's token also carries its WeChat connector.
    wechat = client_for(any_app, "chatbot").submit_matter(svc.id, fields, "wechat")
    assert wechat.raw["channel"] == "wechat"
    # Staff (an agent at the desk) may name the channel the caller used.
    agent = staff_client(any_app, "chen.jing", "en")
    assert agent.submit_matter(svc.id, fields, "hotline").raw["channel"] == "hotline"


def test_a_service_not_offered_on_the_channel_is_refused(any_app):
    hotline_only = client_for(any_app, "kiosk", "en").service("gov.hotline-message")
    assert hotline_only.channels == ("hotline",)
    fields = sample_fields(hotline_only)
    for channel in ("kiosk", "tv", "chatbot"):
        with pytest.raises(PortalProblem) as err:
            client_for(any_app, channel, "en").submit_matter(hotline_only.id, fields, channel)
        assert err.value.status == 403 and "not offered" in err.value.detail
    assert client_for(any_app, "hotline").submit_matter(
        hotline_only.id, fields, "hotline").raw["channel"] == "hotline"
    # A system-only service (channels: []) cannot be filed by any channel, in any language.
    missed = client_for(any_app, "kiosk").service("gov.daily-checkin-missed")
    assert missed.channels == ()
    for channel in ("kiosk", "tv", "hotline", "chatbot"):
        with pytest.raises(PortalProblem) as err:
            client_for(any_app, channel, "zh_CN").submit_matter(
                missed.id, sample_fields(missed), channel)
        assert err.value.status == 403 and not err.value.detail.isascii()
    # Nor through the Open311 facade with a channel's api_key.
    http = any_app.test_client()
    r = http.post("/open311/v2/requests.json", data={
        "api_key": "kiosk-test-token", "service_code": missed.id, "description": "x",
        **{f"attribute[{k}]": v for k, v in sample_fields(missed).items()}})
    assert r.status_code == 403, r.get_data(as_text=True)
    # Staff may file it for a caller (the agents' desk), on any channel.
    agent = staff_client(any_app, "chen.jing", "en")
    assert agent.submit_matter(hotline_only.id, fields, "console").raw["channel"] == "console"
