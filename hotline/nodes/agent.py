"""Agents and messages: the queue (0 from anywhere), its time-out, voicemail, call-back."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from hotline import messages
from hotline.call import BaseNode, Call
from hotline.reply import Ask, Recording, Reply, spell_digits
from hotline.spoken import Said
from hotline.state import CallState
from portal_client import PortalProblem

if TYPE_CHECKING:
    from hotline.service import Hotline

log = logging.getLogger(__name__)
CONNECTED = ("bridged", "bridging-in-progress", "hangup")
# Twilio's QueueResult on the <Enqueue> action → why the caller left (the core's reasons).
LEFT_BECAUSE = {"bridged": "answered", "bridging-in-progress": "answered", "hangup": "hung_up",
                "leave": "timeout"}
MAX_CALLER = 32  # the core keeps caller IDs up to this long (a SIP address is not a phone)


def report_waiting(hotline: Hotline, state: CallState, position: int | None = None) -> None:
    """Tell the agents' desk (through the core) this caller is waiting; never breaks the call."""
    caller = state.caller if 0 < len(state.caller) <= MAX_CALLER else None
    try:
        hotline.client(state.lang).report_waiting_call(
            state.sid, hotline.config.queue_name, lang=state.lang, caller=caller,
            topic=state.family, matter_numbers=state.matters, position=position)
    except PortalProblem as exc:  # the core down or refusing: the caller still waits
        log.warning("agents' queue: could not report %s waiting: %s", state.sid, exc)


def report_left(hotline: Hotline, state: CallState, reason: str) -> None:
    """Tell the agents' desk the caller left the queue (answered, hung_up, timeout...)."""
    try:
        hotline.client(state.lang).report_call_left(state.sid, reason)
    except PortalProblem as exc:
        log.warning("agents' queue: could not report %s gone (%s): %s", state.sid, reason, exc)


class Agent(BaseNode):
    """Into the agents' queue; when the caller leaves it unanswered, offer the alternatives."""

    raw = True
    agent_key = False

    def prompt(self, call: Call) -> Reply:
        report_waiting(call.hotline, call.state)
        return call.reply(call.t("agent.connecting"), enqueue=True)

    def answer(self, call: Call, said: Said) -> Reply:
        result = call.params.get("QueueResult", "")
        report_left(call.hotline, call.state, LEFT_BECAUSE.get(result, "other"))
        if result in CONNECTED:
            call.state.ended = True
            return call.reply(hangup=True)
        return call.go("after_queue", push=False)


OPTIONS = ("words.voicemail", "words.callback", "words.wait")
MAX_SAID = 5  # spoken voicemail: at most five stretches of speech (one a pause ends)


class AfterQueue(BaseNode):
    """No agent in time: 1 voicemail, 2 a call-back, 3 keep waiting (keys or words)."""

    def prompt(self, call: Call) -> Reply:
        return call.reply(call.t("queue.timeout"), call.t("queue.options"),
                          ask=Ask(hints=call.hints(*OPTIONS)))

    def answer(self, call: Call, said: Said) -> Reply:
        n = call.option(said, *OPTIONS)
        if n == 1:
            return call.go("message", push=False)
        if n == 2:
            m = messages.leave(call.hotline, call.client, call.state, kind="callback",
                               text=messages.callback_text(call), ref=f"hl:cb:{call.state.sid}")
            if m is None:
                return call.go("agent", call.t("error.unavailable"), push=False)
            return call.go("goodbye", call.t("callback.done", number=spell_digits(m.number)),
                           push=False)
        if n == 3:
            return call.go("agent", push=False)
        return call.retry("input.no_option")


class Message(BaseNode):
    """A voicemail; it becomes a matter in the department of the caller's topic.

    Twilio transcribes <Record> in English only. Callers in other languages (Mandarin) say
    their message to speech <Gather>s in their language, stretch by stretch until they are
    quiet, while the call is recorded (<Start><Recording>): the matter gets both, filed when
    the recording's callback comes (`Hotline.recorded`)."""

    raw = True
    agent_key = False

    def _by_speech(self, call: Call) -> bool:
        return call.lang not in call.hotline.config.transcribe_langs

    def prompt(self, call: Call) -> Reply:
        if not self._by_speech(call):
            return call.reply(call.t("voicemail.prompt"), record=Recording(transcribe=True))
        said = (call.state.voicemail or {}).get("said")
        if said is None:  # the start: record the call from here on
            call.state.voicemail = {"mode": "speech", "said": [], "family": call.state.family}
            return call.reply(call.t("voicemail.speak"), ask=self._listen(call),
                              record_call=True)
        return call.reply(call.t("voicemail.more"), ask=self._listen(call))

    def _listen(self, call: Call) -> Ask:
        return Ask(dtmf=False, num_digits=None, timeout_s=6, speech_timeout="3",
                   max_speech_s=60, hints=call.catalog.hints(call.lang))

    def answer(self, call: Call, said: Said) -> Reply:
        if self._by_speech(call) and "RecordingUrl" not in call.params:
            return self._heard(call, said)
        url = call.params.get("RecordingUrl", "")
        seconds = int(call.params.get("RecordingDuration", "0") or 0)
        if not url or seconds < 1:
            call.state.misses += 1
            if call.state.misses > call.hotline.config.max_retries:
                return call.go("goodbye", push=False)
            return call.again(call.t("voicemail.empty"))
        # The matter is filed when Twilio posts the transcription (see transcribed()).
        call.state.voicemail = {"url": url, "sid": call.params.get("RecordingSid", ""),
                                "seconds": seconds, "family": call.state.family}
        return call.go("goodbye", call.t("voicemail.thanks_later"), push=False)

    def _heard(self, call: Call, said: Said) -> Reply:
        voicemail = call.state.voicemail or {"mode": "speech", "said": []}
        if said.speech:
            voicemail["said"] = [*voicemail.get("said", []), said.speech]
            call.state.voicemail = voicemail
            if len(voicemail["said"]) < MAX_SAID:
                return call.again()
        if voicemail.get("said"):
            return call.go("goodbye", call.t("voicemail.thanks_later"), push=False)
        call.state.misses += 1
        if call.state.misses > call.hotline.config.max_retries:
            return call.go("goodbye", push=False)
        return call.reply(call.t("voicemail.empty"), call.t("voicemail.speak"),
                          ask=self._listen(call))


class Goodbye(BaseNode):
    """Thank the caller and hang up."""

    raw = True
    agent_key = False

    def prompt(self, call: Call) -> Reply:
        call.state.ended = True
        return call.reply(call.t("goodbye"), hangup=True)

    def answer(self, call: Call, said: Said) -> Reply:
        return self.prompt(call)
