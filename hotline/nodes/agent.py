"""Agents and messages: the queue (0 from anywhere), its time-out, voicemail, call-back."""

from __future__ import annotations

from hotline import messages
from hotline.call import BaseNode, Call
from hotline.reply import Ask, Recording, Reply, spell_digits
from hotline.spoken import Said

CONNECTED = ("bridged", "bridging-in-progress", "hangup")


class Agent(BaseNode):
    """Into the agents' queue; when the caller leaves it unanswered, offer the alternatives."""

    raw = True
    agent_key = False

    def prompt(self, call: Call) -> Reply:
        return call.reply(call.t("agent.connecting"), enqueue=True)

    def answer(self, call: Call, said: Said) -> Reply:
        result = call.params.get("QueueResult", "")
        if result in CONNECTED:
            call.state.ended = True
            return call.reply(hangup=True)
        return call.go("after_queue", push=False)


class AfterQueue(BaseNode):
    """No agent in time: 1 voicemail, 2 a call-back, 3 keep waiting."""

    def prompt(self, call: Call) -> Reply:
        return call.reply(call.t("queue.timeout"), call.t("queue.options"), ask=Ask())

    def answer(self, call: Call, said: Said) -> Reply:
        n = said.digits
        if n == "1":
            return call.go("message", push=False)
        if n == "2":
            m = messages.leave(call.hotline, call.client, call.state, kind="callback",
                               text=messages.callback_text(call), ref=f"hl:cb:{call.state.sid}")
            if m is None:
                return call.go("agent", call.t("error.unavailable"), push=False)
            return call.go("goodbye", call.t("callback.done", number=spell_digits(m.number)),
                           push=False)
        if n == "3":
            return call.go("agent", push=False)
        return call.retry("input.no_option")


class Message(BaseNode):
    """Record a voicemail; it becomes a matter in the department of the caller's topic."""

    raw = True
    agent_key = False

    def prompt(self, call: Call) -> Reply:
        transcribe = call.lang in call.hotline.config.transcribe_langs
        return call.reply(call.t("voicemail.prompt"), record=Recording(transcribe=transcribe))

    def answer(self, call: Call, said: Said) -> Reply:
        url = call.params.get("RecordingUrl", "")
        seconds = int(call.params.get("RecordingDuration", "0") or 0)
        if not url or seconds < 1:
            call.state.misses += 1
            if call.state.misses > call.hotline.config.max_retries:
                return call.go("goodbye", push=False)
            return call.again(call.t("voicemail.empty"))
        recording = {"url": url, "sid": call.params.get("RecordingSid", ""), "seconds": seconds,
                     "family": call.state.family}
        if call.lang in call.hotline.config.transcribe_langs:
            # The matter is filed when Twilio posts the transcription (see transcribed()).
            call.state.voicemail = recording
            return call.go("goodbye", call.t("voicemail.thanks_later"), push=False)
        m = messages.file_voicemail(call.hotline, call.client, call.state, recording, None)
        if m is None:
            return call.go("goodbye", call.t("error.unavailable"), push=False)
        return call.go("goodbye", call.t("voicemail.thanks", number=spell_digits(m.number)),
                       push=False)


class Goodbye(BaseNode):
    """Thank the caller and hang up."""

    raw = True
    agent_key = False

    def prompt(self, call: Call) -> Reply:
        call.state.ended = True
        return call.reply(call.t("goodbye"), hangup=True)

    def answer(self, call: Call, said: Said) -> Reply:
        return self.prompt(call)
