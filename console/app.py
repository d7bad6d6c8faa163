"""Mount the staff console on the portal server: `init_app(app)` (see portal/server.py)."""

from __future__ import annotations

from flask import Flask

from console import throttle, views  # noqa: F401  (views registers the routes)
from console.staff import DEFAULT_MAX_S
from console.web import bp, csrf


def init_app(app: Flask) -> None:
    """Register the console under /console with CSRF checks limited to its own views.

    Where sign-in failures are counted and which proxies are trusted: CONSOLE_THROTTLE and
    CONSOLE_TRUSTED_PROXIES, from the Flask config or else the environment (console.throttle).
    """
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", DEFAULT_MAX_S)
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    csrf.init_app(app)
    throttle.init_app(app)
    app.register_blueprint(bp)
