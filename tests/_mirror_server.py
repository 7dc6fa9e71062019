"""A local HTTP server (127.0.0.1, in a thread) serving a folder, with Range support and injected
faults.

Used by the fetch tests. Faults are queued per relative path and consumed one per request:
``"500"`` answers HTTP 500; ``"truncate"`` announces the full length but sends half and closes;
``"slow"`` waits ``slow_s`` before answering (to trigger client timeouts).
"""

from __future__ import annotations

import http.server
import re
import threading
import time
import urllib.parse
from pathlib import Path


class MirrorServer:
    """Serve ``root`` on 127.0.0.1; ``url`` is the base URL; ``requests`` records (path, Range
    header)."""

    def __init__(self, root: Path, *, ranges: bool = True, slow_s: float = 1.0) -> None:
        self.root = Path(root)
        self.ranges = ranges
        self.slow_s = slow_s
        self.faults: dict[str, list[str]] = {}
        self.requests: list[tuple[str, str | None]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                rel = urllib.parse.unquote(urllib.parse.urlparse(self.path).path).lstrip("/")
                server.requests.append((rel, self.headers.get("Range")))
                queue = server.faults.get(rel) or []
                fault = queue.pop(0) if queue else None
                if fault == "slow":
                    time.sleep(server.slow_s)
                if fault == "500":
                    self.send_error(500, "Injected failure")
                    return
                path = server.root / rel
                if not path.is_file():
                    self.send_error(404, "Not Found")
                    return
                data = path.read_bytes()
                start, status = 0, 200
                match = re.match(r"bytes=(\d+)-$", self.headers.get("Range") or "")
                if match and server.ranges:
                    start, status = int(match.group(1)), 206
                    if start >= len(data):
                        self.send_error(416, "Range Not Satisfiable")
                        return
                body = data[start:]
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                if status == 206:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.end_headers()
                if fault == "truncate":
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(
                self, request, client_address
            ) -> None:  # client gave up (timeout test)
                pass

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> MirrorServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
