"""The hotline feeds the agents' desk: a caller put into the agents' queue shows on the
console's desk (who they are, their topic, their place in the queue) from the moment they are
enqueued, and drops off when they are answered, time out or hang up. Everything goes through
Twilio-signed webhooks and the real console; the core failing never breaks the call."""

from __future__ import annotations

import logging
import re

from tests.conftest import client_for
from tests.console.conftest import console_sign_in, csrf_of
from tests.hotline.simulator import _holding

ELDER = "+8613800000001"  # 王秀英, an elder resident known by caller ID


def _row(html: str, call_ref: str) -> str | None:
    m = re.search(rf'<tr data-call="{call_ref}".*?</tr>', html, re.S)
    return m.group(0) if m else None


def _hold(call, position: int, waited: int) -> None:
    """One fetch of the queue's wait URL (Twilio's hold loop), the caller staying queued."""
    enqueue = call.doc.find("Enqueue")
    call.post(enqueue.get("waitUrl"), follow=False, QueuePosition=str(position),
              QueueTime=str(waited), AvgQueueTime="30", CurrentQueueSize="3")
    call.doc = _holding(enqueue)


def test_a_caller_waits_on_the_desk_until_an_agent_answers(hotline_app, twilio):
    call = twilio.call(ELDER).start()
    agent = hotline_app.test_client()
    console_sign_in(agent, "chen.jing")
    assert _row(agent.get("/console/desk/calls").text, call.sid) is None  # not queued yet

    call.press("0")
    assert call.doc.find("Enqueue") is not None
    row = _row(agent.get("/console/desk/calls").text, call.sid)
    assert row and "王秀英" in row and "Elder" in row and "Pick up" in row

    _hold(call, position=2, waited=10)
    assert call.hears("您现在排在第2位")
    assert "number 2 in the queue" in _row(agent.get("/console/desk/calls").text, call.sid)

    desk = agent.get("/console/desk")
    r = agent.post(f"/console/desk/calls/{call.sid}/pickup", data={"csrf_token": csrf_of(desk.text)})
    assert r.status_code == 302
    hotline = client_for(hotline_app, "hotline")
    assert hotline.queued_call(call.sid).picked_up_by["name"] == "陈静"
    _hold(call, position=1, waited=20)  # still holding while the agent dials in
    assert hotline.queued_call(call.sid).status == "picked_up"

    call.agent_answers()  # Twilio posts the Enqueue action: bridged
    assert call.ended
    assert _row(agent.get("/console/desk/calls").text, call.sid) is None
    left = hotline.queued_call(call.sid)
    assert left.status == "left" and left.left_reason == "answered"


def test_a_time_out_leaves_the_desk_and_waiting_again_returns(hotline_app, twilio):
    call = twilio.call("+8613900000301").start()
    call.press("2")
    call.choose("物业服务")  # the caller's topic
    call.press("0")
    agent = hotline_app.test_client()
    console_sign_in(agent, "liu.fang")
    row = _row(agent.get("/console/desk/calls").text, call.sid)
    assert row and "13900000301" in row and "Property" in row
    hotline = client_for(hotline_app, "hotline")

    call.wait_in_queue(200)  # two minutes of hold, then <Leave>
    assert call.hears("工作人员都在忙")
    assert hotline.queued_call(call.sid).left_reason == "timeout"
    assert _row(agent.get("/console/desk/calls").text, call.sid) is None

    call.press("3")  # keep waiting: back in the queue, and on the desk
    assert call.doc.find("Enqueue") is not None
    assert hotline.queued_call(call.sid).status == "waiting"
    assert _row(agent.get("/console/desk/calls").text, call.sid)

    call.hang_up()  # while holding: only the call's status callback tells
    assert hotline.queued_call(call.sid).left_reason == "hung_up"
    assert _row(agent.get("/console/desk/calls").text, call.sid) is None


def test_hanging_up_in_the_queue_is_reported_by_the_enqueue_action(hotline_app, twilio):
    call = twilio.call("+8613900000302").start()
    call.press("0")
    call.in_queue = False
    call.post(call.doc.find("Enqueue").get("action"), QueueResult="hangup", QueueTime="40")
    assert call.ended
    assert client_for(hotline_app, "hotline").queued_call(call.sid).left_reason == "hung_up"


