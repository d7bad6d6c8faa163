"""The one module that uses the twilio SDK: signature checks and TwiML rendering."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from twilio.request_validator import RequestValidator, get_signature_algorithm
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from hotline.config import Voice
from hotline.reply import Line, Reply

SIGNATURE_HEADER = "X-Twilio-Signature"
MAX_HINTS = 500  # Twilio takes up to 500 hints of at most 100 characters
SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"


def signature_valid(auth_token: str, url: str, params: Mapping, signature: str | None,
                    settings: str | None = None) -> bool:
    """Whether X-Twilio-Signature matches the URL Twilio called and its POST parameters."""
    if not auth_token or not signature:
        return False
    validator = RequestValidator(auth_token)
    return validator.validate(url, params, signature, get_signature_algorithm(settings))


def sign(auth_token: str, url: str, params: Mapping) -> str:
    """The signature Twilio would send (for the call simulator and the bench)."""
    return RequestValidator(auth_token).compute_signature(url, params)


@dataclass(frozen=True)
class Urls:
    """Where Twilio comes back to after each verb of one reply."""

    action: str  # Gather / Record / Enqueue action
    redirect: str  # where a <Redirect> goes (the next step, asking the next question)
    queue_wait: str
    transcribed: str
    recorded: str  # the call recording's status callback (voicemail by speech)


# Given a line and its language, the URL of pre-rendered audio (or None to <Say> it).
AudioUrl = Callable[[str, str], str | None]
Voices = Callable[[str], Voice]


# Digits read one by one ('1 0 0, 0 0 0, 0 1 1', as reply.spell_digits writes them).
_SPELLED = re.compile(r"(?<![A-Za-z0-9.])\d(?:,? \d)+(?![A-Za-z0-9.])")


def play_segments(text: str) -> list[str]:
    """A line as the audio clips it is played from: a number read digit by digit is one
    clip per digit (rendered once, for every number), the words around it clips of their
    own. So a new matter number needs no rendering while the caller waits."""
    out: list[str] = []
    pos = 0
    for m in _SPELLED.finditer(text):
        out.append(text[pos:m.start()])
        out += [c for c in m.group(0) if c.isdigit()]
        pos = m.end()
    out.append(text[pos:])
    return [s.strip() for s in out if s.strip(" ,，:：")]


def _speak(target, line: Line, lang: str, voices: Voices, audio_url: AudioUrl | None) -> None:
    text, lang = (line, lang) if isinstance(line, str) else line
    voice = voices(lang)
    if audio_url:
        for segment in play_segments(text):
            target.play(audio_url(segment, lang))
    else:
        kwargs = {"language": voice.say_language}
        if voice.say_voice:
            kwargs["voice"] = voice.say_voice
        target.say(text, **kwargs)


def voice_twiml(reply: Reply, urls: Urls, voices: Voices, queue_name: str,
                audio_url: AudioUrl | None = None) -> str:
    """Render a Reply as a TwiML <Response> document."""
    resp = VoiceResponse()
    voice = voices(reply.lang)
    if reply.record_call:
        # Only the caller's side: the recording is their message, not our prompts.
        resp.start().recording(recording_status_callback=urls.recorded,
                               recording_status_callback_method="POST",
                               recording_status_callback_event="completed absent",
                               track="inbound", trim="trim-silence")
    if reply.ask is not None:
        ask = reply.ask
        inputs = " ".join(x for x, on in (("dtmf", ask.dtmf), ("speech", ask.speech)) if on)
        kwargs: dict = {"input": inputs, "action": urls.action, "method": "POST",
                        "timeout": ask.timeout_s, "action_on_empty_result": True,
                        "finish_on_key": ask.finish_on_key}
        if ask.num_digits and ask.dtmf:
            kwargs["num_digits"] = ask.num_digits
        if ask.speech:
            kwargs.update(language=voice.speech_language, speech_timeout=ask.speech_timeout)
            if ask.max_speech_s:
                kwargs["max_speech_time"] = ask.max_speech_s
            if ask.hints:
                hints = dict.fromkeys(h.replace(",", " ") for h in ask.hints if 0 < len(h) <= 100)
                kwargs["hints"] = ", ".join(list(hints)[:MAX_HINTS])
        gather = resp.gather(**kwargs)
        for line in reply.lines:
            _speak(gather, line, reply.lang, voices, audio_url)
        return str(resp)
    for line in reply.lines:
        _speak(resp, line, reply.lang, voices, audio_url)
    if reply.pause_s:
        resp.pause(length=reply.pause_s)
    if reply.leave:
        resp.leave()
    elif reply.enqueue:
        resp.enqueue(queue_name, action=urls.action, method="POST", wait_url=urls.queue_wait,
                     wait_url_method="POST")
    elif reply.record is not None:
        rec = reply.record
        kwargs = {"action": urls.action, "method": "POST", "max_length": rec.max_length_s,
                  "finish_on_key": "#", "play_beep": True, "timeout": 5}
        if rec.transcribe:
            kwargs.update(transcribe=True, transcribe_callback=urls.transcribed)
        resp.record(**kwargs)
    elif reply.redirect:
        resp.redirect(urls.redirect, method="POST")
    elif reply.hangup:
        resp.hangup()
    return str(resp)


def message_twiml(text: str | None) -> str:
    """A TwiML <Response> answering an inbound SMS (empty: no reply)."""
    resp = MessagingResponse()
    if text:
        resp.message(text)
    return str(resp)


def hold_twiml(seconds: int) -> str:
    """A wait-URL answer that keeps the caller queued: silence, then Twilio fetches the wait
    URL again (<Enqueue> is not allowed there, and the caller is in the queue already)."""
    resp = VoiceResponse()
    resp.pause(length=seconds)
    return str(resp)


def apology_twiml(text: str, voice: Voice, queue_name: str) -> str:
    """What a caller hears when a webhook fails: an apology, then the agents' queue."""
    resp = VoiceResponse()
    kwargs = {"language": voice.say_language}
    if voice.say_voice:
        kwargs["voice"] = voice.say_voice
    resp.say(text, **kwargs)
    resp.enqueue(queue_name)
    return str(resp)
