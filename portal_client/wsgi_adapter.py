"""A requests transport that calls a WSGI app in the same process (no socket).

Channels mounted inside the portal server (hotline, console) use the same client and API as
remote channels, without a network hop or a deadlock on a single-threaded server.
"""

from __future__ import annotations

import contextvars
import io
import sys
from urllib.parse import unquote, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict


class WSGIAdapter(BaseAdapter):
    def __init__(self, app) -> None:
        super().__init__()
        self.app = app

    def send(self, request: requests.PreparedRequest, stream=False, timeout=None, verify=True,
             cert=None, proxies=None) -> requests.Response:
        url = urlsplit(request.url)
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        environ = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(url.path) or "/",
            "QUERY_STRING": url.query,
            "SERVER_NAME": url.hostname or "localhost",
            "SERVER_PORT": str(url.port or (443 if url.scheme == "https" else 80)),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": url.scheme or "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(body)),
        }
        # In-process only: the mounted channel vouches for its end user's address.
        forwarded = request.headers.get("X-Forwarded-For")
        if forwarded:
            environ["REMOTE_ADDR"] = forwarded.split(",")[0].strip()
        for key, value in request.headers.items():
            k = key.upper().replace("-", "_")
            if k == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif k != "CONTENT_LENGTH":
                environ[f"HTTP_{k}"] = value
        status_headers: dict = {}

        def start_response(status, headers, exc_info=None):
            status_headers["status"] = status
            status_headers["headers"] = headers

        def call_app() -> bytes:
            chunks = self.app(environ, start_response)
            try:
                return b"".join(chunks)
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()

        # A fresh context: called from inside a request of the same app (a mounted channel),
        # Flask would otherwise reuse that request's app context and its `g` (language,
        # actor) would leak into this call and back.
        content = contextvars.Context().run(call_app)
        resp = requests.Response()
        resp.status_code = int(status_headers["status"].split(" ", 1)[0])
        resp.reason = status_headers["status"].split(" ", 1)[1] if " " in status_headers["status"] else ""
        resp.headers = CaseInsensitiveDict(status_headers["headers"])
        resp._content = content
        resp.url = request.url or ""
        resp.request = request
        resp.encoding = "utf-8"
        return resp

    def close(self) -> None:
        pass
