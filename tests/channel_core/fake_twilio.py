"""A local stand-in for Twilio's REST API (Messages resource), speaking its wire format."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class FakeTwilio:
    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messages: list[dict] = []
        self.fail_next: int = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                expected = "Basic " + base64.b64encode(
                    f"{fake.account_sid}:{fake.auth_token}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    return self._send(401, {"code": 20003, "message": "Authenticate",
                                            "status": 401, "more_info": "https://www.twilio.com/docs/errors/20003"})
                path = f"/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
                if self.path != path:
                    return self._send(404, {"code": 20404, "message": "Not found", "status": 404})
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if fake.fail_next:
                    fake.fail_next -= 1
                    return self._send(503, {"code": 20503, "message": "Service unavailable",
                                            "status": 503})
                if not form.get("To", "").lstrip("+").isdigit():
                    return self._send(400, {"code": 21211, "message": "Invalid 'To' Phone Number",
                                            "status": 400})
                sid = "SM" + uuid.uuid4().hex
                msg = {"sid": sid, "account_sid": fake.account_sid, "to": form["To"],
                       "from": form.get("From"), "body": form.get("Body"), "status": "queued",
                       "num_segments": "1", "direction": "outbound-api",
                       "api_version": "2010-04-01", "price": None, "error_code": None,
                       "uri": f"/2010-04-01/Accounts/{fake.account_sid}/Messages/{sid}.json"}
                fake.messages.append(msg)
                self._send(201, msg)

            def _send(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
