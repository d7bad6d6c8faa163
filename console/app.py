"""Mount the staff console on the portal server: `init_app(app)` (see portal/server.py)."""

from __future__ import annotations

from flask import Flask

from console import views  # noqa: F401  (registers the routes on the blueprint)
from console.staff import DEFAULT_MAX_S
from console.throttle import SignInThrottle
from console.web import bp, csrf


def init_app(app: Flask) -> None:
    """Register the console under /console with CSRF checks limited to its own views."""
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", DEFAULT_MAX_S)
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    csrf.init_app(app)
    app.extensions.setdefault("console", {})["throttle"] = SignInThrottle()
    app.register_blueprint(bp)
