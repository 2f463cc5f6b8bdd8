//! A local ApsaraVideo Live emulator: the crate's engine behind a real HTTP endpoint that
//! Alibaba's own SDKs talk to.
//!
//! The command `live-emulator` (`src/main.rs`) parses its options into [`Options`] and runs
//! a [`Server`]; a Rust test can do the same in-process:
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! let options = live_emulator::Options {
//!     listen: "127.0.0.1:0".parse().expect("an address"),
//!     ..Default::default()
//! };
//! let server = live_emulator::Server::bind(options).await?;
//! let endpoint = server.local_addr()?;
//! tokio::spawn(server.serve(std::future::pending()));
//! # let _ = endpoint;
//! # Ok(())
//! # }
//! ```
//!
//! Endpoints: `GET` or `POST /` for the API (parameters in the query and, for POST, a form
//! body; the action and version from the `Action`/`Version` parameters or, for a V3 request
//! only, the `x-acs-action`/`x-acs-version` headers; the reply in JSON or XML as `Format`
//! asks, by default XML for V1 and JSON for V3), `POST /_emulator/advance?Seconds=N`, and
//! `POST /_emulator/fault?TaskId=…&Kind=pull|push|recover|failed|file-ended`.
//!
//! The core (`live-lifecycle`) does no I/O; everything that touches the network, the clock or
//! the disk is here.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use live_lifecycle::auth::{self, Credential, NonceMemory};
use live_lifecycle::ids::{AccountId, IdGenerator, IdKind, SeededIds, TaskId};
use live_lifecycle::pull_to_push::{Callback, ReportError, StreamReport};
use live_lifecycle::time::format_utc;
use live_lifecycle::{ACTIONS, API_VERSION, Config, Engine, Format, RpcCall, Snapshot};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

/// The seed of the request ids of calls refused at the gateway (a bad signature, say).
const GATEWAY_SEED: u64 = 0x6761_7465;

/// The key pair used when no `--access-key` is given.
pub const DEFAULT_KEY: (&str, &str) = ("LTAIemulatorDefaultKey", "emulator-default-secret");
/// The largest request body accepted.
const MAX_BODY: usize = 1024 * 1024;
/// How long one request may take, from its headers to its reply.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a callback POST may take, and how often it is tried.
const CALLBACK_TIMEOUT: Duration = Duration::from_secs(5);
const CALLBACK_ATTEMPTS: u32 = 3;
/// How long shutdown waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

type Body = Full<Bytes>;

/// Where time comes from.
#[derive(Debug, Clone, Copy)]
enum Clock {
    Real,
    Manual(DateTime<Utc>),
}

/// Everything the requests share, behind one lock (the engine is fast; no await while held).
struct Inner {
    engine: Engine,
    clock: Clock,
    keys: HashMap<String, Credential>,
    nonces: NonceMemory,
    /// How many calls the gateway refused before the engine saw them: their request ids
    /// come from a generator of their own.
    refused: u64,
}

impl Inner {
    /// A request id for a call refused at the gateway.
    fn refusal_id(&mut self) -> String {
        self.refused += 1;
        SeededIds::new(GATEWAY_SEED).generate(IdKind::Request, self.refused)
    }

    fn now(&self) -> DateTime<Utc> {
        match self.clock {
            Clock::Real => Utc::now(),
            Clock::Manual(t) => t,
        }
    }
}

struct Shared {
    emulator: Mutex<Inner>,
    callbacks: mpsc::UnboundedSender<Callback>,
}

impl Shared {
    /// The lock, also after a panic elsewhere: the engine never panics, and a poisoned lock
    /// should not take the whole emulator down.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.emulator.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Hands the engine's pending callbacks to the delivery worker.
    fn ship_callbacks(&self, emulator: &mut Inner) {
        for callback in emulator.engine.drain_callbacks() {
            // The worker lives as long as the server; if it is gone we are shutting down.
            let _ = self.callbacks.send(callback);
        }
    }
}

fn json_response(status: u16, body: String) -> Response<Body> {
    reply(status, Format::Json, body)
}

/// A reply of `status` with `body` in `format`, under the format's content type.
fn reply(status: u16, format: Format, body: String) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    response
}

