"""The server the hotline bench runs under gunicorn: the whole portal, plus a bare route
that answers a static TwiML document (the baseline, served by the same app and workers)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

STATIC_TWIML = ('<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/bench/next" '
                'input="dtmf speech" numDigits="1" language="cmn-Hans-CN"><Say language='
                '"cmn-CN">查询办理进度，请按1。办理服务或反映问题，请按2。</Say></Gather></Response>')


def create():
    """gunicorn 'hotline_app:create()': the portal with the hotline and a static TwiML route."""
    from flask import Response

    from portal.server import create_server_app

    app = create_server_app()
    app.config["HOTLINE"] = {"audio_dir": Path(os.environ["HOTLINE_BENCH_DIR"]) / "audio",
                             "photo_dir": Path(os.environ["HOTLINE_BENCH_DIR"]) / "photos"}

    @app.post("/bench/static-twiml")
    def static_twiml() -> Response:
        return Response(STATIC_TWIML, mimetype="text/xml")

    return app
