#!/usr/bin/env python3
"""A real HTTP server for initpack's tests, on 127.0.0.1 only.

Serves a directory with Range support (so resumed downloads can be tested)
and injects faults on request, so tests can cut a transfer mid-way or make
the server answer 503 a few times. It sends Last-Modified (the file's
mtime) and answers a conditional GET (If-Modified-Since) with 304.

  http_server.py DIR PORTFILE [LOGFILE]

binds 127.0.0.1 on a free port, writes the port to PORTFILE, and logs one
JSON line per request (path, Range header, status, bytes sent, connection)
to LOGFILE. Faults are set with a POST to /_control whose JSON body is

  {"path": "pool/a.deb", "action": "cut", "after": 1000, "times": 1}
  {"path": "dists/x/InRelease", "action": "status", "code": 503, "times": 2}
  {"action": "clear"}

"cut" sends the headers for the whole file, then `after` bytes, then closes
the connection. Each fault applies to the next `times` requests of that path.
The hostile ones, for the download limits:

  {"path": "dists/x/InRelease", "action": "endless"}
      the file, then zeros until the client hangs up (no Content-Length);
      `extra` bounds the zeros (default 4 GiB)
  {"path": "pool/a.deb", "action": "extra", "extra": 100000}
      the file plus `extra` zero bytes, with a Content-Length to match
  {"path": "pool/a.deb", "action": "trickle", "rate": 2048}
      the file at `rate` bytes per second
  {"path": "pool/a.deb", "action": "stall", "after": 100, "seconds": 60}
      `after` bytes, then silence for `seconds`, then the rest
  {"path": "dists/x/InRelease", "action": "redirect", "times": 1000}
      302 to the same path: a redirect loop
The server exits after --lifetime seconds (default 1800) so a test that dies
never leaves it behind for long.
"""
import argparse
import email.utils
import http.server
import json
import os
import sys
import threading
import time

FAULTS = {}
LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def log_request_json(self, status, sent):
        if not self.server.logfile:
            return
        rec = {"path": self.path, "range": self.headers.get("Range"),
               "ims": self.headers.get("If-Modified-Since"),
               "status": status, "sent": sent,
               "peer": "%s:%d" % self.client_address}
        with LOCK, open(self.server.logfile, "a") as f:
            f.write(json.dumps(rec) + "\n")

    def do_POST(self):
        if self.path != "/_control":
            self.send_error(404)
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        req = json.loads(body or b"{}")
        with LOCK:
            if req.get("action") == "clear":
                FAULTS.clear()
            else:
                FAULTS["/" + req["path"].lstrip("/")] = req
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def take_fault(self, path):
        with LOCK:
            f = FAULTS.get(path)
            if not f:
                return None
            f["times"] = f.get("times", 1) - 1
            if f["times"] <= 0:
                del FAULTS[path]
            return dict(f)

    def not_modified_since(self, mtime):
        """Conditional GET: If-Modified-Since at or after the file's mtime."""
        ims = self.headers.get("If-Modified-Since")
        if not ims or self.headers.get("Range"):
            return False
        try:
            return mtime <= email.utils.parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError):
            return False

    def do_HEAD(self):
        self.serve(head=True)

    def do_GET(self):
        self.serve(head=False)

    def serve(self, head):
        path = self.path.split("?", 1)[0]
        fault = self.take_fault(path)
        if fault and fault.get("action") == "redirect":
            self.send_response(302)
            self.send_header("Location", self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.log_request_json(302, 0)
            return
        if fault and fault.get("action") == "status":
            code = int(fault.get("code", 503))
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.log_request_json(code, 0)
            return
        full = os.path.realpath(os.path.join(self.server.root, path.lstrip("/")))
        if not full.startswith(self.server.root + os.sep) or not os.path.isfile(full):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.log_request_json(404, 0)
            return
        size = os.path.getsize(full)
        mtime = int(os.path.getmtime(full))
        if self.not_modified_since(mtime):
            self.send_response(304)
            self.end_headers()
            self.log_request_json(304, 0)
            return
        start, status = 0, 200
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            if start >= size:
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % size)
                self.send_header("Content-Length", "0")
                self.end_headers()
                self.log_request_json(416, 0)
                return
            status = 206
        action = fault.get("action") if fault else None
        if action in ("endless", "extra", "trickle", "stall") and not head:
            self.serve_hostile(full, start, size, status, mtime, fault)
            return
        self.send_response(status)
        self.send_header("Content-Length", str(size - start))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Last-Modified", email.utils.formatdate(mtime, usegmt=True))
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, size - 1, size))
        self.end_headers()
        if head:
            self.log_request_json(status, 0)
            return
        limit = size - start
        if fault and fault.get("action") == "cut":
            limit = min(limit, int(fault.get("after", 0)))
        sent = 0
        with open(full, "rb") as f:
            f.seek(start)
            while sent < limit:
                chunk = f.read(min(65536, limit - sent))
                if not chunk:
                    break
                self.wfile.write(chunk)
                sent += len(chunk)
        self.log_request_json(status, sent)
        if fault and fault.get("action") == "cut":
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)

    def serve_hostile(self, full, start, size, status, mtime, fault):
        """Serves the file (from `start`) the way a hostile server would."""
        action = fault["action"]
        extra = int(fault.get("extra", 4 << 30))
        self.send_response(status)
        if action == "endless":
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(size - start + (
                extra if action == "extra" else 0)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Last-Modified", email.utils.formatdate(mtime, usegmt=True))
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, size - 1, size))
        self.end_headers()
        with open(full, "rb") as f:
            f.seek(start)
            data = f.read()
        sent = 0
        try:
            if action == "trickle":
                rate = max(1, int(fault.get("rate", 2048)))
                for i in range(0, len(data), rate):
                    self.wfile.write(data[i:i + rate])
                    self.wfile.flush()
                    sent += len(data[i:i + rate])
                    time.sleep(1)
            elif action == "stall":
                after = int(fault.get("after", 0))
                self.wfile.write(data[:after])
                self.wfile.flush()
                sent = len(data[:after])
                time.sleep(float(fault.get("seconds", 60)))
                self.wfile.write(data[after:])
                sent = len(data)
            else:
                self.wfile.write(data)
                sent = len(data)
                zeros = bytes(65536)
                while sent - len(data) < extra:
                    n = min(len(zeros), extra - (sent - len(data)))
                    self.wfile.write(zeros[:n])
                    sent += n
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        self.log_request_json(status, sent)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("portfile")
    ap.add_argument("logfile", nargs="?")
    ap.add_argument("--lifetime", type=float, default=1800)
    args = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.root = os.path.realpath(args.root)
    srv.logfile = args.logfile
    tmp = args.portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, args.portfile)
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