/// An error body of the emulator's own endpoints, in the API's shape.
fn emulator_error(status: u16, code: &str, message: &str) -> Response<Body> {
    let body = serde_json::json!({
        "RequestId": "00000000-0000-0000-0000-000000000000",
        "HostId": "emulator",
        "Code": code,
        "Message": message,
    });
    json_response(status, body.to_string())
}

struct Handled {
    response: Response<Body>,
    action: String,
    account: String,
    code: String,
}

async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Handled {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return control(
                emulator_error(
                    413,
                    "InvalidParameter",
                    "The request body is larger than 1 MiB.",
                ),
                "InvalidParameter",
            );
        }
    };
    let mut signed = auth::Request::new(parts.method.as_str(), parts.uri.path())
        .with_raw_query(parts.uri.query().unwrap_or(""))
        .with_body(body.to_vec());
    for (name, value) in &parts.headers {
        if let Ok(value) = value.to_str() {
            signed = signed.with_header(name.as_str(), value);
        }
    }
    // Query pairs, then form fields of a form-encoded body, in arrival order.
    let params = signed.params();
    match (&parts.method, parts.uri.path()) {
        (&Method::POST, "/_emulator/advance") => advance(&shared, &params),
        (&Method::POST, "/_emulator/fault") => fault(&shared, &params),
        (&Method::GET | &Method::POST, "/") => api(&shared, &signed, &params),
        _ => control(
            emulator_error(
                404,
                "InvalidAction.NotFound",
                "Specified api is not found, please check your url and method.",
            ),
            "InvalidAction.NotFound",
        ),
    }
}

/// One API call: the gateway's checks, the signature, then the engine.
///
/// The scheme decides where the action and version come from and the reply's default format:
/// a V3 request may name them in the `x-acs-action`/`x-acs-version` headers, which its
/// signature covers, and is answered in JSON; a V1 request signs its parameters only, so its
/// `Action` and `Version` parameters are read and any such header is ignored, and it is
/// answered in XML unless it asks for `Format=JSON`, as Live's common-parameters page says.
fn api(shared: &Shared, signed: &auth::Request, params: &[(String, String)]) -> Handled {
    let scheme = auth::Scheme::of(signed);
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (action, version, default_format) = match scheme {
        auth::Scheme::V3 => (
            signed.header("x-acs-action").unwrap_or(""),
            signed.header("x-acs-version").unwrap_or(""),
            Format::Json,
        ),
        auth::Scheme::V1 => ("", "", Format::Xml),
    };
    if !version.is_empty() && !pairs.iter().any(|(k, _)| *k == "Version") {
        pairs.push(("Version", version));
    }
    let named = if action.is_empty() {
        param(params, "Action").unwrap_or("").to_owned()
    } else {
        action.to_owned()
    };
    let version_ok = param(params, "Version")
        .or((!version.is_empty()).then_some(version))
        .is_none_or(|v| v == API_VERSION);
    let format = Format::requested(&pairs, default_format);
    let mut emulator = shared.lock();
    let now = emulator.now();
    // The gateway looks the API up before it checks the signature: an unknown action or
    // version is answered as such whatever the signature. The engine answers those without
    // looking at the account.
    let account = if !ACTIONS.contains(&named.as_str()) || !version_ok {
        String::new()
    } else {
        let Inner { keys, nonces, .. } = &mut *emulator;
        // Signatures carry the client's real time: they are checked against the real clock
        // even when the engine runs on the manual one.
        match auth::verify(signed, keys, Utc::now(), nonces) {
            Ok(verified) => verified.account.as_str().to_owned(),
            Err(error) => {
                let request_id = emulator.refusal_id();
                let (format, body) = error.body(&request_id, "live.aliyuncs.com", format);
                return Handled {
                    code: error.code().to_owned(),
                    response: reply(error.http_status(), format, body),
                    action: named,
                    account: String::new(),
                };
            }
        }
    };
    let account_or_none = if account.is_empty() { "-" } else { &account };
    // The rate limits count real calls: the real clock, whatever the lifecycle runs on.
    let call = RpcCall::new(account_or_none, action, &pairs, now)
        .arrived_at(Utc::now())
        .default_format(default_format);
    let answer = emulator.engine.handle(call);
    shared.ship_callbacks(&mut emulator);
    Handled {
        response: reply(answer.status(), answer.format(), answer.body().to_owned()),
        action: named,
        account,
        code: answer.code().unwrap_or_default().to_owned(),
    }
}

