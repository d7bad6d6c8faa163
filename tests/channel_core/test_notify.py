"""The outbox: durable across restarts, each notice sent exactly once, SMS via Twilio's API."""

import threading

import pytest
from sqlalchemy import select

from channel_core.jobs import core_jobs
from channel_core.notify.models import OutboxMessage
from channel_core.notify.twilio_sms import TwilioSms
from tests.channel_core.fake_twilio import FakeTwilio
from tests.channel_core.samples import sample_fields
from tests.conftest import client_for, make_config

SID, TOKEN = "AC" + "0" * 32, "secret-token"


@pytest.fixture
def twilio():
    fake = FakeTwilio(SID, TOKEN)
    yield fake
    fake.stop()


def _sms_app(url, twilio):
    from portal.server import create_server_app

    cfg = make_config(url, sms_backend="twilio", twilio_account_sid=SID, twilio_auth_token=TOKEN,
                      twilio_from_number="+8610012345", twilio_api_base=twilio.url)
    return create_server_app(cfg)


def _submit_by_phone(app, n=1):
    c = client_for(app, "hotline", "zh_CN")
    svc = c.service("property.repair")
    return [c.submit_matter(svc.id, sample_fields(svc), "hotline",
                            contact={"phone": "13800000077"}, notify_via="sms",
                            notify_address="13800000077") for _ in range(n)]


def test_sms_sent_once_through_twilio_rest(db_url, twilio):
    app = _sms_app(db_url, twilio)
    [m] = _submit_by_phone(app)
    state = app.extensions["portal"]
    assert core_jobs.deliver_outbox(state.db, state.senders) == 1
    assert core_jobs.deliver_outbox(state.db, state.senders) == 0
    assert len(twilio.messages) == 1
    sent = twilio.messages[0]
    assert sent["to"] == "+8613800000077" and m.number in sent["body"]
    with state.db.session() as s:
        row = s.scalar(select(OutboxMessage))
        assert row.status == "sent" and row.provider_ref == sent["sid"]
    state.db.dispose()


def test_pending_notices_survive_a_restart_and_retry_after_failure(sqlite_url, twilio):
    app1 = _sms_app(sqlite_url, twilio)
    _submit_by_phone(app1, 2)
    app1.extensions["portal"].db.dispose()  # the server stops before delivering
    app2 = _sms_app(sqlite_url, twilio)
    state = app2.extensions["portal"]
    twilio.fail_next = 1
    assert core_jobs.deliver_outbox(state.db, state.senders) == 1  # one 503, one sent
    with state.db.session() as s:
        s.execute(OutboxMessage.__table__.update().values(next_attempt_at=OutboxMessage.created_at))
    assert core_jobs.deliver_outbox(state.db, state.senders) == 1
    assert len(twilio.messages) == 2
    state.db.dispose()


def test_concurrent_workers_never_send_twice(pg_url, twilio):
    app = _sms_app(pg_url, twilio)
    _submit_by_phone(app, 20)
    state = app.extensions["portal"]
    threads = [threading.Thread(target=core_jobs.deliver_outbox, args=(state.db, state.senders))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bodies = [m["body"] for m in twilio.messages]
    assert len(bodies) == 20 and len(set(bodies)) == 20
    state.db.dispose()


def test_bad_number_is_a_permanent_failure(sqlite_url, twilio):
    sender = TwilioSms(SID, TOKEN, "+8610012345", twilio.url)
    row = OutboxMessage(id=1, address="not-a-number", body="x")
    from channel_core.notify.outbox import SendError

    with pytest.raises(SendError) as err:
        sender(row)
    assert err.value.permanent


def test_phone_numbers_go_out_in_e164():
    from channel_core.notify.twilio_sms import e164

    assert e164("13800000077") == "+8613800000077"
    assert e164("010-84623000") == "+861084623000"
    assert e164("+14155550100") == "+14155550100"
