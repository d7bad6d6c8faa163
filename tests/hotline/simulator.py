"""A call simulator: plays Twilio's side of calls and texts against the hotline webhooks.

It posts what Twilio posts (CallSid, From, Digits, SpeechResult, QueueResult, RecordingUrl…)
with an X-Twilio-Signature computed by the twilio library's RequestValidator, checks every
answer is well-formed TwiML, and follows <Gather action>, <Redirect>, <Enqueue> (waitUrl,
then its action), <Record action> and <Start><Recording> the way Twilio does. Every
question must take speech with hints, except a PIN, which is keyed only and says so.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import urljoin

from twilio.request_validator import RequestValidator

from portal_client.i18n import LANGS, gettext

BASE = "http://localhost"
VOICE_VERBS = {"Say", "Play", "Pause", "Gather", "Redirect", "Hangup", "Enqueue", "Record",
               "Leave", "Reject", "Start"}
GATHER_CHILDREN = {"Say", "Play", "Pause"}
FINISH_KEYS = set("0123456789#*")


class TwimlError(AssertionError):
    """The hotline answered something Twilio would reject."""


def parse_twiml(text: str, verbs: set[str] = VOICE_VERBS) -> ET.Element:
    """Parse and check a TwiML document the way Twilio's parser would refuse it."""
    root = ET.fromstring(text)
    if root.tag != "Response":
        raise TwimlError(f"root is {root.tag}")
    for i, el in enumerate(root):
        if el.tag not in verbs:
            raise TwimlError(f"unknown verb {el.tag}")
        if el.tag == "Gather":
            _check_gather(el)
            if i != len(root) - 1:
                raise TwimlError("verbs after a Gather with actionOnEmptyResult never run")
        if el.tag in ("Redirect", "Hangup", "Enqueue", "Record", "Leave") and i != len(root) - 1:
            raise TwimlError(f"{el.tag} must be the last verb")
        if el.tag == "Enqueue" and not (0 < len((el.text or "").strip()) <= 64):
            raise TwimlError("Enqueue needs a queue name of at most 64 characters")
        if el.tag == "Say" and not (el.text or "").strip():
            raise TwimlError("empty Say")
        if el.tag == "Record" and not 1 <= int(el.get("maxLength", "3600")) <= 14400:
            raise TwimlError("Record maxLength out of range")
        if el.tag == "Start" and (not list(el) or any(c.tag not in ("Recording", "Stream",
                                                                     "Transcription")
                                                       for c in el)):
            raise TwimlError("Start takes Recording, Stream or Transcription")
    return root


def check_speech(root: ET.Element) -> None:
    """Speech at every prompt: each Gather takes speech with hints, or it asks for a PIN on
    the keypad only and tells the caller so."""
    gather = root.find("Gather")
    if gather is None:
        return
    if "speech" in gather.get("input", ""):
        if not gather.get("hints"):
            raise TwimlError(f"a speech Gather without hints: {spoken(gather)}")
        if gather.get("speechTimeout") is None:
            raise TwimlError("a speech Gather without speechTimeout")
        return
    notice = {gettext("hotline", "input.keys_only", lang) for lang in LANGS}
    if not notice & set(spoken(gather)):
        raise TwimlError(f"a keys-only Gather that does not say so: {spoken(gather)}")


def _check_gather(el: ET.Element) -> None:
    if not el.get("action"):
        raise TwimlError("Gather without action")
    if el.get("input") not in ("dtmf", "speech", "dtmf speech"):
        raise TwimlError(f"Gather input {el.get('input')}")
    if el.get("numDigits") is not None and int(el.get("numDigits")) < 1:
        raise TwimlError("numDigits must be positive")
    if not set(el.get("finishOnKey", "#")) <= FINISH_KEYS:
        raise TwimlError("bad finishOnKey")
    if "speech" in el.get("input", "") and not el.get("language"):
        raise TwimlError("speech Gather without a language")
    for child in el:
        if child.tag not in GATHER_CHILDREN:
            raise TwimlError(f"{child.tag} cannot be nested in Gather")
    if not list(el):
        raise TwimlError("a Gather that says nothing")


def spoken(root: ET.Element) -> list[str]:
    """Every line a caller hears in a document (Say texts; Play as its URL)."""
    out = []
    for el in root.iter():
        if el.tag == "Say":
            out.append((el.text or "").strip())
        elif el.tag == "Play":
            out.append(f"[play {el.text}]")
    return out


