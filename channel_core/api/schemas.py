"""Request bodies of the core API, as pydantic models (also documented in /openapi.json)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ValidateIn(_In):
    fields: dict[str, Any]
    partial: bool = True


class Contact(_In):
    name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=32)


class MatterIn(_In):
    service_id: str = Field(max_length=64)
    fields: dict[str, Any] = Field(default_factory=dict)
    channel: str = Field(max_length=16)
    contact: Contact | None = None
    lang: str | None = Field(default=None, max_length=8)
    notify_via: str | None = Field(default=None, max_length=16)
    notify_address: str | None = Field(default=None, max_length=128)
    client_ref: str | None = Field(default=None, min_length=8, max_length=80)
    resident_id: int | None = None  # staff filing on a caller's behalf (agents' desk)


class TransitionIn(_In):
    transition: str = Field(max_length=32)
    note: str | None = Field(default=None, max_length=2000)
    expected_version: int | None = None
    rating: int | None = None


class NoteIn(_In):
    text: str = Field(min_length=1, max_length=2000)
    public: bool = False


class ReplyIn(_In):
    text: str = Field(min_length=1, max_length=2000)


class ChannelNoticeIn(_In):
    text: str = Field(min_length=1, max_length=1000)
    dedupe: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")


class AssignIn(_In):
    staff_id: int | None = None
    department: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, max_length=2000)


class CardLoginIn(_In):
    uid: str = Field(min_length=1, max_length=32)
    pin: str = Field(min_length=1, max_length=12)


class OtpRequestIn(_In):
    phone: str = Field(min_length=5, max_length=32)


class OtpVerifyIn(_In):
    phone: str = Field(min_length=5, max_length=32)
    code: str = Field(min_length=4, max_length=8)


class WechatIn(_In):
    openid: str = Field(min_length=4, max_length=64)


class WechatBindIn(_In):
    openid: str = Field(min_length=4, max_length=64)
    phone: str = Field(min_length=5, max_length=32)
    code: str = Field(min_length=4, max_length=8)


class BoxIn(_In):
    box_id: str = Field(min_length=1, max_length=64)


class StaffLoginIn(_In):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)
    totp: str | None = Field(default=None, max_length=8)
