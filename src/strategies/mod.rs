//! Proptest strategies for property tests of code that uses or imitates the API (feature
//! `proptest`).
//!
//! - Valid requests of each of the 16 operations, by the README's parameter rules
//!   ([`create_edge_transcode_job`], …, [`restart_live_pull_to_push`]), and of any of them as
//!   a [`Request`] ([`valid_request`]). The pull-to-push Create and Update take the `now`
//!   their times must be valid at.
//! - Invalid calls of a chosen kind ([`invalid`] with an [`Invalid`]): each [`Scenario`]
//!   fails with exactly the code it names, `WrongState` after a setup that brings its job or
//!   task into a state that refuses the call.
//! - Raw wire calls, `(action, params)`, for [`Engine::handle_rpc`](crate::Engine::handle_rpc):
//!   valid ones ([`valid_wire`]) and arbitrary ones ([`arbitrary_wire`]).
//! - Whole call sequences ([`calls`]) of [`Call`]s: requests aimed mostly at the jobs and
//!   tasks the sequence created (a [`Target`] index resolved when the call runs), time
//!   passing and stream reports, run by a [`Session`] that gives each call's [`Outcome`].
//!
//! Everything is drawn for an engine built with `Config::default()` (its template catalogue,
//! its seven-day window); nothing reads a clock.
//!
//! ```
//! use live_lifecycle::strategies::{calls, Session};
//! use live_lifecycle::{Config, Engine};
//! use proptest::prelude::*;
//!
//! let now = "2030-01-01T00:00:00Z".parse().unwrap();
//! let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(4));
//! runner
//!     .run(&calls(now, 1..20), |sequence| {
//!         let mut engine = Engine::new(Config::default());
//!         let mut session = Session::new("1001".try_into().unwrap(), now);
//!         for call in &sequence {
//!             session.apply(&mut engine, call);
//!             prop_assert!(engine.state().invariants_hold());
//!         }
//!         Ok(())
//!     })
//!     .unwrap();
//! ```

mod calls;
mod edge;
mod fields;
mod invalid;
mod outcome;
mod pull_to_push;
mod request;
mod wire;

pub use calls::{Call, Session, Target, call, calls};
pub use edge::{
    create_edge_transcode_job, delete_edge_transcode_job, get_edge_transcode_job,
    get_edge_transcode_template, list_edge_transcode_job, list_edge_transcode_template,
    start_edge_transcode_job, stop_edge_transcode_job, update_edge_transcode_job,
};
pub use invalid::{Invalid, Scenario, invalid};
pub use outcome::Outcome;
pub use pull_to_push::{
    create_live_pull_to_push, delete_live_pull_to_push, describe_live_pull_to_push,
    describe_live_pull_to_push_list, restart_live_pull_to_push, stop_live_pull_to_push,
    update_live_pull_to_push,
};
pub use request::{Request, valid_request};
pub use wire::{arbitrary_wire, pairs, valid_wire};