@dataclass
class Twilio:
    """Twilio's side of the hotline for one app: signs and posts webhooks."""

    http: object  # a Flask test client (or anything with its post(path, data, headers))
    auth_token: str
    account_sid: str = "AC" + "1" * 32
    number: str = "+861058000000"
    requests: int = 0
    base: str = BASE  # the origin the server sees (what Twilio signs)

    def post(self, url: str, params: dict[str, str], *, sign: bool = True,
             signature: str | None = None):
        full = urljoin(self.base + "/", url)
        headers = {}
        if sign:
            headers["X-Twilio-Signature"] = signature or RequestValidator(
                self.auth_token).compute_signature(full, params)
        self.requests += 1
        return self.http.post(full[len(self.base):], data=params, headers=headers)

    def call(self, caller: str = "+8613900000009") -> Call:
        return Call(self, caller)

    def text(self, sender: str, body: str) -> str:
        """An inbound SMS; returns the reply text ('' for none)."""
        params = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": self.account_sid,
                  "From": sender, "To": self.number, "Body": body, "NumMedia": "0"}
        resp = self.post("/hotline/sms", params)
        assert resp.status_code == 200, resp.data
        assert resp.mimetype == "text/xml"
        root = parse_twiml(resp.get_data(as_text=True), {"Message"})
        return " ".join((m.text or "") for m in root.iter("Message"))


