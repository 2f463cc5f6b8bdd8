//! The emulator in-process, for Rust tests: [`Emulator::builder`] starts one on a free
//! loopback port of the test's own tokio runtime, and the handle it returns stops it when
//! dropped. Each has its own engine, clock and keys, so a test binary can run many at once.

use std::net::SocketAddr;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use hyper::Method;
use live_lifecycle::Config;
use live_lifecycle::time::parse_utc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::client::{self, Client, Error, encode_query, json, send};
use crate::{DEFAULT_KEY, Options, Server};

/// A running in-process emulator. Dropping it stops the server: the listener closes (the port
/// is free again) as soon as its task next runs, and requests in flight get up to 5 s.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let emulator = live_emulator::Emulator::builder().start().await?;
/// let (status, body) = emulator.client().call("ListEdgeTranscodeTemplate", &[("ClusterId", "c1")]).await?;
/// assert_eq!((status, body["TotalCount"].as_u64()), (200, Some(8)));
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Emulator {
    address: SocketAddr,
    keys: Vec<(String, String)>,
    /// How many requests the log keeps: what `requests` asks for.
    request_log: usize,
    /// Dropped with the handle, which ends `serve`.
    stop: oneshot::Sender<()>,
    served: JoinHandle<std::io::Result<()>>,
}

/// How to start an [`Emulator`]: its keys, clock, configuration and state file.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct EmulatorBuilder {
    options: Options,
}

/// A stream report for one task, as `POST /_emulator/fault` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// The pull from the source failed (`pull`).
    PullFailed,
    /// The push to the destination failed (`push`).
    PushFailed,
    /// Something else failed (`failed`).
    Failed,
    /// The stream recovered (`recover`).
    Recovered,
    /// A vod/url task finished its current file (`file-ended`).
    FileEnded,
}

impl Fault {
    /// The endpoint's `Kind`.
    pub fn kind(self) -> &'static str {
        match self {
            Self::PullFailed => "pull",
            Self::PushFailed => "push",
            Self::Failed => "failed",
            Self::Recovered => "recover",
            Self::FileEnded => "file-ended",
        }
    }
}

/// What `advance` did: the manual clock's new time and how many due transitions it applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Advanced {
    /// The manual clock's time now.
    pub now: DateTime<Utc>,
    /// How many timed transitions fell due and were applied.
    pub applied: u64,
}

/// One API request the emulator answered, as `GET /_emulator/requests` lists it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RequestRecord {
    /// When it was answered (the real clock).
    pub time: DateTime<Utc>,
    /// The AccessKeyId that signed it; empty when the gateway refused it before its
    /// signature held.
    pub access_key_id: String,
    /// The action it named; empty when it named none the gateway knows.
    pub action: String,
    /// The HTTP status of the reply.
    pub status: u16,
    /// The error code of the reply; empty for a success.
    pub code: String,
    /// How long it took, in milliseconds.
    pub latency_ms: f64,
}

impl RequestRecord {
    fn from_json(entry: &serde_json::Value) -> Option<Self> {
        let text = |name: &str| entry[name].as_str().map(str::to_owned);
        Some(Self {
            time: parse_utc(entry["Time"].as_str()?).ok()?,
            access_key_id: text("AccessKeyId")?,
            action: text("Action")?,
            status: u16::try_from(entry["Status"].as_u64()?).ok()?,
            code: text("Code")?,
            latency_ms: entry["LatencyMs"].as_f64()?,
        })
    }
}

impl EmulatorBuilder {
    /// A key pair it accepts (repeatable); each key is its own account, named by the key id.
    /// Without any, the default pair [`DEFAULT_KEY`].
    pub fn access_key(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.options.keys.push((id.into(), secret.into()));
        self
    }

    /// Time stands at `now` until [`Emulator::advance`] moves it; without it, the real clock.
    /// Signatures are checked against the real clock either way.
    pub fn manual_clock(mut self, now: DateTime<Utc>) -> Self {
        self.options.manual_clock = Some(now);
        self
    }

    /// The engine's configuration: limits, rates (`throttle`), strictness, templates.
    pub fn config(mut self, config: Config) -> Self {
        self.options.config = config;
        self
    }

    /// A snapshot loaded at start (if the file exists) and written when the server stops.
    pub fn state(mut self, path: impl Into<PathBuf>) -> Self {
        self.options.state = Some(path.into());
        self
    }

    /// How many recent API requests [`Emulator::requests`] can see (a ring; 1000 by default).
    pub fn request_log(mut self, size: usize) -> Self {
        self.options.request_log = size;
        self
    }

    /// Binds a free port of `127.0.0.1` and serves on a task of the current tokio runtime
    /// (so it must be called inside one, as a `#[tokio::test]` is). Fails as
    /// [`Server::bind`] does: an unreadable state file, a bad key id.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let mut options = self.options;
        options.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        if options.keys.is_empty() {
            options
                .keys
                .push((DEFAULT_KEY.0.to_owned(), DEFAULT_KEY.1.to_owned()));
        }
        let keys = options.keys.clone();
        let request_log = options.request_log;
        let server = Server::bind(options).await?;
        let address = server.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        // A send or the sender's drop, both mean stop.
        let served = tokio::spawn(server.serve(async move {
            let _ = stopped.await;
        }));
        Ok(Emulator {
            address,
            keys,
            request_log,
            stop,
            served,
        })
    }
}

