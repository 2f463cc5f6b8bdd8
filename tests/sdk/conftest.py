"""Starts the emulator for the SDK suite and stops it afterwards, also when a test fails.

The emulator binary comes from EMULATOR_BIN (set by tests/sdk.rs, which `cargo test` runs)
or is built with `cargo build --example emulator`; its stderr goes to EMULATOR_LOG, or to
`sdk-emulator.log` in the `tmp` directory of Cargo's target directory. It listens on a free
loopback port, runs on a manual clock, and accepts two keys, each its own account.
"""

import json
import os
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from alibabacloud_live20161101.client import Client
from alibabacloud_tea_openapi import models as open_api_models

CRATE = Path(__file__).resolve().parents[2]
START = "2030-01-01T09:00:00Z"
KEY_A = ("LTAIsdkSuiteKeyA", "secret-of-account-a")
KEY_B = ("LTAIsdkSuiteKeyB", "secret-of-account-b")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def emulator_binary():
    given = os.environ.get("EMULATOR_BIN")
    if given:
        return given
    # Cargo's JSON messages say where the example went, whatever the target directory is.
    built = subprocess.run(
        ["cargo", "build", "--example", "emulator", "--message-format=json-render-diagnostics"],
        cwd=CRATE, check=True, stdout=subprocess.PIPE, text=True,
    )
    for line in built.stdout.splitlines():
        message = json.loads(line)
        target = message.get("target", {})
        if (
            message.get("reason") == "compiler-artifact"
            and target.get("name") == "emulator"
            and "example" in target.get("kind", [])
        ):
            return message["executable"]
    raise RuntimeError("cargo build --example emulator reported no executable")


def emulator_log():
    """EMULATOR_LOG (set by tests/sdk.rs to a file in CARGO_TARGET_TMPDIR), or the same file
    in the `tmp` directory of the crate's target directory as Cargo resolves it."""
    given = os.environ.get("EMULATOR_LOG")
    if given:
        path = Path(given)
    else:
        metadata = subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--no-deps"],
            cwd=CRATE, check=True, stdout=subprocess.PIPE, text=True,
        )
        path = Path(json.loads(metadata.stdout)["target_directory"]) / "tmp" / "sdk-emulator.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


class Emulator:
    def __init__(self, port):
        self.port = port
        self.endpoint = f"127.0.0.1:{port}"
        self.now = START

    def control(self, path):
        request = urllib.request.Request(f"http://{self.endpoint}{path}", method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return json.loads(reply.read())
        except urllib.error.HTTPError as e:
            return json.loads(e.read())

    def advance(self, seconds):
        """Moves the manual clock; returns the new time."""
        reply = self.control(f"/_emulator/advance?Seconds={seconds}")
        self.now = reply["Now"]
        return self.now

    def fault(self, task_id, kind):
        return self.control(f"/_emulator/fault?TaskId={task_id}&Kind={kind}")

    def client(self, key=KEY_A, secret=None, v1=False):
        config = open_api_models.Config(
            access_key_id=key[0],
            access_key_secret=secret if secret is not None else key[1],
            endpoint=self.endpoint,
            protocol="http",
            region_id="cn-shanghai",
            read_timeout=10000,
            connect_timeout=5000,
        )
        if v1:
            # The older RPC scheme: HMAC-SHA1 over the canonicalised query.
            config.signature_algorithm = "v2"
        return Client(config)


@pytest.fixture(scope="session")
def emulator():
    port = free_port()
    log_path = emulator_log()
    log = open(log_path, "w")
    process = subprocess.Popen(
        [
            emulator_binary(),
            "--listen", f"127.0.0.1:{port}",
            "--manual-clock", START,
            "--access-key", f"{KEY_A[0]}:{KEY_A[1]}",
            "--access-key", f"{KEY_B[0]}:{KEY_B[1]}",
        ],
        stderr=log,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"the emulator did not start; see {log_path}")
                time.sleep(0.1)
        yield Emulator(port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(autouse=True)
def fresh_second(emulator):
    """Each test starts in a new second of the manual clock, so the pull-to-push rate limit
    (10 calls a second per account) counts each test's calls on their own."""
    emulator.advance(1)


class Receiver:
    """A local HTTP server that records the callbacks POSTed to it."""

    def __init__(self):
        self.received = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                with receiver.lock:
                    receiver.received.append({"path": self.path, "body": body})
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, count, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        with self.lock:
            return list(self.received)

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()