@dataclass
class Call:
    """One simulated caller, from dialling in to hanging up."""

    twilio: Twilio
    caller: str
    sid: str = field(default_factory=lambda: "CA" + uuid.uuid4().hex)
    doc: ET.Element | None = None
    url: str = ""
    heard: list[str] = field(default_factory=list)  # everything said, in order
    last: list[str] = field(default_factory=list)  # what the last answer said
    prompts: int = 0  # questions asked (Gathers) so far
    presses: int = 0  # answers given (keys or speech) so far
    in_queue: bool = False
    ended: bool = False
    recording_sid: str = ""
    recording_url: str = ""
    history: list[tuple[str, dict, str]] = field(default_factory=list)

    # --- transport --------------------------------------------------------------------

    def params(self, **extra: str) -> dict[str, str]:
        base = {"CallSid": self.sid, "AccountSid": self.twilio.account_sid, "From": self.caller,
                "Caller": self.caller, "To": self.twilio.number, "Called": self.twilio.number,
                "CallStatus": "in-progress", "Direction": "inbound", "ApiVersion": "2010-04-01"}
        base.update({k: v for k, v in extra.items() if v is not None})
        return base

    def post(self, url: str, follow: bool = True, **extra: str) -> ET.Element:
        params = self.params(**extra)
        resp = self.twilio.post(url, params)
        assert resp.status_code == 200, (url, resp.status_code, resp.data[:500])
        assert resp.mimetype == "text/xml", resp.mimetype
        text = resp.get_data(as_text=True)
        self.history.append((url, params, text))
        root = parse_twiml(text)
        check_speech(root)
        self.url, self.doc = url, root
        self.last = spoken(root)
        self.heard += self.last
        if root.find("Gather") is not None:
            self.prompts += 1
        if root.find("Hangup") is not None or root.find("Reject") is not None:
            self.ended = True
        if follow and root.find("Redirect") is not None:
            redirect = root.find("Redirect")
            before = self.last
            self.post(redirect.text.strip())
            self.last = before + self.last
        elif root.find("Enqueue") is not None:
            self.in_queue = True
        return self.doc

    def start(self) -> Call:
        self.post("/hotline/voice")
        return self

    def replay(self) -> str:
        """Twilio retrying the last webhook (same URL, same parameters)."""
        url, params, _ = self.history[-1]
        resp = self.twilio.post(url, params)
        assert resp.status_code == 200
        return resp.get_data(as_text=True)

    # --- what a caller does -----------------------------------------------------------

    @property
    def gather(self) -> ET.Element:
        assert self.doc is not None
        g = self.doc.find("Gather")
        assert g is not None, f"no question is being asked; heard {self.last}"
        return g

    def press(self, digits: str) -> ET.Element:
        self.presses += 1
        return self.post(self.gather.get("action"), Digits=digits)

    def say(self, speech: str, confidence: str = "0.92") -> ET.Element:
        assert "speech" in self.gather.get("input", ""), "this question takes no speech"
        self.presses += 1
        return self.post(self.gather.get("action"), SpeechResult=speech, Confidence=confidence)

    def silence(self) -> ET.Element:
        return self.post(self.gather.get("action"))

    def key_for(self, label: str, max_pages: int = 8) -> str:
        """The key announced for an option (turning menu pages with the 'more' key)."""
        for _ in range(max_pages):
            for line in self.last:
                keys = re.findall(r"(?:请按|請按|press )(\d)", line)
                if label in line and keys:
                    return keys[-1]
            more = next((re.search(r"(\d)\D*$", x) for x in self.last
                         if "更多" in x or "more options" in x), None)
            if more is None:
                break
            self.press(more.group(1))
        raise AssertionError(f"no option {label!r} in {self.last}")

    def choose(self, label: str) -> ET.Element:
        return self.press(self.key_for(label))

    def hears(self, *fragments: str) -> bool:
        text = " ".join(self.last)
        return all(f in text for f in fragments)

    # --- the queue, recordings, hanging up --------------------------------------------

    def wait_in_queue(self, seconds: int, position: int = 1) -> ET.Element:
        """Hold: Twilio fetches waitUrl again each time its TwiML ends, until <Leave>."""
        assert self.in_queue and self.doc is not None
        enqueue = self.doc.find("Enqueue")
        waited = 0
        while waited <= seconds:
            doc = self.post(enqueue.get("waitUrl"), follow=False, QueuePosition=str(position),
                            QueueTime=str(waited), AvgQueueTime="30", CurrentQueueSize="3",
                            QueueSid="QU" + "2" * 32)
            if doc.find("Leave") is not None:
                self.in_queue = False
                return self.post(enqueue.get("action"), QueueResult="leave",
                                 QueueTime=str(waited), QueueSid="QU" + "2" * 32)
            pause = doc.find("Pause")
            waited += int(pause.get("length", "1")) if pause is not None else 1
            self.doc = _holding(enqueue)
        raise AssertionError(f"still queued after {seconds} s")

    def agent_answers(self) -> ET.Element:
        """An agent dials the queue, talks, hangs up: Twilio posts the Enqueue action."""
        enqueue = self.doc.find("Enqueue")
        self.in_queue = False
        return self.post(enqueue.get("action"), QueueResult="bridged", QueueTime="12")

    def record(self, seconds: int = 8) -> ET.Element:
        rec = self.doc.find("Record")
        assert rec is not None, f"not recording; heard {self.last}"
        self.recording_sid = "RE" + uuid.uuid4().hex
        self.recording_url = (f"https://api.twilio.com/2010-04-01/Accounts/"
                              f"{self.twilio.account_sid}/Recordings/{self.recording_sid}")
        self.presses += 1
        return self.post(rec.get("action"), RecordingUrl=self.recording_url,
                         RecordingDuration=str(seconds), RecordingSid=self.recording_sid,
                         Digits="#")

    def transcription(self, text: str, status: str = "completed") -> int:
        """Twilio's transcribeCallback for the last recording; returns the HTTP status."""
        rec = next(r for r in (ET.fromstring(t).find("Record") for _, _, t in
                               reversed(self.history)) if r is not None)
        params = self.params(TranscriptionSid="TR" + uuid.uuid4().hex, TranscriptionText=text,
                             TranscriptionStatus=status, RecordingSid=self.recording_sid,
                             RecordingUrl=self.recording_url, CallStatus="completed")
        return self.twilio.post(rec.get("transcribeCallback"), params).status_code

    def recording_done(self, seconds: int = 12, status: str = "completed") -> int:
        """Twilio's recordingStatusCallback for the call recording <Start><Recording> began
        (it ends with the call); returns the HTTP status."""
        rec = next(r for r in (ET.fromstring(t).find("Start/Recording")
                               for _, _, t in reversed(self.history)) if r is not None)
        if not self.recording_sid:  # a retried callback posts the same recording again
            self.recording_sid = "RE" + uuid.uuid4().hex
        self.recording_url = (f"https://api.twilio.com/2010-04-01/Accounts/"
                              f"{self.twilio.account_sid}/Recordings/{self.recording_sid}")
        params = self.params(RecordingSid=self.recording_sid, RecordingUrl=self.recording_url,
                             RecordingStatus=status, RecordingDuration=str(seconds),
                             RecordingChannels="1", RecordingSource="StartCallRecordingTwiML",
                             RecordingTrack="inbound", CallStatus="completed")
        if status != "completed":
            params.pop("RecordingUrl")
        assert rec.get("recordingStatusCallbackMethod", "POST") == "POST"
        return self.twilio.post(rec.get("recordingStatusCallback"), params).status_code

    def hang_up(self) -> int:
        """The caller hangs up: Twilio posts the number's status callback."""
        self.ended = True
        params = self.params(CallStatus="completed", CallDuration="95")
        return self.twilio.post("/hotline/voice/status", params).status_code


def _holding(enqueue: ET.Element) -> ET.Element:
    """While the caller holds, the document they are in is still the one with <Enqueue>."""
    root = ET.Element("Response")
    root.append(enqueue)
    return root
