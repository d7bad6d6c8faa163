"""The one module that talks to Twilio's REST API for SMS."""

from __future__ import annotations

from channel_core.notify.models import OutboxMessage
from channel_core.notify.outbox import SendError


def e164(phone: str, country_code: str = "86") -> str:
    """Twilio wants E.164: mainland mobiles (138…) and landlines (010-…) get +86."""
    digits = phone.replace(" ", "").replace("-", "")
    if digits.startswith("+"):
        return digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return f"+{country_code}{digits[1:]}"
    return f"+{country_code}{digits}"


class TwilioSms:
    """Sends outbox SMS through Twilio's Messages resource."""

    def __init__(self, account_sid: str, auth_token: str, from_number: str,
                 api_base: str = "") -> None:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        self.from_number = from_number
        self.client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=10))
        if api_base:
            # Tests point the SDK at a local fake that speaks Twilio's REST format.
            self.client.api.base_url = api_base.rstrip("/")

    def __call__(self, row: OutboxMessage) -> str:
        if not row.address:
            raise SendError("no phone number", permanent=True)
        from twilio.base.exceptions import TwilioRestException

        try:
            msg = self.client.messages.create(to=e164(row.address), from_=self.from_number,
                                              body=row.body)
        except TwilioRestException as exc:
            permanent = 400 <= (exc.status or 500) < 500 and exc.status != 429
            raise SendError(f"twilio {exc.status} {exc.code}: {exc.msg}", permanent) from exc
        return msg.sid


class LoggedSms:
    """Demo sender: records SMS in the log instead of sending (no Twilio account needed)."""

    def __init__(self) -> None:
        import logging

        self.log = logging.getLogger("portal.sms")

    def __call__(self, row: OutboxMessage) -> str:
        self.log.info("SMS to %s: %s", row.address, row.body)
        return f"log-{row.id}"
