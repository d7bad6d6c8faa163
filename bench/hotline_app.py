"""The servers the hotline bench runs under gunicorn: the whole portal with the hotline
(`create()`), and the baseline, a bare Flask app that answers a static TwiML document
(`bare()`), in a process of its own under the same gunicorn settings."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# What the main menu answers, as fixed text: spoken by Twilio (<Say>) or played (<Play>).
STATIC_SAY = ('<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/bench/next" '
              'input="dtmf speech" numDigits="1" language="cmn-Hans-CN" hints="查询, 缴费" '
              'speechTimeout="auto"><Say language="cmn-CN" voice="Polly.Zhiyu">查询办理进度，'
              '请按1。</Say><Say language="cmn-CN" voice="Polly.Zhiyu">办理服务或反映问题，'
              '请按2。</Say></Gather></Response>')
STATIC_PLAY = ('<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/bench/next" '
               'input="dtmf speech" numDigits="1" language="cmn-Hans-CN" hints="查询, 缴费" '
               'speechTimeout="auto"><Play>http://127.0.0.1/hotline/audio/'
               '0123456789abcdef0123456789abcdef01234567.wav</Play><Play>http://127.0.0.1/'
               'hotline/audio/76543210fedcba9876543210fedcba9876543210.wav</Play></Gather>'
               '</Response>')


def create():
    """gunicorn 'hotline_app:create()': the portal with the hotline (HOTLINE_PROMPTS picks
    <Say> or pre-rendered <Play>)."""
    from portal.server import create_server_app

    app = create_server_app()
    app.config["HOTLINE"] = {"audio_dir": Path(os.environ["HOTLINE_BENCH_DIR"]) / "audio"}
    return app


def bare():
    """gunicorn 'hotline_app:bare()': nothing but a Flask route returning static TwiML."""
    from flask import Flask, Response, request

    app = Flask("bare-twiml")

    @app.post("/bench/static-twiml")
    def static_twiml() -> Response:
        body = STATIC_PLAY if request.args.get("mode") == "play" else STATIC_SAY
        return Response(body, mimetype="text/xml")

    @app.get("/healthz")
    def healthz() -> dict:
        return {"ok": True}

    return app
