"""The kiosk's Qt-free side against a real portal over HTTP: catalog cache, queue, identity."""

from __future__ import annotations

import json

import pytest

from kiosk.backend import FieldErrors, KioskBackend, SignInRequired
from kiosk.outbox import QUEUED, REFERRED, REJECTED, RETURNED, SENT
from tests.kiosk.conftest import EVERY_FIELD, staff


def _matters_for(app, service_id: str) -> list[dict]:
    return staff(app).queue(service_id=service_id, per_page=100)["items"]


def test_catalog_is_cached_with_etag_and_survives_an_outage(kiosk_config, server):
    b = KioskBackend(kiosk_config)
    assert b.catalog is None
    catalog, changed = b.refresh_catalog()
    assert changed and EVERY_FIELD in catalog.services
    assert b.cache.etag()
    again, changed = b.refresh_catalog()
    assert not changed and again.version == catalog.version  # 304 Not Modified
    server.stop()
    offline = KioskBackend(kiosk_config)  # a restart with the server gone
    assert offline.catalog is not None and offline.catalog.version == catalog.version
    cat, changed = offline.refresh_catalog()
    assert not changed and offline.online is False and set(cat.services) == set(catalog.services)


def test_submit_online_creates_a_matter_and_erases_fields(kiosk_config, portal_app):
    b = KioskBackend(kiosk_config)
    b.refresh_catalog()
    svc = b.service("property.repair")
    fields = {"area": "common", "category": "lift", "location": "5号楼1单元电梯",
              "description": "电梯停在三楼不动", "phone": "13800000009"}
    receipt = b.submit(svc, fields, "zh_CN")
    assert receipt.number and len(receipt.number) == 9 and not receipt.provisional
    assert receipt.tracking_url.endswith(receipt.number)
    rows = b.outbox._db.execute("SELECT state, payload, matter_number FROM submissions").fetchall()
    assert rows == [(SENT, "", receipt.number)]
    assert [m["number"] for m in _matters_for(portal_app, "property.repair")] == [receipt.number]


def test_invalid_fields_come_back_per_field_and_nothing_stays_queued(kiosk_config):
    b = KioskBackend(kiosk_config)
    b.refresh_catalog()
    svc = b.service("property.repair")
    with pytest.raises(FieldErrors) as err:
        b.submit(svc, {"area": "common", "phone": "12"}, "en")
    assert {"category", "location", "phone"} <= set(err.value.errors)
    assert "phone" in err.value.errors["phone"].lower()
    assert b.outbox.count(QUEUED) == 0 and b.outbox.count(SENT) == 0


def test_offline_submission_is_queued_and_forwarded_exactly_once(kiosk_config, server, portal_app):
    b = KioskBackend(kiosk_config)
    b.refresh_catalog()
    svc = b.service("property.repair")
    server.stop()
    receipt = b.submit(svc, {"area": "in_flat", "category": "plumbing", "location": "3-2-501",
                             "description": "厨房水管漏水", "phone": "13800000009"}, "zh_CN")
    assert receipt.provisional and len(receipt.provisional_code) == 8
    assert b.online is False and b.outbox.count(QUEUED) == 1
    b.close()
    server.start()
    restarted = KioskBackend(kiosk_config)  # the kiosk was restarted meanwhile
    report = restarted.forward_pending()
    assert len(report.sent) == 1 and report.remaining == 0
    assert restarted.forward_pending().sent == ()  # nothing left to send twice
    row = restarted.provisional(receipt.provisional_code)
    assert row.state == SENT and row.submission is None
    matters = _matters_for(portal_app, "property.repair")
    assert [m["number"] for m in matters] == [row.matter_number]


def test_a_send_whose_answer_was_lost_is_not_doubled(kiosk_config, portal_app):
    """The core got the request but the kiosk never saw the answer: resending is harmless."""
    b = KioskBackend(kiosk_config)
    b.refresh_catalog()
    from kiosk.outbox import Submission

    fields = {"area": "common", "category": "lift", "location": "8号楼", "description": "异响",
              "phone": "13800000009"}
    row = b.outbox.add(Submission("property.repair", fields, "zh_CN"))
    first = b._send(row)  # reached the core; pretend the reply was lost (row still queued)
    report = b.forward_pending()
    assert report.sent == (row.client_ref,)
    assert b.outbox.get(row.client_ref).matter_number == first.number
    assert len(_matters_for(portal_app, "property.repair")) == 1


REFUSED = {"area": "nowhere", "category": "lift", "location": "8号楼电梯", "description": "异响",
           "phone": "13800000009"}  # the core has no area "nowhere"


def _call_backs(app) -> list[dict]:
    """Call-back requests staff work on: the catalog marks no message service for the
    kiosk, so they go to the street office's enquiry desk (KioskConfig.callback_service)."""
    return _matters_for(app, "gov.policy-enquiry")


