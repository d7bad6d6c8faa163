"""Call state survives Twilio's retries and several workers: Redis-shared, idempotent steps."""

import threading
import time
import uuid
from datetime import date, datetime, timedelta

import pytest
import redis

from hotline.state import CallState, Form
from hotline.store import MemoryCallStore, RedisCallStore, open_store
from tests.channel_core.samples import VALID_ID
from tests.conftest import client_for
from tests.hotline import filler
from tests.hotline.conftest import AUTH_TOKEN, CONTENT, build_app, matters_from, publish
from tests.hotline.simulator import Twilio

REDIS = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        return redis.Redis.from_url(REDIS, socket_timeout=1).ping()
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not _redis_up(), reason="Redis at 127.0.0.1:6379 not running")


@pytest.mark.parametrize("make", [lambda: MemoryCallStore(60),
                                  pytest.param(lambda: RedisCallStore(REDIS, 60),
                                               marks=needs_redis)])
def test_steps_keep_state_and_answers(make):
    store = make()
    sid = "CA" + uuid.uuid4().hex
    assert store.load(sid) is None
    state = CallState(sid=sid, caller="+8613900000001", lang="en", step=3,
                      form=Form(service_id="property.repair", ref="r1", answers={"area": "a"}),
                      stack=[("main", {}), ("categories", {"page": 1})])
    with store.step(sid, "s3") as step:
        assert step.state is None and step.kept is None
        step.state, step.answer = state, "<Response/>"
    back = store.load(sid)
    assert back == state and isinstance(back.form, Form)
    assert back.stack[1] == ("categories", {"page": 1})
    with store.step(sid, "s3") as again:  # a retry: the same answer, state untouched
        assert again.kept == "<Response/>"
        again.state.lang = "zh_CN"
    assert store.load(sid).lang == "en"
    with store.step(sid, "s4") as stale:
        stale.state.lang = "zh_TW"
        stale.discard = True
    assert store.load(sid).lang == "en"
    with pytest.raises(RuntimeError), store.step(sid, "s5") as failing:
        failing.state.lang = "zh_TW"
        raise RuntimeError("a webhook that breaks saves nothing")
    assert store.load(sid).lang == "en"
    with store.step(sid, "s5") as retried:  # and its retry is answered afresh
        assert retried.kept is None and retried.state.lang == "en"


@needs_redis
def test_a_retry_waits_for_the_worker_still_answering():
    store, other = RedisCallStore(REDIS, 60), RedisCallStore(REDIS, 60)
    sid = "CA" + uuid.uuid4().hex
    with store.step(sid, "start") as first:
        first.state = CallState(sid=sid, caller="", lang="zh_CN")
    seen = []

    def retry():
        with other.step(sid, "s1") as step:
            seen.append(step.kept)

    with store.step(sid, "s1") as busy:
        t = threading.Thread(target=retry)
        t.start()
        time.sleep(0.2)
        assert not seen  # waiting for this worker's answer
        busy.answer = "<Response><Hangup/></Response>"
    t.join(5)
    assert seen == ["<Response><Hangup/></Response>"]


def test_open_store_refuses_unknown_urls():
    assert isinstance(open_store("memory", 10), MemoryCallStore)
    with pytest.raises(ValueError):
        open_store("postgresql://x", 10)


@pytest.fixture
def two_workers(tmp_path):
    """Two WSGI workers of one portal: one database, one Redis, separate processes' memory."""
    url = f"sqlite:///{tmp_path / 'portal.db'}"
    apps = [build_app(url, tmp_path / f"w{i}", store_url=REDIS) for i in range(2)]
    publish(apps[0], *sorted(CONTENT.glob("*.yaml")))
    yield [Twilio(a.test_client(), AUTH_TOKEN) for a in apps], apps[0]
    for a in apps:
        a.extensions["portal"].db.dispose()


@needs_redis
def test_a_call_moves_between_workers_and_retries_replay(two_workers):
    (a, b), app = two_workers
    call = a.call("+8613900000501").start()
    call.twilio = b
    call.say("我家卫生间漏水了")  # answered by worker B from the state worker A saved
    assert call.hears("物业报修")
    first = call.history[-1][2]
    call.twilio = a
    assert call.replay() == first  # Twilio retries on worker A: B's answer, unchanged
    call.press("1")
    assert call.hears("请选择报修位置")


@needs_redis
def test_concurrent_retries_of_the_confirmation_create_one_matter(two_workers):
    (a, b), app = two_workers
    call = a.call("+8613900000502").start()
    call.say("全字段")
    call.press("1")
    svc = client_for(app, "hotline").service("gov.hotline-every-field")
    values = {"name": "赵六", "story": "情况", "people": 2, "deposit": "5", "day": _today(),
              "at": "09:15", "visit": _tomorrow(), "colour": "red", "extras": ["box"],
              "urgent": False, "id_number": VALID_ID, "address": "8号楼", "photo": False,
              "phone": "caller"}
    filler.fill(call, svc, values, "zh_CN")
    action = call.gather.get("action")
    params = call.params(Digits="1")
    answers = []

    def confirm(twilio):
        answers.append(twilio.post(action, params).get_data(as_text=True))

    threads = [threading.Thread(target=confirm, args=(t,)) for t in (a, b, a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(answers)) == 1 and "已提交" in answers[0]
    assert len(matters_from(app, "13900000502")) == 1


def test_an_out_of_date_step_asks_the_current_question_again(twilio):
    call = twilio.call("+8613900000503").start()
    stale = call.gather.get("action")
    call.press("1")
    assert call.hears("说出9位事项编号")
    # A webhook for a step the call has left, whose answer was not kept: nothing changes.
    resp = twilio.post(stale.replace("n=1", "n=0"), call.params(Digits="3"))
    assert "说出9位事项编号" in resp.get_data(as_text=True)
    call.press("1234")
    assert call.hears("事项编号是9位数字")


def _today() -> str:
    return date.today().isoformat()


def _tomorrow() -> str:
    return (datetime.now() + timedelta(days=1)).replace(hour=10, minute=0).strftime(
        "%Y-%m-%dT%H:%M")