class _AgentQueueDown:
    """The core's agents' queue failing (a 503 from a proxy in front of it)."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app
        self.calls = 0

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"].startswith("/api/v1/agent-queue"):
            self.calls += 1
            start_response("503 Service Unavailable", [("Content-Length", "0")])
            return [b""]
        return self.wsgi_app(environ, start_response)


def test_the_core_down_never_breaks_the_call(hotline_app, twilio, caplog):
    down = _AgentQueueDown(hotline_app.wsgi_app)
    hotline_app.wsgi_app = down
    try:
        with caplog.at_level(logging.WARNING, logger="hotline.nodes.agent"):
            call = twilio.call("+8613900000303").start()
            call.press("0")
            assert call.doc.find("Enqueue") is not None and call.hears("正在为您转接")
            _hold(call, position=1, waited=0)
            assert call.hears("您现在排在第1位")
            call.agent_answers()
            assert call.ended and call.doc.find("Hangup") is not None
    finally:
        hotline_app.wsgi_app = down.wsgi_app
    assert down.calls == 3  # joined, holding, answered: each tried once
    assert sum("agents' queue" in r.getMessage() for r in caplog.records) == 3


def _broken(*_args, **_kwargs):
    raise RuntimeError("a bug in the flow")


def test_an_apology_puts_the_caller_on_the_desk_like_any_wait(hotline_app, twilio, monkeypatch):
    call = twilio.call(ELDER).start()
    monkeypatch.setattr(hotline_app.extensions["hotline"].nodes["main"], "answer", _broken)
    call.press("1")  # the main menu breaks: an apology, then the agents' queue
    assert call.hears("抱歉，系统出现问题，正在为您转接人工服务")
    enqueue = call.doc.find("Enqueue")
    assert enqueue.get("waitUrl") == "/hotline/voice/queue/wait"
    assert enqueue.get("action").startswith("/hotline/voice/step?n=")
    agent = hotline_app.test_client()
    console_sign_in(agent, "zhang.wei")
    row = _row(agent.get("/console/desk/calls").text, call.sid)
    assert row and "王秀英" in row and "Pick up" in row

    _hold(call, position=1, waited=10)
    assert call.hears("您现在排在第1位")
    assert "number 1 in the queue" in _row(agent.get("/console/desk/calls").text, call.sid)
    call.agent_answers()
    assert call.ended
    assert _row(agent.get("/console/desk/calls").text, call.sid) is None
    hotline = client_for(hotline_app, "hotline")
    assert hotline.queued_call(call.sid).left_reason == "answered"


def test_a_broken_hold_webhook_keeps_the_caller_queued(hotline_app, twilio, monkeypatch):
    call = twilio.call(ELDER).start()
    call.press("0")  # asks for an agent: queued
    enqueue = call.doc.find("Enqueue")
    assert enqueue is not None
    monkeypatch.setattr(hotline_app.extensions["hotline"], "queue_wait", _broken)
    hold = call.post(enqueue.get("waitUrl"), follow=False, QueuePosition="1", QueueTime="20")
    # Twilio takes only Play, Say, Pause, Gather, Redirect, Leave and Hangup from a wait URL
    assert [el.tag for el in hold] == ["Pause"] and int(hold[0].get("length")) > 0
    monkeypatch.undo()
    call.doc = _holding(enqueue)
    _hold(call, position=1, waited=30)  # the next fetch works again
    assert call.hears("您现在排在第1位")


def test_a_call_that_breaks_at_once_still_waits_on_the_desk(hotline_app, twilio, monkeypatch):
    import hotline.service

    monkeypatch.setattr(hotline.service, "look_up", _broken)  # caller ID lookup breaks
    call = twilio.call("+8613900000304").start()
    assert call.hears("抱歉，系统出现问题") and call.doc.find("Enqueue") is not None
    agent = hotline_app.test_client()
    console_sign_in(agent, "zhao.min")
    row = _row(agent.get("/console/desk/calls").text, call.sid)
    assert row and "13900000304" in row

    call.wait_in_queue(200)  # no agent in time: left, then the usual alternatives
    assert call.hears("工作人员都在忙")
    assert client_for(hotline_app, "hotline").queued_call(call.sid).left_reason == "timeout"
    assert _row(agent.get("/console/desk/calls").text, call.sid) is None