impl Emulator {
    /// A builder with no key (the default pair), the real clock, `Config::default()` and no
    /// state file.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// `127.0.0.1:PORT`: the endpoint as the SDKs take it.
    pub fn endpoint(&self) -> String {
        self.address.to_string()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// The first key pair, `(AccessKeyId, AccessKeySecret)`: the one [`Emulator::client`]
    /// signs with.
    pub fn access_key(&self) -> (&str, &str) {
        self.keys
            .first()
            .map_or(DEFAULT_KEY, |(id, secret)| (id.as_str(), secret.as_str()))
    }

    /// A signing client of this emulator with the first key.
    pub fn client(&self) -> Client {
        let (id, secret) = self.access_key();
        Client::new(self.endpoint(), id, secret)
    }

    /// A signing client with the key `access_key_id`, if the emulator has it.
    pub fn client_for(&self, access_key_id: &str) -> Option<Client> {
        self.keys
            .iter()
            .find(|(id, _)| id == access_key_id)
            .map(|(id, secret)| Client::new(self.endpoint(), id.as_str(), secret.as_str()))
    }

    /// Moves the manual clock `seconds` forward and applies what fell due
    /// (`POST /_emulator/advance`); refused (`OperationDenied`) on the real clock.
    pub async fn advance(&self, seconds: u32) -> Result<Advanced, Error> {
        let seconds = seconds.to_string();
        let body = self
            .control(Method::POST, "/_emulator/advance", &[("Seconds", &seconds)])
            .await?;
        let now = body["Now"].as_str().and_then(|now| parse_utc(now).ok());
        match (now, body["Applied"].as_u64()) {
            (Some(now), Some(applied)) => Ok(Advanced { now, applied }),
            _ => Err(Error::NotJson {
                status: 200,
                body: body.to_string(),
            }),
        }
    }

    /// Reports `fault` for the task `task_id`, whichever key's account it belongs to
    /// (`POST /_emulator/fault`); refused when the task is unknown or in a state the report
    /// does not apply to.
    pub async fn fault(&self, task_id: &str, fault: Fault) -> Result<(), Error> {
        self.control(
            Method::POST,
            "/_emulator/fault",
            &[("TaskId", task_id), ("Kind", fault.kind())],
        )
        .await
        .map(drop)
    }

    /// Forgets every account's jobs, tasks, rate-limit windows and logged requests, as after
    /// a fresh start (`POST /_emulator/reset`). The clock, the keys and the used nonces stay.
    pub async fn reset(&self) -> Result<(), Error> {
        self.control(Method::POST, "/_emulator/reset", &[])
            .await
            .map(drop)
    }

    /// [`Emulator::reset`] for the account of one key only; refused (404) for a key the
    /// emulator does not have.
    pub async fn reset_key(&self, access_key_id: &str) -> Result<(), Error> {
        self.control(
            Method::POST,
            "/_emulator/reset",
            &[("AccessKeyId", access_key_id)],
        )
        .await
        .map(drop)
    }

    /// The API requests it answered, oldest first, as many as its log keeps (`GET
    /// /_emulator/requests`): refused ones included, the control calls not.
    pub async fn requests(&self) -> Result<Vec<RequestRecord>, Error> {
        self.logged(&[]).await
    }

    /// [`Emulator::requests`] signed by one key; refused (404) for a key the emulator does not
    /// have.
    pub async fn requests_of(&self, access_key_id: &str) -> Result<Vec<RequestRecord>, Error> {
        self.logged(&[("AccessKeyId", access_key_id)]).await
    }

    async fn logged(&self, filter: &[(&str, &str)]) -> Result<Vec<RequestRecord>, Error> {
        let limit = self.request_log.to_string();
        let mut params = filter.to_vec();
        params.push(("Limit", &limit));
        let body = self
            .control(Method::GET, "/_emulator/requests", &params)
            .await?;
        let unexpected = || Error::NotJson {
            status: 200,
            body: body.to_string(),
        };
        body["Requests"]
            .as_array()
            .ok_or_else(unexpected)?
            .iter()
            .map(|entry| RequestRecord::from_json(entry).ok_or_else(unexpected))
            .collect()
    }

    /// Stops the server and waits until it has: the port closed, requests in flight answered
    /// (up to 5 s), the state file written. Dropping the handle stops it without waiting.
    pub async fn shutdown(self) -> std::io::Result<()> {
        let Self { stop, served, .. } = self;
        let _ = stop.send(());
        served.await.map_err(std::io::Error::other)?
    }

    /// One call of an `/_emulator/` endpoint: its JSON reply, or `Refused` with its error body.
    async fn control(
        &self,
        method: Method,
        path: &str,
        params: &[(&str, &str)],
    ) -> Result<serde_json::Value, Error> {
        let query = encode_query(params.iter().copied());
        let target = if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        };
        let (status, reply) = send(&self.endpoint(), method, &target, &[]).await?;
        let body = json(status, reply)?;
        if status == 200 {
            Ok(body)
        } else {
            Err(client::Error::Refused { status, body })
        }
    }
}