fn control(response: Response<Body>, code: &str) -> Handled {
    Handled {
        response,
        action: String::new(),
        account: String::new(),
        code: code.to_owned(),
    }
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `POST /_emulator/advance?Seconds=N`: moves the manual clock and applies what fell due.
fn advance(shared: &Shared, params: &[(String, String)]) -> Handled {
    let mut emulator = shared.lock();
    let Clock::Manual(now) = emulator.clock else {
        return control(
            emulator_error(
                400,
                "OperationDenied",
                "The emulator runs on the real clock; start it with --manual-clock.",
            ),
            "OperationDenied",
        );
    };
    let Some(seconds) = param(params, "Seconds").and_then(|s| s.parse::<u32>().ok()) else {
        return control(
            emulator_error(
                400,
                "InvalidParameter",
                "Seconds must be a whole number of seconds, 0 or more.",
            ),
            "InvalidParameter",
        );
    };
    let now = now + TimeDelta::seconds(i64::from(seconds));
    emulator.clock = Clock::Manual(now);
    let applied = emulator.engine.advance(now);
    shared.ship_callbacks(&mut emulator);
    let body = serde_json::json!({ "Now": format_utc(&now), "Applied": applied });
    control(json_response(200, body.to_string()), "")
}

/// `POST /_emulator/fault?TaskId=…&Kind=…`: a stream report for one task, for tests.
fn fault(shared: &Shared, params: &[(String, String)]) -> Handled {
    let report = match param(params, "Kind") {
        Some("pull") => StreamReport::PullFailed,
        Some("push") => StreamReport::PushFailed,
        Some("failed") => StreamReport::Failed,
        Some("recover") => StreamReport::Recovered,
        Some("file-ended") => StreamReport::FileEnded,
        _ => {
            return control(
                emulator_error(
                    400,
                    "InvalidParameter",
                    "Kind must be pull, push, failed, recover or file-ended.",
                ),
                "InvalidParameter",
            );
        }
    };
    let Some(task_id) = param(params, "TaskId").and_then(|t| TaskId::try_from(t).ok()) else {
        return control(
            emulator_error(400, "MissingParameter", "TaskId is mandatory."),
            "MissingParameter",
        );
    };
    let mut emulator = shared.lock();
    let now = emulator.now();
    // The task belongs to one of the keys' accounts; the fault endpoint takes no signature.
    let accounts: Vec<AccountId> = emulator.keys.values().map(|c| c.account.clone()).collect();
    let mut outcome = Err(ReportError::UnknownTask);
    for account in &accounts {
        outcome = emulator
            .engine
            .report_stream(account, &task_id, report, now);
        if !matches!(outcome, Err(ReportError::UnknownTask)) {
            break;
        }
    }
    shared.ship_callbacks(&mut emulator);
    match outcome {
        Ok(()) => control(
            json_response(
                200,
                serde_json::json!({"TaskId": task_id.as_str()}).to_string(),
            ),
            "",
        ),
        Err(e) => control(
            emulator_error(400, "OperationDenied", &e.to_string()),
            "OperationDenied",
        ),
    }
}

/// Delivers callbacks off the request path: a bounded timeout per attempt, a few attempts,
/// and a log line when one cannot be delivered. One at a time, in the order the engine made
/// them, so a receiver sees a task's states in the order they happened: a POST each on its
/// own thread arrived out of order now and then (the SDK suite caught `Offline` before the
/// `Running` that came first).
async fn deliver_callbacks(mut queue: mpsc::UnboundedReceiver<Callback>) {
    let agent = ureq::AgentBuilder::new().timeout(CALLBACK_TIMEOUT).build();
    while let Some(callback) = queue.recv().await {
        let agent = agent.clone();
        let delivered = tokio::task::spawn_blocking(move || {
            let body = serde_json::to_string(&callback.body).unwrap_or_default();
            for attempt in 1..=CALLBACK_ATTEMPTS {
                match agent
                    .post(&callback.url)
                    .set("Content-Type", "application/json")
                    .send_string(&body)
                {
                    Ok(_) => return,
                    Err(e) if attempt == CALLBACK_ATTEMPTS => {
                        eprintln!(
                            "callback to {} failed after {attempt} attempts: {e}",
                            callback.url
                        );
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(500 * u64::from(attempt))),
                }
            }
        });
        // The next callback waits for this one (a worker that panicked has nothing to add).
        let _ = delivered.await;
    }
}

/// Applies due transitions on the real clock once a second, with no request needed.
async fn tick(shared: Arc<Shared>) {
    let mut interval = tokio::time::interval(Duration::from_secs(1));
    loop {
        interval.tick().await;
        let mut emulator = shared.lock();
        if let Clock::Real = emulator.clock {
            let now = Utc::now();
            emulator.engine.advance(now);
            shared.ship_callbacks(&mut emulator);
        }
    }
}

/// Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// The engine of `config`, restored from the snapshot at `state` when there is one.
fn load_engine(state: Option<&PathBuf>, config: Config) -> std::io::Result<Engine> {
    let Some(path) = state.filter(|p| p.exists()) else {
        return Ok(Engine::new(config));
    };
    let snapshot = std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str::<Snapshot>(&text).map_err(|e| e.to_string()))
        .map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("cannot read state {}: {e}", path.display()),
            )
        })?;
    eprintln!("loaded state from {}", path.display());
    Ok(Engine::restore(config, snapshot))
}

