"""The `portal` command: serve, demo, seed, migrate, content checks and admin tasks."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable

from channel_core.config import PortalConfig

# Packages that add their own subcommands: module with `register(subparsers)`.
PLUGINS = ("payments.cli",)
# Channel apps started by `portal <name>`: module with `main(argv)`.
CHANNEL_APPS = {"kiosk": "kiosk.__main__", "tv": "tv_app.__main__"}


def _config() -> PortalConfig:
    return PortalConfig.from_env()


def cmd_migrate(args: argparse.Namespace) -> int:
    from channel_core.migrate import upgrade

    cfg = _config()
    upgrade(cfg.database_url)
    print(f"database at head: {cfg.database_url}")
    return 0


def cmd_content_check(args: argparse.Namespace) -> int:
    from channel_core.catalog.loader import ContentError, load_content

    cfg = _config()
    try:
        tree = load_content(args.dir or cfg.content_dir)
    except ContentError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"ok: {len(tree.services)} services, {len(tree.workflows)} workflows, "
          f"{len(tree.notices)} notices, {len(tree.faq)} FAQ entries (version {tree.version})")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from portal.seed import seed

    cfg = _config()
    if not args.no_migrate:
        from channel_core.migrate import upgrade

        upgrade(cfg.database_url)
    report = seed(cfg)
    for line in report:
        print(line)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from channel_core.api import start_jobs
    from portal.server import create_server_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    cfg = _config()
    if not args.no_migrate:
        from channel_core.migrate import upgrade_if_needed

        upgrade_if_needed(cfg.database_url)
    app = create_server_app(cfg)
    start_jobs(app)
    from waitress import serve

    print(f"portal serving on http://{args.host}:{args.port} (docs at /docs)", flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="portal",
          clear_untrusted_proxy_headers=True, _quiet=True)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from portal.demo import run_demo

    return run_demo(args)


def cmd_jobs(args: argparse.Namespace) -> int:
    from portal.server import create_server_app

    app = create_server_app(_config())
    state = app.extensions["portal"]
    if args.once:
        for name, result in state.jobs.run_all().items():
            print(f"{name}: {result}")
        return 0
    from channel_core.jobs.runner import InProcessRunner

    runner = InProcessRunner(state.jobs)
    runner.start()
    try:
        import time

        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        runner.stop()
    return 0


def cmd_staff_create(args: argparse.Namespace) -> int:
    import pyotp

    from channel_core.db import Database
    from channel_core.identity import service as identity

    cfg = _config()
    db = Database(cfg.database_url)
    with db.session() as s:
        user = identity.create_staff(s, args.username, args.name, args.password, args.department,
                                     roles=args.roles, kind=args.kind)
        secret = user.totp_secret
    uri = pyotp.TOTP(secret).provisioning_uri(name=args.username, issuer_name="Community Portal")
    print(f"created {args.username}; add this to an authenticator app:\n{uri}")
    return 0


def cmd_channel_token(args: argparse.Namespace) -> int:
    from channel_core.db import Database
    from channel_core.identity import service as identity

    cfg = _config()
    db = Database(cfg.database_url)
    with db.session() as s:
        token = identity.issue_token(s, "channel", None, None, channel=args.channel)
    print(token)
    return 0


def cmd_card_issue(args: argparse.Namespace) -> int:
    from channel_core.db import Database
    from channel_core.identity import service as identity

    cfg = _config()
    db = Database(cfg.database_url)
    with db.session() as s:
        card = identity.issue_card(s, args.resident_id, args.uid, args.pin)
        print(f"issued card {card.uid} to resident {card.resident_id}")
    return 0


def _channel_app(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        mod = importlib.import_module(CHANNEL_APPS[name])
        return int(mod.main(args.rest) or 0)

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portal", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the portal server (API, webhooks, console)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--no-migrate", action="store_true")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("demo", help="seed the demo database, serve, open kiosk and TV, run the chatbot")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--offscreen", action="store_true", help="render channel windows to PNG")
    p.add_argument("--no-channels", action="store_true", help="server only")
    p.add_argument("--no-chatbot", action="store_true",
                   help="skip the Rasa and action servers (they train a model on first start)")
    p.add_argument("--exit-after", type=float, default=0, help="stop after N seconds (tests)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("seed", help="load demo residents, staff and bills (idempotent)")
    p.add_argument("--no-migrate", action="store_true")
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser("migrate", help="upgrade the database schema (Alembic)")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("content", help="content tasks")
    csub = p.add_subparsers(dest="content_cmd", required=True)
    c = csub.add_parser("check", help="validate content/ and report every problem")
    c.add_argument("dir", nargs="?")
    c.set_defaults(func=cmd_content_check)

    p = sub.add_parser("jobs", help="run background jobs (SLA clocks, outbox...)")
    p.add_argument("--once", action="store_true")
    p.set_defaults(func=cmd_jobs)

    p = sub.add_parser("staff", help="staff accounts")
    ssub = p.add_subparsers(dest="staff_cmd", required=True)
    c = ssub.add_parser("create")
    c.add_argument("username")
    c.add_argument("--name", required=True)
    c.add_argument("--password", required=True)
    c.add_argument("--department", required=True)
    c.add_argument("--roles", default="staff")
    c.add_argument("--kind", default="staff", choices=["staff", "merchant"])
    c.set_defaults(func=cmd_staff_create)

    p = sub.add_parser("channel-token", help="issue a token for a kiosk, TV box or bot")
    p.add_argument("channel")
    p.set_defaults(func=cmd_channel_token)

    p = sub.add_parser("card", help="one-cards")
    csub = p.add_subparsers(dest="card_cmd", required=True)
    c = csub.add_parser("issue")
    c.add_argument("resident_id", type=int)
    c.add_argument("uid")
    c.add_argument("--pin", required=True)
    c.set_defaults(func=cmd_card_issue)

    for name in CHANNEL_APPS:
        p = sub.add_parser(name, help=f"start the {name} app", add_help=False)
        p.add_argument("rest", nargs=argparse.REMAINDER)
        p.set_defaults(func=_channel_app(name))

    for plugin in PLUGINS:
        try:
            mod = importlib.import_module(plugin)
        except ModuleNotFoundError as exc:
            if exc.name in (plugin, plugin.split(".")[0]):
                continue
            raise
        mod.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in CHANNEL_APPS:
        # Channel apps parse their own options (`portal kiosk --server URL ...`).
        return int(importlib.import_module(CHANNEL_APPS[argv[0]]).main(argv[1:]) or 0)
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
