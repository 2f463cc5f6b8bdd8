"""What the Python SDK suites share (tests/sdk and tests/sdk_legacy): the emulator process, its
control endpoints, a receiver of callbacks, the wait for a fresh real second, and the fixtures
built on them.

Each suite's conftest.py puts this directory on sys.path and takes its fixtures from here; the
SDK clients stay in the suites (a subclass of Emulator adds them), so this module imports no
SDK.

The emulator binary comes from EMULATOR_BIN (set by tests/sdk.rs, which `cargo test` runs) or
is built with `cargo build -p live-emulator`. Each emulator writes its stderr to a log named
by its caller in EMULATOR_LOG_DIR (tests/sdk.rs sets CARGO_TARGET_TMPDIR), or else in the
`tmp` directory of Cargo's target directory. It listens on a free loopback port, runs on a
manual clock, and accepts two keys, each its own account.
"""

import contextlib
import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

CRATE = Path(__file__).resolve().parents[2]
START = "2030-01-01T09:00:00Z"
KEY_A = ("LTAIsdkSuiteKeyA", "secret-of-account-a")
KEY_B = ("LTAIsdkSuiteKeyB", "secret-of-account-b")
# Every HTTP call of the suites gives up after this many seconds.
TIMEOUT = 10
# Two templates of the emulator's default catalogue: common-h264-720p and its 1080p sibling.
TEMPLATE = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01"
TEMPLATE_1080P = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c02"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def emulator_binary():
    given = os.environ.get("EMULATOR_BIN")
    if given:
        return given
    # Cargo's JSON messages say where the binary went, whatever the target directory is.
    built = subprocess.run(
        ["cargo", "build", "-p", "live-emulator", "--bin", "live-emulator", "--message-format=json-render-diagnostics"],
        cwd=CRATE, check=True, stdout=subprocess.PIPE, text=True,
    )
    for line in built.stdout.splitlines():
        message = json.loads(line)
        target = message.get("target", {})
        if (
            message.get("reason") == "compiler-artifact"
            and target.get("name") == "live-emulator"
            and "bin" in target.get("kind", [])
        ):
            return message["executable"]
    raise RuntimeError("cargo build -p live-emulator reported no executable")


def log_path(name):
    """`name` in EMULATOR_LOG_DIR, or in the `tmp` directory of the crate's target directory
    as Cargo resolves it."""
    given = os.environ.get("EMULATOR_LOG_DIR")
    if given:
        directory = Path(given)
    else:
        metadata = subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--no-deps"],
            cwd=CRATE, check=True, stdout=subprocess.PIPE, text=True,
        )
        directory = Path(json.loads(metadata.stdout)["target_directory"]) / "tmp"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / name


class Emulator:
    """A running emulator: where it listens, and its control endpoints."""

    def __init__(self, port, process):
        self.port = port
        self.process = process
        self.endpoint = f"127.0.0.1:{port}"
        self.now = START

    def control(self, path):
        request = urllib.request.Request(f"http://{self.endpoint}{path}", method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as reply:
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

    def window(self, start_in, length):
        """StartTime and EndTime, `start_in` seconds after the manual clock's now and `length`
        seconds apart."""
        start = utc(self.now) + timedelta(seconds=start_in)
        return start.strftime(TIME_FORMAT), (start + timedelta(seconds=length)).strftime(TIME_FORMAT)


def utc(text):
    """A time of the API (`yyyy-MM-ddTHH:mm:ssZ`) as a datetime."""
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=timezone.utc)


def xml_document(content_type, body, root):
    """The XML document of a reply, checked for its Content-Type, its declaration, its root
    element `root` and a RequestId. `body` as received, text or bytes."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    assert content_type == "text/xml;charset=utf-8", (content_type, text)
    assert text.startswith(XML_DECLARATION), text
    document = ET.fromstring(text.encode("utf-8"))
    assert document.tag == root, text
    assert document.findtext("RequestId"), text
    return document


@contextlib.contextmanager
def running_emulator(log_name, *options, keys=(KEY_A, KEY_B), kind=Emulator):
    """Starts the emulator on a free loopback port with the manual clock at START, the `keys`
    and any further command-line `options`; yields a `kind` (Emulator or a suite's subclass
    that adds its SDK's clients) once it accepts connections, and stops the process on the way
    out, also when the body fails. Its stderr goes to `log_name` (see log_path), or nowhere
    when `log_name` is None."""
    port = free_port()
    path = log_path(log_name) if log_name else None
    with contextlib.ExitStack() as stack:
        log = stack.enter_context(open(path, "w")) if path else subprocess.DEVNULL
        command = [emulator_binary(), "--listen", f"127.0.0.1:{port}", "--manual-clock", START]
        for key_id, secret in keys:
            command += ["--access-key", f"{key_id}:{secret}"]
        process = subprocess.Popen(command + list(options), stderr=log)
        stack.callback(stop, process)
        deadline = time.time() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"the emulator did not start; see {path or 'its stderr'}")
                time.sleep(0.1)
        yield kind(port, process)


def stop(process):
    """SIGTERM (the emulator's graceful shutdown), then SIGKILL if it takes too long; returns
    the exit status."""
    if process.poll() is None:
        process.terminate()
    try:
        return process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait(timeout=15)


def at_a_fresh_real_second():
    """Sleeps until just after a whole second of the real clock begins, and returns that
    second. The throttle counts calls in windows aligned on whole real seconds (and minutes),
    even when the emulator's engine runs on the manual clock."""
    now = time.time()
    time.sleep(1 - now % 1 + 0.01)
    return int(time.time())


class Receiver:
    """A local HTTP server that records the callbacks POSTed to it."""

    def __init__(self):
        self.received = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            timeout = TIMEOUT

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

    def wait_for(self, count, timeout=TIMEOUT):
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
        self.server.server_close()


def emulator_fixtures(suite, kind):
    """A suite's two session fixtures, for its conftest to bind to their names:
    `emulator`, which runs with `--no-throttle` so that no test depends on how many calls the
    tests before it made in the same real second, and `throttled_emulator`, with the limits
    on, for the throttle tests (started only if one runs). Their logs are `<suite>-*.log`."""

    @pytest.fixture(scope="session", name="emulator")
    def emulator():
        with running_emulator(f"{suite}-emulator.log", "--no-throttle", kind=kind) as running:
            yield running

    @pytest.fixture(scope="session", name="throttled_emulator")
    def throttled_emulator():
        with running_emulator(f"{suite}-throttled-emulator.log", kind=kind) as running:
            yield running

    return emulator, throttled_emulator


@pytest.fixture
def receiver():
    """A Receiver for one test."""
    r = Receiver()
    yield r
    r.close()
