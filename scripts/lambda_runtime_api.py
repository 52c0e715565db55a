#!/usr/bin/env python3
"""A minimal AWS Lambda Runtime API (2018-06-01), standard library only.

It serves the given event files to a function, one invocation at a time, as
the Lambda service does, and writes what the function answered as JSON
lines. Used by scripts/lambda-zip.sh to run the deployable `bootstrap`
outside AWS; nothing is downloaded, no AWS account is needed.

Routes:
  GET  /2018-06-01/runtime/invocation/next          the next event (long poll)
  POST /2018-06-01/runtime/invocation/{id}/response  the function's result
  POST /2018-06-01/runtime/invocation/{id}/error     the function's error
  POST /2018-06-01/runtime/init/error                the function failed to start

Each event is sent with the headers Lambda-Runtime-Aws-Request-Id,
Lambda-Runtime-Deadline-Ms, Lambda-Runtime-Invoked-Function-Arn and
Lambda-Runtime-Trace-Id (a fresh X-Ray trace id per invocation). When every
event is answered the server exits 0; the function's next long poll is left
hanging, as Lambda freezes a function between invocations.

Exit status: 0 all events answered (responses or function errors: the
results say which), 2 an invocation passed its deadline, 3 the function
reported an init error, 4 the function never asked for an event within
--start-timeout seconds, 6 stopped by SIGTERM/SIGINT (the results so far
are written, the rest as not_sent).

Results (--results, JSON lines, one per event in order): index, event,
request_id, trace_id, outcome (response, error, init_error, timeout,
not_sent), error_type (for errors), payload (the body the function posted,
as text) and duration_ms.

Usage:
  lambda_runtime_api.py [--host 127.0.0.1] [--port 0] [--port-file FILE]
      [--results FILE] [--timeout 25] [--start-timeout 60]
      [--function-name share-resolver] [--region us-east-1] EVENT_FILE...
"""

import argparse
import json
import os
import re
import secrets
import signal
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime"
MAX_PAYLOAD = 6 * 1024 * 1024  # Lambda's synchronous response limit.
ROUTE = re.compile(r"^/2018-06-01/runtime/invocation/([^/]+)/(response|error)$")


def trace_id():
    """An X-Ray trace header value as Lambda passes it."""
    return "Root=1-{:08x}-{};Parent={};Sampled=1".format(
        int(time.time()), secrets.token_hex(12), secrets.token_hex(8)
    )


