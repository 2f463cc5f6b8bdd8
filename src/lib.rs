//! # live-lifecycle
//!
//! A pure, no-I/O core that models the long-lived resources of Alibaba Cloud ApsaraVideo Live
//! (API 2016-11-01) as typed state machines: every call is validated and either applies its
//! transition or returns the documented error code with its HTTP status.
//!
//! The whole surface is the [`Engine`]: build it from a [`Config`], call an operation with the
//! caller's account, the request and `now`, and get the documented reply or a [`Rejection`]
//! that serializes to the documented error body.
//!
//! ```
//! use live_lifecycle::{Config, Engine, edge::*};
//!
//! let mut engine = Engine::new(Config::default());
//! let account = "1001".try_into().unwrap();
//! let now = "2024-01-01T00:00:00Z".parse().unwrap();
//! let req = GetEdgeTranscodeJobRequest { cluster_id: Some("cluster-1".into()), job_id: Some("nope".into()) };
//! let err = engine.get_edge_transcode_job(&account, &req, now).unwrap_err();
//! assert_eq!(err.http_status(), 404);
//! let body = serde_json::to_value(&err).unwrap();
//! assert_eq!(body["Code"], "JobNotFound");
//! ```
//!
//! [`Request`] holds a request of any of the 16 operations, and [`Engine::execute`] runs it
//! through the same method a typed caller calls. Servers can skip the typed requests:
//! [`Engine::handle_rpc`] takes the caller's account, the `Action` and the raw string
//! parameters, reads them into a `Request`, executes it, and returns a [`Reply`] with the HTTP
//! status, the error code and the exact JSON body, as in this handler (text, since the crate
//! does no I/O itself):
//!
//! ```text
//! fn handle(engine: &Mutex<Engine>, request: &HttpRequest) -> HttpResponse {
//!     let account = authenticate(request)?;                  // the server's job
//!     let params: Vec<(&str, &str)> = request.query_and_form_pairs();
//!     let action = request.header("x-acs-action").unwrap_or(""); // "" reads the Action parameter
//!     let reply = engine.lock().handle_rpc(&account, action, &params, Utc::now());
//!     for callback in reply.callbacks() {
//!         spawn_post(&callback.url, &callback.body);          // off the request path
//!     }
//!     HttpResponse::new(reply.status(), "application/json", reply.body())
//! }
//! ```
//!
//! ```
//! use live_lifecycle::{Config, Engine};
//!
//! let mut engine = Engine::new(Config::default());
//! let now = "2030-01-01T00:00:00Z".parse().unwrap();
//! let params = [("Action", "GetEdgeTranscodeJob"), ("Version", "2016-11-01"),
//!     ("ClusterId", "cluster-1"), ("JobId", "nope")];
//! let reply = engine.handle_rpc("1001", "", &params, now);
//! assert_eq!(reply.status(), 404);
//! assert!(reply.body().contains(r#""Code":"JobNotFound""#));
//! ```
//!
//! Two families share the engine: [`edge`] transcoding jobs (started and stopped by calls) and
//! [`pull_to_push`] tasks (also moved by time, through [`Engine::advance`], and by stream
//! reports, through [`Engine::report_stream`]).
//!
//! With the optional feature `auth`, the module `auth` verifies the gateway's request
//! signatures (V3 `ACS3-HMAC-SHA256` and V1 RPC `HMAC-SHA1`) and answers the gateway's
//! authentication errors, as one pure function: the `authenticate` step of the handler above.
//!
//! No I/O, no clock reads, no randomness, no threads: time comes in as `now`, ids come from a
//! replaceable [`ids::IdGenerator`], every change comes out as an [`Event`], and every
//! callback to deliver comes out as a [`pull_to_push::Callback`].

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[cfg(feature = "auth")]
pub mod auth;
mod check;
mod config;
pub mod edge;
mod engine;
mod error;
mod event;
pub mod ids;
mod operation;
pub mod pull_to_push;
mod state;
#[cfg(feature = "proptest")]
pub mod strategies;
mod stream_url;
mod throttle;
pub mod time;
mod timers;
mod wire;

pub use config::{Access, Config};
pub use engine::{Engine, ReplayError};
pub use error::{ApiError, Detail, Rejection};
pub use event::{Change, Event};
pub use operation::{ACTIONS, Request, Response};
pub use state::{Snapshot, State};
pub use stream_url::{MAX_URL_LEN, StreamUrl};
pub use throttle::{Rate, Throttle};
pub use wire::{
    API_VERSION, Format, MAX_NAME_BYTES, MAX_PARAMS, MAX_VALUE_BYTES, Reply, RpcCall, within_bounds,
};

/// The map of every keyed collection: a fixed hash (the core draws no randomness), so runs
/// repeat exactly; nothing written out depends on its order (snapshots are written sorted).
pub(crate) type Map<K, V> = rustc_hash::FxHashMap<K, V>;
