"""The application factory: `create_app(config)` builds the core API."""

from __future__ import annotations

import gc
import importlib
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import time as dt_time

from apiflask import APIBlueprint, APIFlask
from flask import Flask, g, request
from sqlalchemy import inspect

from channel_core.api import problems
from channel_core.api.context import Portal, portal
from channel_core.care import checkin, medication
from channel_core.catalog import edits
from channel_core.catalog.catalog import Catalog
from channel_core.catalog.loader import load_content
from channel_core.config import PortalConfig
from channel_core.db import Database
from channel_core.identity import service as identity
from channel_core.jobs import core_jobs
from channel_core.jobs.runner import InProcessRunner, JobRegistry
from channel_core.notify.twilio_sms import LoggedSms

log = logging.getLogger(__name__)


def _senders(config: PortalConfig) -> dict:
    senders: dict = {}
    if config.sms_backend == "twilio":
        from channel_core.notify.twilio_sms import TwilioSms  # imports the Twilio SDK

        senders["sms"] = TwilioSms(config.twilio_account_sid, config.twilio_auth_token,
                                   config.twilio_from_number, config.twilio_api_base)
    else:
        senders["sms"] = LoggedSms()
    return senders


def _db_channel(p: Portal, raw: str) -> str | None:
    """A channel token issued with `portal channel-token` (cached for 60 s)."""
    cache = p.extras.setdefault("channel_token_cache", {})
    hit = cache.get(raw)
    if hit and time.monotonic() - hit[1] < 60:
        return hit[0]
    with p.db.session() as s:
        a = identity.actor_for_token(s, raw)
    channel = a.channel if a is not None and a.kind == "channel" else None
    cache[raw] = (channel, time.monotonic())
    return channel


def _resolve_auth() -> None:
    """Set g.channel from X-Channel-Token and g.actor from a bearer token."""
    p = portal()
    g.channel = None
    g.actor = None
    ch_token = request.headers.get("X-Channel-Token")
    if ch_token:
        g.channel = p.config.channel_tokens.get(ch_token)
        if g.channel is None:
            g.channel = _db_channel(p, ch_token)
        if g.channel is None:
            from channel_core.errors import Unauthorized

            raise Unauthorized("problem.auth.bad_channel_token")
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        with p.db.session() as s:
            a = identity.actor_for_token(s, auth[7:].strip())
        if a is None:
            from channel_core.errors import Unauthorized

            raise Unauthorized("problem.auth.bad_token")
        if a.kind == "channel":
            g.channel = a.channel
        else:
            g.actor = a


def _follow_content_edits() -> None:
    """Pick up content edits saved by another worker process (checked every 2 s)."""
    p = portal()
    now = time.monotonic()
    if now - p.extras["content_checked"] < 2.0:
        return
    p.extras["content_checked"] = now
    with p.db.session() as s:
        latest = edits.latest_edit_id(s)
        if latest != p.extras["content_edit_id"]:
            edits.refresh(s, p.catalog, p.extras["content_base"])
            p.extras["content_edit_id"] = latest


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Building the app allocates a great many long-lived objects and few cycles: the cyclic
    collector's passes over them cost about a tenth of a start, so it waits until the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def create_app(config: PortalConfig | None = None) -> Flask:
    """Build the portal API app: database, catalog (validated), blueprints, background jobs."""
    with _no_gc_pauses():
        return _create_app(config or PortalConfig.from_env())


def _create_app(config: PortalConfig) -> Flask:
    base = load_content(config.content_dir)  # raises ContentError: refuse to start
    catalog = Catalog(base)
    db = Database(config.database_url)
    if config.create_schema:
        db.create_all()
    edit_id = 0
    if inspect(db.engine).has_table("content_edits"):
        with db.session() as s:
            edit_id = edits.latest_edit_id(s)
            if edit_id:
                edits.refresh(s, catalog, base)  # staff edits saved over the YAML
    app = APIFlask("portal", title="Community Service Portal API", version="1.0",
                   spec_path="/openapi.json", docs_path="/docs")
    app.config.update(
        SECRET_KEY=config.secret_key,
        MAX_CONTENT_LENGTH=config.max_body_bytes,
        JSON_AS_ASCII=False,
        TESTING=config.testing,
        SPEC_FORMAT="json",
        INFO={"description": "Channel core of the community portal: catalog, matters, "
                             "identity, payments. Errors are application/problem+json."},
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]  # workflow states keep their order
    jobs = JobRegistry()
    state = Portal(config=config, db=db, catalog=catalog, jobs=jobs, senders=_senders(config),
                   extras={"content_base": base, "content_edit_id": edit_id, "content_checked": 0.0})
    app.extensions["portal"] = state
    problems.init_app(app)
    app.before_request(_resolve_auth)
    app.before_request(_follow_content_edits)

    from channel_core.api import (
        admin_views,
        agent_queue_views,
        auth_views,
        catalog_views,
        matter_views,
        medication_views,
        upload_views,
        web_views,
    )

    app.register_blueprint(catalog_views.bp)
    app.register_blueprint(matter_views.bp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(agent_queue_views.bp)
    app.register_blueprint(medication_views.bp)
    app.register_blueprint(upload_views.bp)
    app.register_blueprint(web_views.bp)
    app.register_blueprint(upload_views.web_bp)
    for spec in ("channel_core.open311.views:bp", *(config.blueprints or ())):
        module, _, attr = spec.partition(":")
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            # A package still being built in this checkout: say so, serve the rest.
            if exc.name is not None and module.startswith(exc.name):
                log.warning("mount %s skipped: %s not present", spec, exc.name)
                continue
            raise
        obj = getattr(mod, attr or "bp")
        if callable(obj) and not hasattr(obj, "register"):
            obj(app)  # an init function: init_app(app)
        else:
            app.register_blueprint(obj)

    # Plain Flask blueprints (HTML pages, webhooks) stay out of the OpenAPI document.
    for blueprint in app.blueprints.values():
        if not isinstance(blueprint, APIBlueprint):
            blueprint.enable_openapi = False  # type: ignore[attr-defined]

    jobs.register("sla_clocks", lambda: core_jobs.check_clocks(db, state.catalog),
                  config.job_interval_s)
    deadline = dt_time.fromisoformat(config.checkin_deadline)
    jobs.register("checkin_missed",
                  lambda: checkin.raise_missed(db, state.catalog, deadline), 60.0)
    jobs.register("medication_due",
                  lambda: medication.remind_due(db, config.medication_confirm_min), 60.0)
    jobs.register("outbox", lambda: core_jobs.deliver_outbox(db, state.senders),
                  min(config.job_interval_s, 5.0))

    @app.get("/healthz")
    @app.doc(hide=True)
    def healthz():
        return {"ok": True, "catalog": state.catalog.version}

    return app


def start_jobs(app: Flask) -> InProcessRunner | None:
    """Start in-process background jobs if configured (`portal serve` calls this)."""
    state: Portal = app.extensions["portal"]
    if state.config.jobs != "inprocess" or state.runner is not None:
        return state.runner
    state.runner = InProcessRunner(state.jobs)
    state.runner.start()
    return state.runner
