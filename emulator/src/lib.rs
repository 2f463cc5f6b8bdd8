//! A local ApsaraVideo Live emulator: the crate's engine behind a real HTTP endpoint that
//! Alibaba's own SDKs talk to.
//!
//! The command `live-emulator` (`src/main.rs`) parses its options into [`Options`] with
//! [`cli::parse_from`] and runs a [`Server`]; a Rust test can do the same in-process:
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
//! asks, by default XML for V1 and JSON for V3), and the control plane under `/_emulator/`
//! (`health`, `reset`, `state`, `requests`, `advance`, `fault`, `chaos`; the README's
//! "Control plane"), on loopback listeners only unless [`Options::control_token`] is set.
//!
//! The core (`live-lifecycle`) does no I/O; everything that touches the network, the clock or
//! the disk is here.

mod api;
mod builder;
mod callbacks;
mod chaos;
pub mod cli;
pub mod client;
mod control;
mod http;
mod journal;
mod persist;
mod shared;

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use hyper::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use live_lifecycle::Config;
use live_lifecycle::auth::{Credential, NonceMemory};
use live_lifecycle::ids::AccountId;
use live_lifecycle::pull_to_push::Callback;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

pub use crate::builder::{Advanced, Emulator, EmulatorBuilder, Fault, RequestRecord};
use crate::chaos::Chaos;
pub use crate::client::Client;
use crate::http::{handle, refused};
use crate::journal::{Entry, Journal};
use crate::shared::{Clock, Inner, Shared};

/// The key pair used when no `--access-key` is given.
pub const DEFAULT_KEY: (&str, &str) = ("LTAIemulatorDefaultKey", "emulator-default-secret");
/// How long one request may take, from its headers to its reply.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long shutdown waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

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

/// Ctrl-C, SIGTERM, SIGHUP or SIGQUIT.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{Signal, SignalKind, signal};
        // SIGTERM, SIGHUP and SIGQUIT as Ctrl-C: every terminating signal a process can catch
        // shuts the emulator down cleanly (its state written). A signal that cannot be
        // listened for is left to its default.
        async fn received(signal: &mut Option<Signal>) {
            match signal {
                Some(signal) => {
                    signal.recv().await;
                }
                None => std::future::pending().await,
            }
        }
        let mut term = signal(SignalKind::terminate()).ok();
        let mut hangup = signal(SignalKind::hangup()).ok();
        let mut quit = signal(SignalKind::quit()).ok();
        tokio::select! {
            _ = ctrl_c => {}
            () = received(&mut term) => {}
            () = received(&mut hangup) => {}
            () = received(&mut quit) => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// The emulator's settings: what the command line sets ([`cli::parse_from`]).
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
    /// The engine's configuration: limits, rates, strictness, the `HostId` of error bodies.
    pub config: Config,
    /// When set, every call under `/_emulator/` must carry `Authorization: Bearer TOKEN`,
    /// and the control plane answers on any listener; unset, it answers only on a loopback
    /// one.
    pub control_token: Option<String>,
    /// How many recent API requests `GET /_emulator/requests` keeps (a ring).
    pub request_log: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            keys: Vec::new(),
            manual_clock: None,
            state: None,
            config: Config::default(),
            control_token: None,
            request_log: 1000,
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
        if let Some(path) = &o.state {
            persist::check_writable(path)?;
        }
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
                engine: persist::load_engine(o.state.as_ref(), o.config.clone())?,
                clock,
                keys: credentials,
                nonces: NonceMemory::new(),
                refused: 0,
                config: o.config.clone(),
                journal: Journal::new(o.request_log),
                chaos: Chaos::new(),
            }),
            callbacks: sender,
            control_token: o.control_token.clone(),
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
        tokio::spawn(callbacks::deliver_callbacks(callbacks));
        // Stopped with the server, so a stopped in-process emulator holds nothing.
        let ticker = tokio::spawn(tick(shared.clone()));
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
                    // The control plane answers on a loopback listener only (without a token).
                    let loopback = stream.local_addr().is_ok_and(|a| a.ip().is_loopback());
                    let shared = shared.clone();
                    let mut stop = stop.clone();
                    connections.spawn(async move {
                        let service = service_fn(move |request: Request<Incoming>| {
                            let shared = shared.clone();
                            async move {
                                let started = Instant::now();
                                let method = request.method().clone();
                                let path = request.uri().path().to_owned();
                                let handled = tokio::time::timeout(REQUEST_TIMEOUT, handle(shared.clone(), request, loopback)).await;
                                let handled = handled.unwrap_or_else(|_| refused(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."));
                                let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
                                let status = handled.response.status().as_u16();
                                eprintln!(
                                    "{method} {path} action={} account={} status={status} code={} latency_ms={latency_ms:.1}",
                                    handled.action,
                                    handled.account,
                                    if handled.code.is_empty() { "-" } else { &handled.code },
                                );
                                if path == "/" {
                                    shared.lock().journal.record(Entry {
                                        time: Utc::now(),
                                        account: handled.account.clone(),
                                        action: handled.action.clone(),
                                        status,
                                        code: handled.code.clone(),
                                        latency_ms,
                                    });
                                }
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
        ticker.abort();
        if let Some(path) = &state {
            let snapshot = shared.lock().engine.snapshot();
            match persist::save_state(path, &snapshot) {
                Ok(()) => eprintln!("state written to {}", path.display()),
                Err(e) => eprintln!("cannot write state to {}: {e}", path.display()),
            }
        }
        Ok(())
    }
}
