"""Hotline settings: one frozen object read from the app config and the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

VAR_DIR = Path(__file__).resolve().parent.parent / "var" / "hotline"


@dataclass(frozen=True)
class Voice:
    """How one language is spoken and heard on the phone."""

    say_language: str  # <Say language=...>
    say_voice: str | None  # <Say voice=...> (None: Twilio's default for the language)
    speech_language: str  # <Gather language=...> for speech recognition
    espeak_voice: str  # espeak-ng voice for pre-rendered <Play> audio


VOICES: dict[str, Voice] = {
    "zh_CN": Voice("cmn-CN", "Polly.Zhiyu", "cmn-Hans-CN", "cmn-latn-pinyin"),
    "zh_TW": Voice("cmn-TW", None, "cmn-Hant-TW", "cmn-latn-pinyin"),
    "en": Voice("en-US", "Polly.Joanna", "en-US", "en-us"),
}


@dataclass(frozen=True)
class HotlineConfig:
    """Every hotline setting; `from_app` documents where each comes from."""

    auth_token: str = ""  # TWILIO_AUTH_TOKEN: checks X-Twilio-Signature (403 when unset)
    channel_token: str = ""  # PORTAL_HOTLINE_TOKEN: the hotline's channel token on the API
    public_url: str = ""  # HOTLINE_PUBLIC_URL: origin Twilio calls, when behind a proxy
    store_url: str = "memory"  # HOTLINE_STORE: memory | redis://host:port/db
    prompt_mode: str = "say"  # HOTLINE_PROMPTS: say (Twilio TTS) | play (pre-rendered audio)
    tts_engine: str = "espeak-ng"  # HOTLINE_TTS: espeak-ng | pyttsx3
    prerender: bool = True  # play mode: render the fixed prompts in the background at start
    audio_dir: Path = VAR_DIR / "audio"  # HOTLINE_AUDIO_DIR
    photo_link_ttl_s: int = 24 * 3600  # HOTLINE_PHOTO_LINK_TTL: how long a texted photo link works
    pay_link_method: str = "alipay"  # HOTLINE_PAY_LINK_METHOD: a gateway method with a pay page
    queue_name: str = "community-agents"  # HOTLINE_QUEUE
    queue_timeout_s: int = 120  # HOTLINE_QUEUE_TIMEOUT
    max_retries: int = 2  # reprompts after silence or no match before an agent
    call_ttl_s: int = 4 * 3600  # how long a call's state is kept
    catalog_ttl_s: float = 10.0  # how often the menu catalog is refreshed
    # HOTLINE_TRANSCRIBE: languages <Record transcribe> takes (Twilio transcribes English only);
    # callers in the others say their message to a speech <Gather> while the call is recorded.
    transcribe_langs: tuple[str, ...] = ("en",)
    default_lang: str = "zh_CN"
    message_service: str = ""  # HOTLINE_MESSAGE_SERVICE: voicemail/call-back service fallback
    # HOTLINE_ELDER_SERVICES: what elders order from the main menu (meals, home help)
    elder_services: tuple[str, ...] = ("ordering.canteen-meal", "housekeeping.elder-visit")
    voices: dict[str, Voice] = field(default_factory=lambda: dict(VOICES))

    @classmethod
    def from_app(cls, app: Any) -> HotlineConfig:
        """Read HOTLINE_* from app.config, then the environment; the portal's Twilio token."""
        env = os.environ

        def get(name: str, default: str = "") -> str:
            return str(app.config.get(name) or env.get(name) or default)

        core = app.extensions.get("portal")
        core_cfg = getattr(core, "config", None)
        auth = get("TWILIO_AUTH_TOKEN") or getattr(core_cfg, "twilio_auth_token", "")
        default_lang = getattr(core_cfg, "default_lang", cls.default_lang)
        public = get("HOTLINE_PUBLIC_URL")
        values: dict[str, Any] = {
            "auth_token": auth,
            "channel_token": get("PORTAL_HOTLINE_TOKEN"),
            "public_url": public.rstrip("/"),
            "store_url": get("HOTLINE_STORE", cls.store_url),
            "prompt_mode": get("HOTLINE_PROMPTS", cls.prompt_mode),
            "tts_engine": get("HOTLINE_TTS", cls.tts_engine),
            "audio_dir": Path(get("HOTLINE_AUDIO_DIR", str(cls.audio_dir))),
            "photo_link_ttl_s": int(get("HOTLINE_PHOTO_LINK_TTL", str(cls.photo_link_ttl_s))),
            "pay_link_method": get("HOTLINE_PAY_LINK_METHOD", cls.pay_link_method),
            "queue_name": get("HOTLINE_QUEUE", cls.queue_name),
            "queue_timeout_s": int(get("HOTLINE_QUEUE_TIMEOUT", str(cls.queue_timeout_s))),
            "transcribe_langs": tuple(filter(None, get("HOTLINE_TRANSCRIBE", "en").split(","))),
            "default_lang": default_lang,
            "message_service": get("HOTLINE_MESSAGE_SERVICE"),
            "elder_services": tuple(filter(None, get(
                "HOTLINE_ELDER_SERVICES", ",".join(cls.elder_services)).split(","))),
        }
        if isinstance(app.config.get("HOTLINE"), dict):
            values.update(app.config["HOTLINE"])
        return cls(**values)

    def with_(self, **changes: Any) -> HotlineConfig:
        """A copy with some settings changed."""
        return replace(self, **changes)

    def voice(self, lang: str) -> Voice:
        return self.voices.get(lang) or self.voices[self.default_lang]