class State:
    def __init__(self, events, timeout_s, arn):
        self.events = events  # [(name, bytes)]
        self.timeout_s = timeout_s
        self.arn = arn
        self.cond = threading.Condition()
        self.next_index = 0
        self.inflight = None  # dict of the invocation being handled
        self.results = []
        self.first_poll = None
        self.done = False
        self.exit_code = 0
        self.terminated = False  # SIGTERM/SIGINT: write what we have and stop

    def finish(self, code):
        """Stops serving events (caller holds the lock)."""
        if not self.done:
            self.done = True
            self.exit_code = code
        self.cond.notify_all()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "lambda-runtime-api-emulator"
    state = None  # set before serving

    def log_message(self, fmt, *args):  # quiet: the results file says it all
        pass

    def reply(self, status, body, headers=None):
        data = json.dumps(body).encode() if not isinstance(body, bytes) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self):
        st = self.state
        if self.path != PREFIX + "/invocation/next":
            return self.reply(404, {"errorType": "NotFound", "errorMessage": self.path})
        with st.cond:
            if st.first_poll is None:
                st.first_poll = time.monotonic()
                st.cond.notify_all()
            # One invocation at a time; after the last one, hang like a frozen sandbox.
            while st.done or st.inflight is not None or st.next_index >= len(st.events):
                st.cond.wait()
            index = st.next_index
            st.next_index += 1
            name, payload = st.events[index]
            inv = {
                "index": index,
                "event": name,
                "request_id": str(uuid.uuid4()),
                "trace_id": trace_id(),
                "started": time.monotonic(),
            }
            inv["deadline"] = inv["started"] + st.timeout_s
            st.inflight = inv
        deadline_ms = int((time.time() + st.timeout_s) * 1000)
        self.reply(200, payload, {
            "Lambda-Runtime-Aws-Request-Id": inv["request_id"],
            "Lambda-Runtime-Deadline-Ms": str(deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": st.arn,
            "Lambda-Runtime-Trace-Id": inv["trace_id"],
        })

    def do_POST(self):
        st = self.state
        body = self.read_body()
        if self.path == PREFIX + "/init/error":
            with st.cond:
                st.results.append({
                    "index": None, "event": None, "outcome": "init_error",
                    "error_type": self.headers.get("Lambda-Runtime-Function-Error-Type"),
                    "payload": body.decode("utf-8", "replace"),
                })
                st.finish(3)
            return self.reply(202, {"status": "OK"})
        m = ROUTE.match(self.path)
        if not m:
            return self.reply(404, {"errorType": "NotFound", "errorMessage": self.path})
        request_id, kind = m.groups()
        with st.cond:
            inv = st.inflight
            if inv is None or inv["request_id"] != request_id:
                return self.reply(400, {"errorType": "InvalidRequestID",
                                        "errorMessage": f"unknown or finished request id {request_id}"})
            if kind == "response" and len(body) > MAX_PAYLOAD:
                outcome, error_type = "error", "Function.ResponseSizeTooLarge"
            else:
                outcome = kind
                error_type = self.headers.get("Lambda-Runtime-Function-Error-Type") if kind == "error" else None
            st.results.append({
                "index": inv["index"], "event": inv["event"],
                "request_id": inv["request_id"], "trace_id": inv["trace_id"],
                "outcome": outcome, "error_type": error_type,
                "payload": body.decode("utf-8", "replace"),
                "duration_ms": round((time.monotonic() - inv["started"]) * 1000, 3),
            })
            st.inflight = None
            if st.next_index >= len(st.events):
                st.finish(0)
            st.cond.notify_all()
        if outcome == "error" and kind == "response":
            return self.reply(413, {"errorType": "RequestEntityTooLarge",
                                    "errorMessage": f"response of {len(body)} bytes over {MAX_PAYLOAD}"})
        return self.reply(202, {"status": "OK"})


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("events", nargs="+", metavar="EVENT_FILE")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0: any free port")
    p.add_argument("--port-file", help="write the port here once listening")
    p.add_argument("--results", help="JSON lines of the outcomes (default: stdout)")
    p.add_argument("--timeout", type=float, default=25.0, help="seconds per invocation")
    p.add_argument("--start-timeout", type=float, default=60.0,
                   help="seconds for the function's first GET .../next")
    p.add_argument("--function-name", default=os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "share-resolver"))
    p.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-1"))
    args = p.parse_args()

    events = []
    for path in args.events:
        with open(path, "rb") as f:
            events.append((os.path.basename(path), f.read()))
    arn = f"arn:aws:lambda:{args.region}:123456789012:function:{args.function_name}"
    state = State(events, args.timeout, arn)
    Handler.state = state
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def terminate(signum, frame):
        state.terminated = True

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)

    started = time.monotonic()
    with state.cond:
        while not state.done:
            now = time.monotonic()
            if state.terminated:
                state.finish(6)
                break
            if state.first_poll is None and now - started > args.start_timeout:
                state.finish(4)
                break
            inv = state.inflight
            if inv is not None and now > inv["deadline"]:
                state.results.append({
                    "index": inv["index"], "event": inv["event"],
                    "request_id": inv["request_id"], "trace_id": inv["trace_id"],
                    "outcome": "timeout", "error_type": "Sandbox.Timedout", "payload": "",
                    "duration_ms": round((now - inv["started"]) * 1000, 3),
                })
                state.finish(2)
                break
            state.cond.wait(0.1)
        answered = {r["index"] for r in state.results}
        for i, (name, _) in enumerate(events):
            if i not in answered:
                state.results.append({"index": i, "event": name, "outcome": "not_sent"})
        results = list(state.results)
        code = state.exit_code

    out = open(args.results, "w") if args.results else sys.stdout
    with out:
        for r in results:
            out.write(json.dumps(r) + "\n")
    server.server_close()
    sys.exit(code)


if __name__ == "__main__":
    main()