/// Writes the snapshot next to its final place, then renames it over: a crash mid-write
/// leaves the old state intact.
fn save_state(path: &PathBuf, snapshot: &Snapshot) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(snapshot)?)?;
    std::fs::rename(&tmp, path)
}

/// The emulator's settings: what the command line sets.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen; port 0 picks a free one.
    pub listen: SocketAddr,
    /// The keys it accepts, `(AccessKeyId, AccessKeySecret)`; each is its own account, named
    /// by the key id. Empty: the default pair, printed at start.
    pub keys: Vec<(String, String)>,
    /// Time stands here until `POST /_emulator/advance` moves it; `None`: the real clock.
    pub manual_clock: Option<DateTime<Utc>>,
    /// The snapshot loaded at start (if the file exists) and written at shutdown.
    pub state: Option<PathBuf>,
    /// The engine's configuration: limits, rates, strictness.
    pub config: Config,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            keys: Vec::new(),
            manual_clock: None,
            state: None,
            config: Config::default(),
        }
    }
}

/// A bound emulator, ready to serve: the state is loaded and the listener open.
pub struct Server {
    listener: TcpListener,
    shared: Arc<Shared>,
    state: Option<PathBuf>,
    callbacks: mpsc::UnboundedReceiver<Callback>,
}

impl Server {
    /// Loads the state and binds the listener; an error names what went wrong (an unreadable
    /// state file, a bad key id, an address in use).
    pub async fn bind(o: Options) -> std::io::Result<Self> {
        let mut keys = o.keys.clone();
        if keys.is_empty() {
            keys.push((DEFAULT_KEY.0.to_owned(), DEFAULT_KEY.1.to_owned()));
            eprintln!(
                "no --access-key given: using AccessKeyId={} AccessKeySecret={}",
                DEFAULT_KEY.0, DEFAULT_KEY.1
            );
        }
        let credentials: HashMap<String, Credential> = keys
            .iter()
            .map(|(id, secret)| {
                let account = AccountId::try_from(id.as_str()).map_err(|e| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        format!("bad access key id {id}: {e}"),
                    )
                })?;
                Ok((id.clone(), Credential::new(secret.clone(), account)))
            })
            .collect::<std::io::Result<_>>()?;
        let clock = o.manual_clock.map_or(Clock::Real, Clock::Manual);
        let (sender, receiver) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            emulator: Mutex::new(Inner {
                engine: load_engine(o.state.as_ref(), o.config.clone())?,
                clock,
                keys: credentials,
                nonces: NonceMemory::new(),
                refused: 0,
            }),
            callbacks: sender,
        });

        let listener = TcpListener::bind(o.listen).await?;
        Ok(Self {
            listener,
            shared,
            state: o.state,
            callbacks: receiver,
        })
    }

    /// Where it listens.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then closes idle connections, waits up to 5 s for
    /// requests in flight and writes the state.
    pub async fn serve(self, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
        let Self {
            listener,
            shared,
            state,
            callbacks,
        } = self;
        tokio::spawn(deliver_callbacks(callbacks));
        tokio::spawn(tick(shared.clone()));
        eprintln!("listening on http://{}", listener.local_addr()?);
        let mut connections = JoinSet::new();
        // Told to every connection at shutdown: an idle keep-alive connection closes at once, one
        // with a request in flight after its reply.
        let (stopping, stop) = watch::channel(false);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, _peer)) = accepted else { continue };
                    let shared = shared.clone();
                    let mut stop = stop.clone();
                    connections.spawn(async move {
                        let service = service_fn(move |request: Request<Incoming>| {
                            let shared = shared.clone();
                            async move {
                                let started = Instant::now();
                                let method = request.method().clone();
                                let path = request.uri().path().to_owned();
                                let handled = tokio::time::timeout(REQUEST_TIMEOUT, handle(shared, request)).await;
                                let handled = handled.unwrap_or_else(|_| control(
                                    emulator_error(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."),
                                    "ServiceUnavailable",
                                ));
                                eprintln!(
                                    "{method} {path} action={} account={} status={} code={} latency_ms={:.1}",
                                    handled.action,
                                    handled.account,
                                    handled.response.status().as_u16(),
                                    if handled.code.is_empty() { "-" } else { &handled.code },
                                    started.elapsed().as_secs_f64() * 1000.0,
                                );
                                Ok::<_, Infallible>(handled.response)
                            }
                        });
                        let connection = http1::Builder::new()
                            .timer(TokioTimer::new())
                            .header_read_timeout(REQUEST_TIMEOUT)
                            .serve_connection(TokioIo::new(stream), service);
                        tokio::pin!(connection);
                        tokio::select! {
                            _ = connection.as_mut() => {}
                            _ = stop.changed() => {
                                connection.as_mut().graceful_shutdown();
                                let _ = connection.await;
                            }
                        }
                    });
                }
                () = &mut shutdown => break,
            }
        }
        eprintln!("shutting down");
        drop(listener);
        let _ = stopping.send(true);
        let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
            while connections.join_next().await.is_some() {}
        })
        .await;
        connections.abort_all();
        if let Some(path) = &state {
            let snapshot = shared.lock().engine.snapshot();
            match save_state(path, &snapshot) {
                Ok(()) => eprintln!("state written to {}", path.display()),
                Err(e) => eprintln!("cannot write state to {}: {e}", path.display()),
            }
        }
        Ok(())
    }
}