def test_refused_on_forward_goes_to_staff_as_one_call_back_request(kiosk_config, portal_app):
    from kiosk.outbox import Submission

    b = KioskBackend(kiosk_config)
    b.refresh_catalog()
    # queued by a resident whose sign-in has lapsed by the time it is forwarded
    row = b.outbox.add(Submission("property.repair", REFUSED, "zh_CN", token="stale"))
    report = b.forward_pending()
    assert report.rejected == (row.client_ref,) and report.referred == (row.client_ref,)
    assert not _matters_for(portal_app, "property.repair")
    kept = b.outbox.get(row.client_ref)
    assert kept.state == REFERRED and kept.submission is None  # fields and token erased
    assert "area" in kept.reasons.fields and kept.referral_number
    calls = _call_backs(portal_app)
    assert [m["number"] for m in calls] == [kept.referral_number]
    detail = staff(portal_app).get(f"/api/v1/matters/{kept.referral_number}")
    assert detail["department"] == "street-office" and detail["channel"] == "kiosk"
    assert detail["contact_phone"] == "13800000009"
    fields = detail["fields"]
    assert fields["topic"] == "other" and fields["phone"] == "13800000009"
    message = fields["question"]
    for shown in ("物业报修", kept.reasons.fields["area"], "8号楼电梯", "电梯", kept.local_code,
                  "13800000009"):
        assert shown in message, shown
    # later passes (or a restart) never file it again
    assert b.forward_pending().referred == ()
    again = KioskBackend(kiosk_config)
    again.refresh_catalog()
    again.forward_pending()
    assert len(_call_backs(portal_app)) == 1


def test_a_call_back_whose_answer_was_lost_is_not_doubled(kiosk_config, portal_app):
    from kiosk.outbox import Submission
    from kiosk.referral import call_back

    b = KioskBackend(kiosk_config)
    b.refresh_catalog()
    row = b.outbox.add(Submission("property.repair", REFUSED, "en"))
    b.outbox.forward(b._send)  # refused; the call-back not yet filed
    refused = b.outbox.get(row.client_ref)
    assert refused.state == REJECTED
    first = b._file_call_back(call_back(refused, b.catalog, b.config))  # its answer is lost
    assert b.forward_pending().referred == (row.client_ref,)
    assert b.outbox.get(row.client_ref).referral_number == first.number
    assert len(_call_backs(portal_app)) == 1
    message = staff(portal_app).get(f"/api/v1/matters/{first.number}")["fields"]["question"]
    assert "Report a repair" in message and "物业报修" not in message  # the resident's language


def test_refused_with_no_way_to_call_back_is_returned_not_kept(kiosk_config, portal_app):
    from kiosk.outbox import Submission

    b = KioskBackend(kiosk_config)
    b.refresh_catalog()
    row = b.outbox.add(Submission("property.repair", {"area": "nowhere"}, "zh_CN", token="stale"))
    report = b.forward_pending()
    assert report.rejected == (row.client_ref,) and report.returned == (row.client_ref,)
    kept = b.outbox.get(row.client_ref)
    assert kept.state == RETURNED and kept.submission is None and kept.reasons.fields
    assert not _call_backs(portal_app)


def test_card_sign_in_errors_are_in_the_users_language(kiosk_config):
    from portal_client import PortalProblem

    b = KioskBackend(kiosk_config)
    b.set_lang("en")
    with pytest.raises(PortalProblem) as unknown:
        b.sign_in_card("FFFF0000", "123456")
    with pytest.raises(PortalProblem) as wrong:
        b.sign_in_card("A1B2C3D4", "000000")
    assert unknown.value.detail and wrong.value.detail
    assert all(ord(c) < 0x3000 for c in wrong.value.detail)
    b.set_lang("zh_CN")
    with pytest.raises(PortalProblem) as zh:
        b.sign_in_card("A1B2C3D4", "000000")
    assert any("\u4e00" <= c <= "\u9fff" for c in zh.value.detail)
    r = b.sign_in_card("a1b2c3d4", "135790")
    assert r.name == "王秀英" and r.is_elder and r.address
    b.sign_out()
    assert b.resident is None and b.client.token is None


def test_identity_required_service_asks_for_sign_in(kiosk_config, portal_app):
    b = KioskBackend(kiosk_config)
    b.refresh_catalog()
    svc = next(s for s in b.catalog.services.values() if s.requires_identity)
    with pytest.raises(SignInRequired):
        b.submit(svc, {}, "zh_CN")
    assert b.outbox.count(QUEUED) == 0


def test_qr_sign_in_approved_on_a_phone(kiosk_config, portal_app):
    from tests.conftest import client_for

    b = KioskBackend(kiosk_config)
    qr = b.start_qr()
    assert qr.url.endswith(qr.id)
    assert b.poll_qr(qr.id) is None
    phone = client_for(portal_app, "chatbot")
    phone.sign_in_card("B2C3D4E5", "246810")
    phone.approve_qr_sign_in(qr.id)
    r = b.poll_qr(qr.id)
    assert r is not None and r.name == "李建国" and b.client.token


def test_search_uses_the_core_online_and_the_cache_offline(kiosk_config, server):
    b = KioskBackend(kiosk_config)
    b.refresh_catalog()
    online = [s.id for s in b.search("baoxiu", "zh_CN")]
    assert "property.repair" in online
    server.stop()
    offline = [s.id for s in b.search("baoxiu", "zh_CN")]
    assert "property.repair" in offline and b.online is False
    assert "property.repair" in [s.id for s in b.search("repair", "en")]


def test_catalog_json_on_disk_is_what_the_server_sent(kiosk_config):
    b = KioskBackend(kiosk_config)
    b.refresh_catalog()
    data = json.loads(b.cache.path.read_text(encoding="utf-8"))
    assert {s["id"] for s in data["services"]} >= set(b.catalog.services)
