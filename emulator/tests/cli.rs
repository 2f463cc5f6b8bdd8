//! The command line of `live-emulator` (issue #23), through the built binary: `--help`,
//! `--version`, a bad value of each option (one line on stderr, exit 2), and the effect of each
//! `LIVE_EMULATOR_*` variable on a running emulator, seen over HTTP.
//!
//! Every process is bounded in time and killed when its test ends, passed or failed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use live_lifecycle::auth::percent_encode;
use live_lifecycle::time::format_utc;
use serde_json::Value;
use sha1::Sha1;

const BIN: &str = env!("CARGO_BIN_EXE_live-emulator");
/// How long any process or request may take.
const TIMEOUT: Duration = Duration::from_secs(20);

/// Each option and its variable.
const OPTIONS: [(&str, &str); 12] = [
    ("--listen", "LIVE_EMULATOR_LISTEN"),
    ("--access-key", "LIVE_EMULATOR_ACCESS_KEY"),
    ("--manual-clock", "LIVE_EMULATOR_MANUAL_CLOCK"),
    ("--state", "LIVE_EMULATOR_STATE"),
    ("--host-id", "LIVE_EMULATOR_HOST_ID"),
    ("--max-jobs", "LIVE_EMULATOR_MAX_JOBS"),
    ("--max-running-jobs", "LIVE_EMULATOR_MAX_RUNNING_JOBS"),
    ("--max-tasks", "LIVE_EMULATOR_MAX_TASKS"),
    ("--no-throttle", "LIVE_EMULATOR_NO_THROTTLE"),
    ("--strict", "LIVE_EMULATOR_STRICT"),
    ("--control-token", "LIVE_EMULATOR_CONTROL_TOKEN"),
    ("--request-log", "LIVE_EMULATOR_REQUEST_LOG"),
];

const KEY_A: (&str, &str) = ("LTAIcliKeyA", "secret-a");
const KEY_B: (&str, &str) = ("LTAIcliKeyB", "secret-b");
const DEFAULT_KEY: (&str, &str) = live_emulator::DEFAULT_KEY;
const TEMPLATE: &str = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c02";

/// The command with `args` and only the `LIVE_EMULATOR_*` variables of `vars`.
fn command(args: &[&str], vars: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BIN);
    command.args(args).stdin(Stdio::null());
    for (_, variable) in OPTIONS {
        command.env_remove(variable);
    }
    command.envs(vars.iter().copied());
    command
}

/// A child process, killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn read_all(pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = BufReader::new(pipe).read_to_string(&mut text);
        text
    })
}

/// Runs the command to its end: (exit code, stdout, stderr).
fn run(args: &[&str], vars: &[(&str, &str)]) -> (i32, String, String) {
    let child = command(args, vars)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the emulator starts");
    let mut child = Killed(child);
    let stdout = read_all(child.0.stdout.take().expect("stdout"));
    let stderr = read_all(child.0.stderr.take().expect("stderr"));
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.0.try_wait().expect("its status") {
            break status;
        }
        assert!(Instant::now() < deadline, "{args:?} {vars:?} still runs");
        std::thread::sleep(Duration::from_millis(20));
    };
    let code = status.code().expect("an exit code");
    let stdout = stdout.join().expect("stdout read");
    let stderr = stderr.join().expect("stderr read");
    (code, stdout, stderr)
}

/// A running emulator on a free loopback port.
struct Emulator {
    addr: SocketAddr,
    /// What it printed on stderr before `listening on …`.
    startup: Vec<String>,
    _child: Killed,
}

impl Emulator {
    /// Starts it with `args` and `vars`, listening on `127.0.0.1:0` unless they say where,
    /// and waits for its `listening on http://ADDR` line.
    fn start(args: &[&str], vars: &[(&str, &str)]) -> Self {
        let mut command = command(args, vars);
        let listens = args.contains(&"--listen") || vars.iter().any(|(v, _)| *v == OPTIONS[0].1);
        if !listens {
            command.env(OPTIONS[0].1, "127.0.0.1:0");
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the emulator starts");
        let mut child = Killed(child);
        let stderr = child.0.stderr.take().expect("stderr");
        let (lines, received) = mpsc::channel();
        // Drains stderr for the process's whole life (a log line per request).
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + TIMEOUT;
        let mut startup = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = received.recv_timeout(left).unwrap_or_else(|e| {
                panic!("no `listening on` line ({e}) from {args:?} {vars:?}: {startup:?}")
            });
            if let Some(addr) = line.strip_prefix("listening on http://") {
                let addr = addr.parse().expect("the address it listens on");
                // Keep draining, else its log lines would fill the pipe.
                std::thread::spawn(move || for _ in received {});
                return Self {
                    addr,
                    startup,
                    _child: child,
                };
            }
            startup.push(line);
        }
    }

