"""A stand-in partner API on a local port, for tests of our outbound searches that need to control
what a partner answers (a refusal, a slow or malformed answer). The end-to-end test
(tests/test_federation_e2e.py) runs a real second instance of this system instead.

    with partner_stub(answer=lambda request: (200, {...})) as stub:
        stub.url            # the base URL to configure, ending in "/"
        stub.requests       # what it received: (path, headers, body) of each request
"""
import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: dict


@dataclass
class Stub:
    url: str
    requests: list[Received] = field(default_factory=list)


def answer_with_reads(*reads, total=None):
    """An answer of the partner API's search: `reads` as (read_id, plate)."""
    results = [{"read_id": read_id, "captured_at": "2026-12-01T10:00:00+00:00", "plate": plate, "state": "IL",
                "confidence": 0.9, "camera": {"name": "Main St", "location": "Main St at 1st Ave",
                                              "latitude": None, "longitude": None}}
               for read_id, plate in reads]
    body = {"agency": "Oak Park", "total": len(results) if total is None else total, "page": 1,
            "per_page": 25,
            "window": {"since": "2026-11-26T00:00:00+00:00", "until": "2026-12-03T00:00:00+00:00"},
            "results": results}
    return lambda request: (200, body)


@contextmanager
def partner_stub(answer, *, delay: float = 0.0):
    """Serve `answer(request) -> (status, body)` on 127.0.0.1, after `delay` seconds per request."""
    stub = Stub(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            request = Received(self.path, dict(self.headers), json.loads(raw or b"{}"))
            stub.requests.append(request)
            time.sleep(delay)
            status, body = answer(request)
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status in (301, 302):
                self.send_header("Location", "http://127.0.0.1:9/elsewhere/")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    stub.url = f"http://127.0.0.1:{server.server_address[1]}/partner/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
