"""The hotline of one portal app: call state, catalog, prompts, and each webhook's answer."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

from flask import request

from hotline import messages, twilio_api
from hotline.audio import AudioCache
from hotline.call import Call, dispatch
from hotline.config import HotlineConfig, Voice
from hotline.flow import nodes
from hotline.menus import CatalogCache
from hotline.nodes import agent
from hotline.nodes.caller import look_up
from hotline.reply import Reply
from hotline.spoken import Said
from hotline.state import CallState
from hotline.store import open_store
from portal_client import PortalClient
from portal_client.i18n import LANGS, gettext

log = logging.getLogger(__name__)
ENDED = ("completed", "busy", "failed", "no-answer", "canceled")


class Hotline:
    """Everything the webhooks share, built once per app."""

    def __init__(self, app: Any, config: HotlineConfig) -> None:
        self.app = app
        self.config = config
        self.store = open_store(config.store_url, config.call_ttl_s)
        self.nodes = nodes()
        self.catalog = CatalogCache(lambda: self.client(config.default_lang).catalog(),
                                    config.catalog_ttl_s)
        self._clients = threading.local()
        # Bills need the payments API; a portal assembled without it offers no bills menu.
        self.payments = any(r.rule == "/api/v1/bills/<number>/payments"
                            for r in app.url_map.iter_rules())
        self.audio: AudioCache | None = None
        if config.prompt_mode == "play":
            secret = str(app.config.get("SECRET_KEY") or "hotline").encode()
            self.audio = AudioCache(config.audio_dir, secret, config.tts_engine)
            if config.prerender:
                threading.Thread(target=self.audio.prerender_prompts, args=(config.voices,),
                                 name="hotline-prerender", daemon=True).start()

    def client(self, lang: str, token: str | None = None) -> PortalClient:
        """A portal client speaking for the hotline channel (and a verified resident).

        Without a resident the client is reused (one per thread and language: building one
        costs more than many a webhook); never sign in on it, use `fresh_client`."""
        if token is not None:
            c = self.fresh_client(lang)
            c.token = token
            return c
        mine = self._clients.__dict__.setdefault("by_lang", {})
        if lang not in mine:
            mine[lang] = self.fresh_client(lang)
        return mine[lang]

    def fresh_client(self, lang: str) -> PortalClient:
        """A client of its own (sign-ins store the resident's token on it)."""
        c = PortalClient.in_process(self.app, channel_token=self.config.channel_token or None,
                                    channel="hotline", lang=lang)
        c.http.trust_env = False  # in-process calls: no proxy settings to look up each time
        return c

    def public_base(self) -> str:
        """The origin callers' phones and Twilio reach this server at."""
        return self.config.public_url or request.url_root.rstrip("/")

    # --- rendering --------------------------------------------------------------------

    def voice(self, lang: str) -> Voice:
        return self.config.voice(lang)

    def _audio_url(self, text: str, lang: str) -> str | None:
        if self.audio is None:
            return None
        key = self.audio.ensure(text, self.voice(lang))
        return f"{self.public_base()}{request.script_root}/hotline/audio/{key}.wav"

    def _urls(self, state: CallState) -> twilio_api.Urls:
        voice = f"{request.script_root}/hotline/voice"  # the blueprint's paths (see webhooks)
        return twilio_api.Urls(
            action=f"{voice}/step?n={state.step}", redirect=f"{voice}/step?n={state.step}&r=1",
            queue_wait=f"{voice}/queue/wait", transcribed=f"{voice}/transcribed",
            recorded=f"{voice}/recorded")

    def render(self, state: CallState, reply: Reply) -> str:
        return twilio_api.voice_twiml(reply, self._urls(state), self.voice,
                                      self.config.queue_name,
                                      self._audio_url if self.audio else None)

    # --- webhooks ---------------------------------------------------------------------

    def start(self, params: Mapping[str, str]) -> str:
        """A new call: find the caller, greet them in their language, offer the main menu."""
        sid = params.get("CallSid", "")
        with self.store.step(sid, "start") as step:
            if step.kept is not None:
                return step.kept
            step.state = self._new_state(params)
            step.answer = self.render(step.state, self.nodes["main"].prompt(
                Call(step.state, self, params)))
            return step.answer

    def _new_state(self, params: Mapping[str, str]) -> CallState:
        caller = params.get("From") or params.get("Caller") or ""
        resident = look_up(self.client(self.config.default_lang), caller)
        lang = self.config.default_lang
        if resident and resident.get("lang") in LANGS:
            lang = resident["lang"]
        return CallState(sid=params.get("CallSid", ""), caller=caller, lang=lang, step=1,
                         resident=resident)

    def step(self, params: Mapping[str, str], n: int, redirected: bool) -> str:
        """The caller answered (or a verb finished): idempotent per call and step."""
        sid = params.get("CallSid", "")
        with self.store.step(sid, f"{'r' if redirected else 's'}{n}") as step:
            if step.kept is not None:
                return step.kept
            if step.state is None:  # expired, or state lost: back to the main menu
                log.info("step for unknown call %s: starting afresh", sid)
                step.state = self._new_state(params)
                step.answer = self.render(step.state, self.nodes["main"].prompt(
                    Call(step.state, self, params)))
                return step.answer
            state = step.state
            call = Call(state, self, params)
            if n != state.step:  # stale: ask the current question again, change nothing
                step.discard = True
                return self.render(state, call.again())
            said = Said(digits=params.get("Digits", "").strip(),
                        speech=params.get("SpeechResult", "").strip())
            reply = dispatch(call, said, redirected)
            state.step += 1
            step.answer = self.render(state, reply)
            return step.answer

    def apology(self, params: Mapping[str, str]) -> str:
        """A webhook broke: apologise and queue the caller for an agent the way the agent
        node does (on the agents' desk; hold and leaving reported), said with <Say>."""
        sid = params.get("CallSid", "")
        known = self.store.load(sid)
        with self.store.step(sid, f"e{known.step if known else 1}") as step:
            if step.kept is not None:
                return step.kept
            state = step.state or CallState(
                sid=sid, caller=params.get("From") or params.get("Caller") or "",
                lang=self.config.default_lang, step=1)
            state.node, state.args, state.misses = "agent", {}, 0  # its action: Agent.answer
            agent.report_waiting(self, state)
            reply = Reply(lines=(gettext("hotline", "error.apology", state.lang),),
                          enqueue=True, lang=state.lang)
            step.state = state
            step.answer = twilio_api.voice_twiml(reply, self._urls(state), self.voice,
                                                 self.config.queue_name)
            return step.answer

    def queue_wait(self, params: Mapping[str, str]) -> str:
        """Hold music of the agents' queue: the caller's position, then leave on time-out."""
        sid = params.get("CallSid", "")
        state = self.store.load(sid)
        lang = state.lang if state else self.config.default_lang
        waited = int(params.get("QueueTime", "0") or 0)
        if waited >= self.config.queue_timeout_s:
            reply = Reply(leave=True, lang=lang)  # the Enqueue action reports the time-out
        else:
            position = params.get("QueuePosition", "1") or "1"
            reply = Reply(lines=(gettext("hotline", "queue.position", lang, position=position),),
                          pause_s=10, lang=lang)
            waiting = state or CallState(sid=sid, caller=params.get("From", ""), lang=lang)
            agent.report_waiting(self, waiting, int(position) if position.isdigit() else None)
        fake = state or CallState(sid="", caller="", lang=lang)
        return self.render(fake, reply)

    def transcribed(self, params: Mapping[str, str]) -> None:
        """Twilio's transcription of a voicemail: file it as a matter (once)."""
        sid = params.get("CallSid", "")
        state = self.store.load(sid) or CallState(sid=sid, caller=params.get("From", ""),
                                                  lang=self.config.default_lang)
        recording = dict(state.voicemail or {})
        recording.setdefault("url", params.get("RecordingUrl", ""))
        recording["sid"] = params.get("RecordingSid") or recording.get("sid") or sid
        text = params.get("TranscriptionText", "").strip()
        done = params.get("TranscriptionStatus") == "completed" and text
        client = self.client(state.lang, state.token)
        m = messages.file_voicemail(self, client, state, recording, text if done else None)
        if m is None:
            raise RuntimeError(f"voicemail of {sid} not filed")  # 500: Twilio retries

    def recorded(self, params: Mapping[str, str]) -> None:
        """The recording of a voicemail said in a language Twilio cannot transcribe: file it
        with what the caller's speech was recognised as (once; Twilio retries)."""
        sid = params.get("CallSid", "")
        state = self.store.load(sid)
        voicemail = dict((state.voicemail if state else None) or {})
        said = " ".join(voicemail.get("said") or ()).strip()
        if state is None or voicemail.get("mode") != "speech":
            log.warning("call recording of %s without a spoken voicemail", sid)
            return
        recording = {"sid": sid, "family": voicemail.get("family"),
                     "seconds": int(params.get("RecordingDuration", "0") or 0)}
        if params.get("RecordingStatus") == "completed" and params.get("RecordingUrl"):
            recording["url"] = params["RecordingUrl"]
        elif not said:
            return  # nothing said and nothing recorded: no message to file
        client = self.client(state.lang, state.token)
        m = messages.file_voicemail(self, client, state, recording, said or None)
        if m is None:
            raise RuntimeError(f"voicemail of {sid} not filed")  # 500: Twilio retries

    def call_status(self, params: Mapping[str, str]) -> None:
        """The call ended: a report abandoned mid-form becomes a call-back matter."""
        if params.get("CallStatus") not in ENDED:
            return
        with self.store.step(params.get("CallSid", ""), "ended") as step:
            if step.state is None or step.kept is not None:
                return
            if not step.state.ended and step.state.node == "agent":  # hung up holding
                agent.report_left(self, step.state, "hung_up")
            if not step.state.ended:
                messages.hang_up_report(self, self.client(step.state.lang, step.state.token),
                                        step.state)
            step.state.ended = True