    /// `method target` with no body: (status, body as JSON).
    fn http(&self, method: &str, target: &str) -> (u16, Value) {
        let mut stream = TcpStream::connect_timeout(&self.addr, TIMEOUT).expect("a connection");
        stream.set_read_timeout(Some(TIMEOUT)).expect("a timeout");
        stream.set_write_timeout(Some(TIMEOUT)).expect("a timeout");
        write!(
            stream,
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            self.addr
        )
        .expect("the request sent");
        let mut reply = String::new();
        stream.read_to_string(&mut reply).expect("the reply");
        let (head, body) = reply.split_once("\r\n\r\n").expect("a head and a body");
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status");
        let body = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
        (status, body)
    }

    /// The API call `action` with `params`, signed with V1 by `key`, answered in JSON.
    fn call(&self, key: (&str, &str), action: &str, params: &[(&str, &str)]) -> (u16, Value) {
        static NONCE: AtomicU64 = AtomicU64::new(0);
        let nonce = format!(
            "cli-{}-{}",
            std::process::id(),
            NONCE.fetch_add(1, Ordering::Relaxed)
        );
        let timestamp = format_utc(&chrono::Utc::now());
        let mut all: Vec<(&str, &str)> = params.to_vec();
        all.extend([
            ("Action", action),
            ("Format", "JSON"),
            ("Version", "2016-11-01"),
            ("AccessKeyId", key.0),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("SignatureNonce", &nonce),
            ("Timestamp", &timestamp),
        ]);
        all.sort();
        let canonical = all
            .iter()
            .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        let to_sign = format!("GET&{}&{}", percent_encode("/"), percent_encode(&canonical));
        let mut mac =
            Hmac::<Sha1>::new_from_slice(format!("{}&", key.1).as_bytes()).expect("a key");
        mac.update(to_sign.as_bytes());
        let signature = STANDARD.encode(mac.finalize().into_bytes());
        self.http(
            "GET",
            &format!("/?{canonical}&Signature={}", percent_encode(&signature)),
        )
    }

