"""The kiosk's screens: name → "module:Class", imported when first shown."""

from __future__ import annotations

import importlib

from kiosk.screens.base import Screen

SCREENS: dict[str, str] = {
    "home": "kiosk.screens.home:HomeScreen",
    "services": "kiosk.screens.services:ServiceListScreen",
    "form": "kiosk.screens.form:FormScreen",
    "review": "kiosk.screens.review:ReviewScreen",
    "receipt": "kiosk.screens.receipt:ReceiptScreen",
    "signin": "kiosk.screens.signin:SignInScreen",
    "track": "kiosk.screens.track:TrackScreen",
    "notice": "kiosk.screens.notice:NoticeScreen",
    "pay": "kiosk.screens.pay:PayScreen",
    "topup": "kiosk.screens.topup:TopUpScreen",
}


def screen_class(path: str) -> type[Screen]:
    """The Screen subclass named by "module:Class"."""
    module, _, name = path.partition(":")
    cls = getattr(importlib.import_module(module), name)
    assert issubclass(cls, Screen)
    return cls


__all__ = ["SCREENS", "Screen", "screen_class"]
