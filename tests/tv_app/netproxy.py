"""A TCP forwarder between the TV and the live server that can go down and come back,
or swallow one answer (the network edge, not a mock of the core)."""

from __future__ import annotations

import socket
import threading


class Proxy:
    """127.0.0.1:<port> → target. `down()` refuses and cuts connections; `up()` listens
    again on the same port; `swallow(marker)` forwards the next request containing
    `marker` but drops its response (as if the line died after the server acted)."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.url = f"http://127.0.0.1:{self.port}"
        self._listener: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._swallow: bytes | None = None
        self.swallowed = 0

    def up(self) -> Proxy:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        s.listen(16)
        self._listener = s
        threading.Thread(target=self._accept, args=(s,), daemon=True).start()
        return self

    def down(self) -> None:
        s, self._listener = self._listener, None
        if s is not None:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        with self._lock:
            conns, self._conns = self._conns, []
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()

    def swallow(self, marker: bytes) -> None:
        self._swallow = marker

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, server]
            state = {"cut": False}
            threading.Thread(target=self._pipe, args=(client, server, state, True),
                             daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, state, False),
                             daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, state: dict, upstream: bool) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if upstream and self._swallow and self._swallow in data:
                    self._swallow = None
                    state["cut"] = True
                if not upstream and state["cut"]:
                    self.swallowed += 1
                    break  # the server answered; the TV never hears it
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
