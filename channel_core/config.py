"""Portal configuration: one frozen object built from the environment or given by tests."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PortalConfig:
    """Every setting the server reads; `from_env` documents the variable for each."""

    database_url: str = f"sqlite:///{ROOT / 'var' / 'portal.db'}"
    content_dir: Path = ROOT / "content"
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    base_url: str = "http://127.0.0.1:8000"
    default_lang: str = "zh_CN"
    jobs: str = "inprocess"  # inprocess | celery | off
    job_interval_s: float = 15.0
    celery_broker_url: str = "amqp://guest:guest@127.0.0.1:5672//"
    sms_backend: str = "log"  # log | twilio
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from_number: str = ""
    twilio_api_base: str = ""  # tests point this at a fake Twilio REST server
    stripe_secret_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_api_base: str = ""
    payment_provider: str = "offline"  # offline | stripe
    channel_tokens: dict[str, str] = field(default_factory=dict)  # token -> channel name
    max_body_bytes: int = 256 * 1024
    staff_token_ttl_s: int = 8 * 3600
    resident_token_ttl_s: int = 30 * 60
    otp_ttl_s: int = 300
    checkin_deadline: str = "10:00"  # Asia/Shanghai; a missed check-in becomes a matter
    medication_confirm_min: int = 60  # a reminded dose not marked taken by then is recorded
    blueprints: tuple[str, ...] | None = None  # "module:attr" to mount; None: server default
    testing: bool = False
    create_schema: bool = False  # create tables directly (tests); else Alembic

    @classmethod
    def from_env(cls, **overrides) -> PortalConfig:
        """Read PORTAL_* (and TWILIO_*/STRIPE_*) environment variables."""
        env = os.environ
        tokens: dict[str, str] = {}
        for pair in filter(None, env.get("PORTAL_CHANNEL_TOKENS", "").split(",")):
            channel, _, token = pair.partition("=")
            tokens[token.strip()] = channel.strip()
        values: dict = {
            "database_url": env.get("PORTAL_DATABASE_URL", cls.database_url),
            "content_dir": Path(env.get("PORTAL_CONTENT_DIR", str(cls.content_dir))),
            "base_url": env.get("PORTAL_BASE_URL", cls.base_url),
            "default_lang": env.get("PORTAL_DEFAULT_LANG", cls.default_lang),
            "jobs": env.get("PORTAL_JOBS", cls.jobs),
            "job_interval_s": float(env.get("PORTAL_JOB_INTERVAL", cls.job_interval_s)),
            "celery_broker_url": env.get("PORTAL_CELERY_BROKER", cls.celery_broker_url),
            "sms_backend": env.get("PORTAL_SMS_BACKEND", cls.sms_backend),
            "twilio_account_sid": env.get("TWILIO_ACCOUNT_SID", ""),
            "twilio_auth_token": env.get("TWILIO_AUTH_TOKEN", ""),
            "twilio_from_number": env.get("TWILIO_FROM_NUMBER", ""),
            "twilio_api_base": env.get("TWILIO_API_BASE", ""),
            "stripe_secret_key": env.get("STRIPE_SECRET_KEY", ""),
            "stripe_webhook_secret": env.get("STRIPE_WEBHOOK_SECRET", ""),
            "stripe_api_base": env.get("STRIPE_API_BASE", ""),
            "payment_provider": env.get("PORTAL_PAYMENT_PROVIDER", cls.payment_provider),
            "channel_tokens": tokens,
            "checkin_deadline": env.get("PORTAL_CHECKIN_DEADLINE", cls.checkin_deadline),
            "medication_confirm_min": int(env.get("PORTAL_MEDICATION_CONFIRM_MIN",
                                                  cls.medication_confirm_min)),
        }
        if "PORTAL_SECRET_KEY" in env:
            values["secret_key"] = env["PORTAL_SECRET_KEY"]
        if "PORTAL_BLUEPRINTS" in env:
            values["blueprints"] = tuple(filter(None, env["PORTAL_BLUEPRINTS"].split(",")))
        values.update(overrides)
        return cls(**values)

    def with_(self, **changes) -> PortalConfig:
        """A copy with some settings changed."""
        return replace(self, **changes)
