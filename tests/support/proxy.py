"""A small TCP proxy for fault injection between a client and a server on loopback.

`cut_replies(n, after_bytes)` makes the next n connections' replies stop after the first
after_bytes bytes: the server has done its work and started answering, the client sees the
connection die mid-reply (a push committed whose acknowledgement never arrived).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType


class CuttingProxy:
    """Forwards 127.0.0.1:port to a target; can cut replies after some bytes."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = int(self.listener.getsockname()[1])
        self.lock = threading.Lock()
        self.to_cut = 0
        self.after_bytes = 1
        self.cut = 0
        self.connections = 0
        self.closed = False
        self.thread = threading.Thread(target=self._accept, daemon=True, name="cutting-proxy")
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cut_replies(self, count: int = 1, after_bytes: int = 1) -> None:
        """Cut the replies of the next count requests after after_bytes bytes."""
        with self.lock:
            self.to_cut = count
            self.after_bytes = after_bytes

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            upstream = socket.create_connection(self.target)
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, replies: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if replies:
                    with self.lock:
                        cutting = self.to_cut > 0
                        if cutting:
                            self.to_cut -= 1
                            self.cut += 1
                            keep = self.after_bytes
                    if cutting:
                        sink.sendall(data[:keep])
                        break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()

    def close(self) -> None:
        self.closed = True
        self.listener.close()

    def __enter__(self) -> CuttingProxy:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.close()