    /// A pull-to-push task pushing to `dst`, from an hour from now for two hours.
    fn create_task(&self, key: (&str, &str), dst: &str) -> (u16, Value) {
        let now = chrono::Utc::now();
        let start = format_utc(&(now + chrono::TimeDelta::hours(1)));
        let end = format_utc(&(now + chrono::TimeDelta::hours(3)));
        self.call(
            key,
            "CreateLivePullToPush",
            &[
                ("Region", "cn-shanghai"),
                ("TaskName", "cli"),
                ("SourceType", "url"),
                ("SourceUrls", r#"["https://cdn.example.com/a.mp4"]"#),
                ("DstUrl", dst),
                ("StartTime", &start),
                ("EndTime", &end),
            ],
        )
    }

    /// An edge transcoding job on `cluster`: its id.
    fn create_job(&self, cluster: &str, name: &str) -> (u16, Value) {
        self.call(
            DEFAULT_KEY,
            "CreateEdgeTranscodeJob",
            &[
                ("ClusterId", cluster),
                ("Name", name),
                ("TemplateId", TEMPLATE),
                ("StreamInput", "rtmp://ingest.example.com/live/news"),
                ("StreamOutput", "rtmp://push.example.com/live/news_hd"),
            ],
        )
    }

    /// How many pull-to-push tasks `key`'s account has.
    fn task_count(&self, key: (&str, &str)) -> u64 {
        let (status, body) = self.call(
            key,
            "DescribeLivePullToPushList",
            &[("Region", "cn-shanghai")],
        );
        assert_eq!(status, 200, "{body}");
        body["Total"].as_u64().expect("a Total")
    }

    /// An unknown action, answered by the engine whatever the signature: its error body.
    fn error_body(&self) -> Value {
        let (status, body) = self.http("GET", "/?Action=NoSuchAction&Format=JSON");
        assert_eq!(status, 404, "{body}");
        body
    }
}

fn code(body: &Value) -> &str {
    body["Code"].as_str().unwrap_or("")
}

#[test]
fn help_lists_every_option_and_its_variable() {
    let (status, stdout, stderr) = run(&["--help"], &[]);
    assert_eq!(status, 0, "{stderr}");
    for (option, variable) in OPTIONS {
        assert!(stdout.contains(option), "--help names {option}:\n{stdout}");
        assert!(
            stdout.contains(variable),
            "--help names {variable}:\n{stdout}"
        );
    }
    for default in [
        "127.0.0.1:8080",
        "live.aliyuncs.com",
        "500",
        "50",
        "100",
        "1000",
    ] {
        assert!(
            stdout.contains(&format!("[default: {default}]")),
            "{default}"
        );
    }
    assert!(stdout.contains("--version"));
    assert!(
        stdout.contains("separated by commas"),
        "the separator of keys"
    );
    // The token's value is never shown.
    let (_, stdout, _) = run(&["--help"], &[("LIVE_EMULATOR_CONTROL_TOKEN", "hush-hush")]);
    assert!(!stdout.contains("hush-hush"));
}

#[test]
fn version_prints_the_crate_version() {
    let (status, stdout, _) = run(&["--version"], &[]);
    assert_eq!(status, 0);
    assert_eq!(
        stdout.trim(),
        format!("live-emulator {}", env!("CARGO_PKG_VERSION"))
    );
}

/// Exit 2, nothing on stdout, one line on stderr that contains each of `names`.
fn refused(args: &[&str], vars: &[(&str, &str)], names: &[&str]) {
    let (status, stdout, stderr) = run(args, vars);
    assert_eq!(status, 2, "{args:?} {vars:?}: {stderr}");
    assert!(stdout.is_empty(), "{args:?} {vars:?}: {stdout}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{args:?} {vars:?}: {stderr}");
    assert!(lines[0].starts_with("live-emulator: "), "{}", lines[0]);
    for name in names {
        assert!(
            lines[0].contains(name),
            "{args:?} {vars:?}: {name} in {}",
            lines[0]
        );
    }
}

#[test]
fn each_bad_option_value_is_one_line_and_exit_2() {
    for args in [
        &["--listen", "localhost"][..],
        &["--listen"],
        &["--access-key", "LTAInocolon"],
        &["--access-key", "LTAIempty:"],
        &["--access-key", "bad id:secret"],
        &["--access-key", "LTAIa:1", "--access-key", "LTAIa:2"],
        &["--manual-clock", "2030-01-01 00:00:00"],
        &["--manual-clock", "2030-02-30T00:00:00Z"],
        &["--state", ""],
        &["--host-id", ""],
        &["--max-jobs", "0"],
        &["--max-running-jobs", "-1"],
        &["--max-tasks", "many"],
        &["--max-tasks", "4294967296"],
        &["--no-throttle=yes"],
        &["--strict=1"],
        &["--control-token", "two words"],
        &["--control-token", ""],
        &["--request-log", "1000001"],
        &["--request-log", "-1"],
        &["--no-such-option"],
    ] {
        let option = args[0].split('=').next().unwrap_or_default();
        refused(args, &[], &[option]);
    }
    // A misspelled option gets clap's suggestion, still on one line.
    refused(
        &["--max-task", "1"],
        &[],
        &["--max-task", "did you mean '--max-tasks'?"],
    );
}

#[test]
fn each_bad_variable_value_is_one_line_naming_the_variable() {
    for (option, variable, value) in [
        ("--listen", "LIVE_EMULATOR_LISTEN", "nowhere"),
        (
            "--access-key",
            "LIVE_EMULATOR_ACCESS_KEY",
            "LTAIa:1,LTAInocolon",
        ),
        ("--manual-clock", "LIVE_EMULATOR_MANUAL_CLOCK", "tomorrow"),
        ("--max-jobs", "LIVE_EMULATOR_MAX_JOBS", "0"),
        ("--max-running-jobs", "LIVE_EMULATOR_MAX_RUNNING_JOBS", "-1"),
        ("--max-tasks", "LIVE_EMULATOR_MAX_TASKS", "x"),
        ("--no-throttle", "LIVE_EMULATOR_NO_THROTTLE", "maybe"),
        ("--strict", "LIVE_EMULATOR_STRICT", "maybe"),
        (
            "--control-token",
            "LIVE_EMULATOR_CONTROL_TOKEN",
            "two words",
        ),
        ("--request-log", "LIVE_EMULATOR_REQUEST_LOG", "lots"),
    ] {
        refused(&[], &[(variable, value)], &[option, variable]);
    }
}

#[test]
fn an_unreadable_state_or_a_taken_address_is_one_line_and_exit_2() {
    let dir = std::env::temp_dir().join(format!("live-emulator-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory");
    let state = dir.join("state.json");
    std::fs::write(&state, "not a snapshot").expect("a state file");
    let state = state.to_str().expect("a UTF-8 path");
    let key = format!("{}:{}", KEY_A.0, KEY_A.1);
    refused(
        &["--access-key", &key, "--state", state],
        &[],
        &["cannot read state", state],
    );
    // LIVE_EMULATOR_STATE is read the same way.
    refused(
        &["--access-key", &key],
        &[("LIVE_EMULATOR_STATE", state)],
        &["cannot read state", state],
    );
    // A state that could not be written at shutdown is refused at start, not found at exit.
    let nowhere = dir.join("no-such-directory").join("state.json");
    let nowhere = nowhere.to_str().expect("a UTF-8 path");
    refused(
        &["--access-key", &key, "--state", nowhere],
        &[],
        &["cannot write the state in", "no-such-directory"],
    );
    let taken = TcpListener::bind("127.0.0.1:0").expect("a port");
    let addr = taken.local_addr().expect("its address").to_string();
    refused(
        &["--access-key", &key, "--listen", &addr],
        &[],
        &["--listen", &addr],
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_flag_wins_over_its_variable() {
    let emulator = Emulator::start(
        &["--listen", "127.0.0.1:0", "--host-id", "from-the-flag"],
        &[
            ("LIVE_EMULATOR_LISTEN", "not an address"),
            ("LIVE_EMULATOR_HOST_ID", "from-the-variable"),
        ],
    );
    assert_eq!(emulator.error_body()["HostId"], "from-the-flag");
}

#[test]
fn host_id_variable_names_the_host_of_error_bodies() {
    let emulator = Emulator::start(&[], &[("LIVE_EMULATOR_HOST_ID", "x")]);
    assert_eq!(emulator.error_body()["HostId"], "x");
    let default = Emulator::start(&[], &[]);
    assert_eq!(default.error_body()["HostId"], "live.aliyuncs.com");
}

#[test]
fn max_tasks_variable_limits_the_tasks() {
    let emulator = Emulator::start(&[], &[("LIVE_EMULATOR_MAX_TASKS", "1")]);
    let (status, body) = emulator.create_task(DEFAULT_KEY, "rtmp://push.example.com/live/a");
    assert_eq!(status, 200, "{body}");
    let (status, body) = emulator.create_task(DEFAULT_KEY, "rtmp://push.example.com/live/b");
    assert_eq!(
        (status, code(&body)),
        (400, "CodeTaskLimitExceeded"),
        "{body}"
    );
}

#[test]
fn max_jobs_variables_limit_the_jobs() {
    let emulator = Emulator::start(
        &[],
        &[
            ("LIVE_EMULATOR_MAX_JOBS", "2"),
            ("LIVE_EMULATOR_MAX_RUNNING_JOBS", "1"),
        ],
    );
    let mut jobs = Vec::new();
    for (cluster, name) in [("cluster-1", "a"), ("cluster-2", "b")] {
        let (status, body) = emulator.create_job(cluster, name);
        assert_eq!(status, 200, "{body}");
        let job = body["JobId"].as_str().expect("a JobId").to_owned();
        jobs.push((cluster, job));
    }
    let (status, body) = emulator.create_job("cluster-1", "c");
    assert_eq!((status, code(&body)), (403, "UserQuotaExceed"), "{body}");
    let start = |(cluster, job): &(&str, String)| {
        emulator.call(
            DEFAULT_KEY,
            "StartEdgeTranscodeJob",
            &[("ClusterId", cluster), ("JobId", job)],
        )
    };
    let (status, body) = start(&jobs[0]);
    assert_eq!(status, 200, "{body}");
    let (status, body) = start(&jobs[1]);
    assert_eq!((status, code(&body)), (400, "UserTaskExceed"), "{body}");
}

#[test]
fn no_throttle_variable_lifts_the_rate_limits() {
    let list = |emulator: &Emulator| {
        emulator.call(
            DEFAULT_KEY,
            "DescribeLivePullToPushList",
            &[("Region", "cn-shanghai")],
        )
    };
    // 10 calls a second of each pull-to-push operation: calls in a burst meet the limit.
    let throttled = Emulator::start(&[], &[]);
    let met = (0..100).any(|_| code(&list(&throttled).1) == "Throttling.User");
    assert!(met, "the default emulator throttles");

    let free = Emulator::start(&[], &[("LIVE_EMULATOR_NO_THROTTLE", "1")]);
    for _ in 0..40 {
        let (status, body) = list(&free);
        assert_eq!(status, 200, "{body}");
    }
}

#[test]
fn access_key_variable_takes_several_keys_each_its_own_account() {
    let keys = format!("{}:{},{}:{}", KEY_A.0, KEY_A.1, KEY_B.0, KEY_B.1);
    let emulator = Emulator::start(&[], &[("LIVE_EMULATOR_ACCESS_KEY", &keys)]);
    assert!(
        !emulator
            .startup
            .iter()
            .any(|l| l.contains("no --access-key")),
        "{:?}",
        emulator.startup
    );
    let (status, body) = emulator.create_task(KEY_A, "rtmp://push.example.com/live/a");
    assert_eq!(status, 200, "{body}");
    assert_eq!(emulator.task_count(KEY_A), 1);
    assert_eq!(emulator.task_count(KEY_B), 0, "accounts apart");
    // With keys given, the default pair is not accepted.
    let (status, body) = emulator.call(
        DEFAULT_KEY,
        "DescribeLivePullToPushList",
        &[("Region", "cn-shanghai")],
    );
    assert_ne!(status, 200, "{body}");
    // A key's secret is checked.
    let (status, body) = emulator.call(
        (KEY_B.0, KEY_A.1),
        "DescribeLivePullToPushList",
        &[("Region", "cn-shanghai")],
    );
    assert_eq!(
        (status, code(&body)),
        (400, "SignatureDoesNotMatch"),
        "{body}"
    );
}

#[test]
fn manual_clock_variable_stops_time() {
    let emulator = Emulator::start(
        &[],
        &[("LIVE_EMULATOR_MANUAL_CLOCK", "2030-01-01T00:00:00Z")],
    );
    let (status, body) = emulator.http("POST", "/_emulator/advance?Seconds=0");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Now"], "2030-01-01T00:00:00Z");
    let (_, body) = emulator.http("POST", "/_emulator/advance?Seconds=90");
    assert_eq!(body["Now"], "2030-01-01T00:01:30Z");
    // Without it, the real clock, which the endpoint does not move.
    let real = Emulator::start(&[], &[]);
    let (status, body) = real.http("POST", "/_emulator/advance?Seconds=0");
    assert_eq!(status, 400, "{body}");
}

#[test]
fn strict_variable_refuses_what_the_crate_infers_is_a_mistake() {
    // A second task on the destination of another: only a strict emulator refuses it.
    let dst = "rtmp://push.example.com/live/same";
    let strict = Emulator::start(&[], &[("LIVE_EMULATOR_STRICT", "true")]);
    let lenient = Emulator::start(&[], &[("LIVE_EMULATOR_STRICT", "0")]);
    for emulator in [&strict, &lenient] {
        let (status, body) = emulator.create_task(DEFAULT_KEY, dst);
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = strict.create_task(DEFAULT_KEY, dst);
    assert_eq!((status, code(&body)), (400, "CodeDstUrlOccupied"), "{body}");
    let (status, body) = lenient.create_task(DEFAULT_KEY, dst);
    assert_eq!(status, 200, "{body}");
}

#[test]
fn listen_variable_picks_the_address() {
    let emulator = Emulator::start(&[], &[("LIVE_EMULATOR_LISTEN", "127.0.0.1:0")]);
    assert!(emulator.addr.ip().is_loopback());
    assert_ne!(emulator.addr.port(), 0);
    assert_eq!(emulator.error_body()["Code"], "InvalidAction.NotFound");
}

#[test]
fn control_token_and_request_log_variables_are_read() {
    // Their effect belongs to the control plane; here, that a good value starts it.
    let emulator = Emulator::start(
        &[],
        &[
            ("LIVE_EMULATOR_CONTROL_TOKEN", "s3cr3t-token"),
            ("LIVE_EMULATOR_REQUEST_LOG", "0"),
        ],
    );
    assert_eq!(emulator.error_body()["Code"], "InvalidAction.NotFound");
}

/// SIGTERM, SIGHUP, SIGQUIT and SIGINT each shut the emulator down cleanly: exit 0, the state
/// written.
#[cfg(unix)]
#[test]
fn every_terminating_signal_writes_the_state() {
    let dir = std::env::temp_dir().join(format!("live-emulator-signals-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory");
    let key = format!("{}:{}", KEY_A.0, KEY_A.1);
    for signal in ["TERM", "HUP", "QUIT", "INT"] {
        let state = dir.join(format!("{signal}.json"));
        let state_arg = state.to_str().expect("a UTF-8 path");
        let emulator = Emulator::start(&["--access-key", &key, "--state", state_arg], &[]);
        let pid = emulator._child.0.id().to_string();
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "kill -{signal}");
        let mut child = emulator._child;
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(status) = child.0.try_wait().expect("its status") {
                break status;
            }
            assert!(Instant::now() < deadline, "SIG{signal}: still runs");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(0), "SIG{signal}");
        let written = std::fs::read_to_string(&state).expect("the state was written");
        serde_json::from_str::<live_lifecycle::Snapshot>(&written).expect("a snapshot");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
