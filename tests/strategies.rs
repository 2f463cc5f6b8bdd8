//! The proptest strategies of `live_lifecycle::strategies` (feature `proptest`), held to
//! what their docs promise, against the engine itself:
//!
//! 1. `valid_requests_meet_a_fresh_engine_as_documented`: every valid request of each of
//!    the 16 operations, at a `now` drawn with a fraction of a second, passes `validate(now)`
//!    and, on a fresh engine, the creations, lists and template reads succeed while the
//!    calls on one job or task answer exactly `JobNotFound` / `CodeTaskNotExist` (a code of
//!    its `state_codes()`); rendered to the wire (`Request::params`), `handle_rpc` on a twin
//!    engine answers the same status and the same body. All 16 operations are drawn.
//! 2. `invalid_scenarios_fail_with_their_kind`: every scenario of each `Invalid` kind ends
//!    in exactly its code, one of its kind's; its setup calls all succeed; for the stateless
//!    kinds `validate(now)` gives that code too (but for a Create window longer than the
//!    default seven days, which only the engine refuses) and so does the wire. Missing and
//!    Malformed reach all 16 operations, IllegalDuration both, WrongState all three codes.
//! 3. `valid_wire_calls_answer_as_documented`: the wire pairs of `valid_wire` (action in the
//!    header or as a parameter, common parameters, any order) answer 200 or the not-found
//!    code on a fresh engine.
//! 4. `arbitrary_wire_calls_never_break_the_engine`: sequences of `arbitrary_wire` calls
//!    always get a JSON body with a `RequestId`, a documented status, never a 500, and the
//!    invariants hold; some succeed and some are refused.
//! 5. `call_sequences_keep_invariants_and_hit_their_targets`: sequences of `calls` run by a
//!    `Session` never panic, the invariants hold after every call, every request validates at
//!    the session's clock as it is sent, a refusal is one of the request's `state_codes()`,
//!    more than half of the calls naming a job or task find it, and every operation
//!    succeeds somewhere.
//! 6. `state_codes_are_documented`: each operation's `state_codes()` appear in its row of
//!    the README's operation tables.
//! 7. The README's "Property testing your code" snippet is the module `readme_example` here,
//!    byte for byte, and its properties run.
//!
//! Cases: `PROPTEST_CASES` if set, else `DEFAULT_CASES`; below the default the coverage
//! checks (every operation drawn, every code reached, the hit ratio) are skipped, since so
//! few cases cannot promise them. The file runs in about 15 s in debug on two cores.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "common/snippet.rs"]
mod snippet;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, Utc};
use live_lifecycle::strategies::{
    Call, Invalid, Outcome, Request, Session, arbitrary_wire, calls, invalid, pairs, valid_request,
    valid_wire,
};
use live_lifecycle::{Config, Engine, ids::AccountId};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::Value;

const DEFAULT_CASES: u32 = 96;
const README: &str = include_str!("../README.md");
const THIS_FILE: &str = include_str!("strategies.rs");

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

/// Whether enough cases run for the coverage checks (which `PROPTEST_CASES` below the
/// default turns off) to be certain.
fn thorough() -> bool {
    cases() >= DEFAULT_CASES
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    })
}

/// Runs `test` on `cases` values of `strategy`, panicking with the shrunk failure.
fn check<S: Strategy>(cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    if let Err(e) = runner(cases).run(&strategy, test) {
        panic!("{e}");
    }
}

fn account() -> AccountId {
    AccountId::try_from("1234567890123456").unwrap()
}

/// A `now` between 2001 and 2090, with a fraction of a second most of the time.
fn nows() -> impl Strategy<Value = DateTime<Utc>> {
    (
        978_307_200i64..3_786_912_000,
        prop_oneof![Just(0u32), 1..1_000_000_000u32],
    )
        .prop_map(|(secs, nanos)| DateTime::from_timestamp(secs, nanos).unwrap())
}

/// The actions whose valid requests succeed on a fresh engine; the others name a job or a
/// task, which a fresh engine does not hold.
const SUCCEED_WHEN_FRESH: [&str; 6] = [
    "CreateEdgeTranscodeJob",
    "ListEdgeTranscodeJob",
    "GetEdgeTranscodeTemplate",
    "ListEdgeTranscodeTemplate",
    "CreateLivePullToPush",
    "DescribeLivePullToPushList",
];

/// What a fresh engine answers a valid request of `action`: `None` for a success.
fn fresh_answer(action: &str) -> Option<&'static str> {
    if SUCCEED_WHEN_FRESH.contains(&action) {
        None
    } else if action.ends_with("EdgeTranscodeJob") {
        Some("JobNotFound")
    } else {
        Some("CodeTaskNotExist")
    }
}

/// The JSON body an outcome of a typed call serializes to.
fn typed_body(outcome: &Outcome) -> Value {
    match outcome {
        Outcome::Success(body) => body.clone(),
        Outcome::Refused(rejection) => serde_json::to_value(rejection).unwrap(),
        other => panic!("not an operation's outcome: {other:?}"),
    }
}

/// Sends `request` through the wire of `engine`: the status and the parsed body.
fn through_wire(engine: &mut Engine, request: &Request, now: DateTime<Utc>) -> (u16, Value) {
    let params = request.params();
    let reply = engine.handle_rpc(account().as_str(), request.action(), &pairs(&params), now);
    (reply.status(), serde_json::from_str(reply.body()).unwrap())
}

// ---- 1. valid requests --------------------------------------------------------------------

#[test]
fn valid_requests_meet_a_fresh_engine_as_documented() {
    let seen = RefCell::new(BTreeSet::new());
    let strategy = nows().prop_flat_map(|now| (Just(now), valid_request(now)));
    check(cases() * 4, strategy, |(now, request)| {
        seen.borrow_mut().insert(request.action());
        if let Err(e) = request.validate(now) {
            return Err(TestCaseError::fail(format!("{request:?} is invalid: {e}")));
        }
        let mut engine = Engine::new(Config::default());
        let outcome = request.apply(&mut engine, &account(), now);
        let expected = fresh_answer(request.action());
        prop_assert_eq!(outcome.code(), expected, "{:?}: {:?}", request, outcome);
        if let Some(code) = expected {
            prop_assert!(request.state_codes().contains(&code));
        }
        prop_assert!(engine.state().invariants_hold());

        let mut twin = Engine::new(Config::default());
        let (status, body) = through_wire(&mut twin, &request, now);
        let status_typed = match &outcome {
            Outcome::Refused(r) => r.http_status(),
            _ => 200,
        };
        prop_assert_eq!(status, status_typed);
        prop_assert_eq!(body, typed_body(&outcome));
        prop_assert_eq!(twin.state(), engine.state());
        Ok(())
    });
    if thorough() {
        assert_eq!(seen.into_inner().len(), 16, "all 16 operations drawn");
    }
}

// ---- 2. invalid scenarios -----------------------------------------------------------------

/// Whether a CreateLivePullToPush asks for a window longer than the default seven days.
fn window_too_long(request: &Request) -> bool {
    let Request::CreateLivePullToPush(r) = request else {
        return false;
    };
    let time = |t: &Option<String>| live_lifecycle::time::parse_utc(t.as_deref().unwrap()).unwrap();
    time(&r.end_time) - time(&r.start_time) > TimeDelta::days(7)
}

#[test]
fn invalid_scenarios_fail_with_their_kind() {
    let now: DateTime<Utc> = "2030-01-01T00:00:00.250Z".parse().unwrap();
    for kind in Invalid::ALL {
        let reached = RefCell::new(BTreeSet::new());
        check(cases() * 2, invalid(kind, now), |scenario| {
            prop_assert!(kind.codes().contains(&scenario.code));
            let mut engine = Engine::new(Config::default());
            let mut session = Session::new(account(), now);
            for call in &scenario.setup {
                let outcome = session.apply(&mut engine, call);
                prop_assert!(outcome.is_success(), "setup {:?}: {:?}", call, outcome);
            }
            let outcome = session.apply(&mut engine, &scenario.call);
            prop_assert_eq!(outcome.code(), Some(scenario.code), "{:?}", scenario);
            prop_assert!(engine.state().invariants_hold());
            // `run` does the same on a fresh engine.
            let again = scenario.run(&mut Engine::new(Config::default()), &account(), now);
            prop_assert_eq!(again.code(), Some(scenario.code));

            let request = scenario.call.request().expect("an operation").clone();
            reached
                .borrow_mut()
                .insert((request.action(), scenario.code));
            if kind != Invalid::WrongState {
                prop_assert!(scenario.setup.is_empty());
                match request.validate(now) {
                    Err(e) => prop_assert_eq!(e.code(), scenario.code, "{:?}", request),
                    Ok(()) => prop_assert!(
                        kind == Invalid::IllegalDuration && window_too_long(&request),
                        "{:?} passes validate",
                        request
                    ),
                }
                let (_, body) = through_wire(&mut Engine::new(Config::default()), &request, now);
                prop_assert_eq!(&body["Code"], scenario.code, "wire: {:?}", request);
            }
            Ok(())
        });
        if !thorough() {
            continue;
        }
        let reached = reached.into_inner();
        let actions: BTreeSet<&str> = reached.iter().map(|(a, _)| *a).collect();
        let codes: BTreeSet<&str> = reached.iter().map(|(_, c)| *c).collect();
        match kind {
            Invalid::Missing | Invalid::Malformed => {
                assert_eq!(actions.len(), 16, "{kind:?} reached {actions:?}");
            }
            Invalid::IllegalDuration => assert_eq!(
                actions,
                BTreeSet::from(["CreateLivePullToPush", "UpdateLivePullToPush"])
            ),
            Invalid::WrongState => assert_eq!(codes.len(), 3, "WrongState reached {codes:?}"),
        }
    }
}

// ---- 3. and 4. the wire -------------------------------------------------------------------

#[test]
fn valid_wire_calls_answer_as_documented() {
    let strategy = nows().prop_flat_map(|now| (Just(now), valid_wire(now)));
    check(cases() * 2, strategy, |(now, (action, params))| {
        let named = if action.is_empty() {
            params
                .iter()
                .find(|(n, _)| n == "Action")
                .map(|(_, v)| v.clone())
                .unwrap()
        } else {
            action.clone()
        };
        let mut engine = Engine::new(Config::default());
        let reply = engine.handle_rpc(account().as_str(), &action, &pairs(&params), now);
        let body: Value = serde_json::from_str(reply.body()).unwrap();
        match fresh_answer(&named) {
            None => prop_assert_eq!(reply.status(), 200, "{:?}", body),
            Some(code) => prop_assert_eq!(&body["Code"], code),
        }
        prop_assert!(engine.state().invariants_hold());
        Ok(())
    });
}

#[test]
fn arbitrary_wire_calls_never_break_the_engine() {
    let now: DateTime<Utc> = "2030-01-01T00:00:00Z".parse().unwrap();
    let statuses = RefCell::new(BTreeSet::new());
    let strategy = proptest::collection::vec(arbitrary_wire(now), 1..12);
    check(cases(), strategy, |sequence| {
        let mut engine = Engine::new(Config::default());
        for (i, (action, params)) in sequence.iter().enumerate() {
            let at = now + TimeDelta::seconds(i64::try_from(i).unwrap());
            let reply = engine.handle_rpc(account().as_str(), action, &pairs(params), at);
            let body: Value = serde_json::from_str(reply.body()).unwrap();
            prop_assert!(body["RequestId"].is_string(), "{:?}", body);
            prop_assert!([200, 400, 403, 404].contains(&reply.status()), "{:?}", body);
            prop_assert_ne!(&body["Code"], "InternalError");
            prop_assert!(engine.state().invariants_hold());
            statuses.borrow_mut().insert(reply.status());
        }
        Ok(())
    });
    if thorough() {
        let statuses = statuses.into_inner();
        for status in [200, 400, 404] {
            assert!(statuses.contains(&status), "no {status} among {statuses:?}");
        }
    }
}

// ---- 5. call sequences --------------------------------------------------------------------

/// What sequences did, over all cases.
#[derive(Default)]
struct Tally {
    targeted: usize,
    found: usize,
    /// Per action, how often it succeeded and the codes it was refused with.
    answers: BTreeMap<&'static str, (usize, BTreeSet<&'static str>)>,
    reports: (usize, usize),
    advanced: usize,
}

#[test]
fn call_sequences_keep_invariants_and_hit_their_targets() {
    let now: DateTime<Utc> = "2030-01-01T08:00:00Z".parse().unwrap();
    let tally = RefCell::new(Tally::default());
    check(cases(), calls(now, 1..48), |sequence| {
        let mut engine = Engine::new(Config::default());
        let mut session = Session::new(account(), now);
        for call in &sequence {
            let sent = session.resolve(call);
            if let Some(request) = sent.request() {
                let valid = request.validate(session.now());
                prop_assert!(valid.is_ok(), "{:?} sent invalid: {:?}", request, valid);
            }
            let outcome = session.apply(&mut engine, call);
            prop_assert!(engine.state().invariants_hold(), "after {:?}", sent);
            let mut t = tally.borrow_mut();
            match (&sent, &outcome) {
                (Call::Request { request, .. }, _) => {
                    let entry = t.answers.entry(request.action()).or_default();
                    match outcome.code() {
                        None => entry.0 += 1,
                        Some(code) => {
                            prop_assert!(
                                request.state_codes().contains(&code),
                                "{:?} refused with {}",
                                request,
                                code
                            );
                            entry.1.insert(code);
                        }
                    }
                }
                (Call::Report { .. }, Outcome::Reported(result)) => {
                    t.reports.0 += 1;
                    t.reports.1 += usize::from(result.is_ok());
                }
                (Call::Advance(_), Outcome::Advanced(_)) => t.advanced += 1,
                other => prop_assert!(false, "call and outcome disagree: {:?}", other),
            }
        }
        prop_assert!(session.found() <= session.targeted());
        let mut t = tally.borrow_mut();
        t.targeted += session.targeted();
        t.found += session.found();
        Ok(())
    });
    let t = tally.into_inner();
    let ratio = t.found as f64 / t.targeted.max(1) as f64;
    eprintln!(
        "calls naming a job or task: {} of {} found it ({:.0}%); reports taken: {} of {}; \
         advances: {}",
        t.found,
        t.targeted,
        ratio * 100.0,
        t.reports.1,
        t.reports.0,
        t.advanced
    );
    for (action, (ok, refused)) in &t.answers {
        eprintln!("  {action}: {ok} succeeded, refused with {refused:?}");
    }
    if thorough() {
        assert!(
            ratio > 0.5,
            "only {:.0}% of targeted calls found their target",
            ratio * 100.0
        );
        let succeeded: BTreeSet<&str> = t
            .answers
            .iter()
            .filter(|(_, (ok, _))| *ok > 0)
            .map(|(a, _)| *a)
            .collect();
        assert_eq!(
            succeeded.len(),
            16,
            "operations that succeeded: {succeeded:?}"
        );
        assert!(t.reports.1 > 0, "no stream report was taken");
    }
}

// ---- 6. state codes -----------------------------------------------------------------------

/// One request of every operation (the fields do not matter here).
fn one_of_each() -> Vec<Request> {
    let now = "2030-01-01T00:00:00Z".parse().unwrap();
    let mut runner = TestRunner::deterministic();
    let mut found: BTreeMap<&str, Request> = BTreeMap::new();
    while found.len() < 16 {
        let request = valid_request(now).new_tree(&mut runner).unwrap().current();
        found.entry(request.action()).or_insert(request);
    }
    found.into_values().collect()
}

#[test]
fn state_codes_are_documented() {
    for request in one_of_each() {
        let row_start = format!("| `{}` |", request.action());
        let row = README
            .lines()
            .find(|l| l.starts_with(&row_start))
            .unwrap_or_else(|| panic!("README has no row for {}", request.action()));
        let errors = row.trim_end_matches('|').rsplit('|').next().unwrap();
        for code in request.state_codes() {
            assert!(
                errors.contains(&format!("`{code}`")),
                "{}: {code} is not in its documented errors {errors:?}",
                request.action()
            );
        }
    }
}

// ---- 7. the README example ----------------------------------------------------------------

mod readme_example {
    // README snippet begin
    use live_lifecycle::strategies::{Invalid, Session, calls, invalid, valid_request};
    use live_lifecycle::{Config, Engine, time::parse_utc};
    use proptest::prelude::*;

    fn now() -> chrono::DateTime<chrono::Utc> {
        parse_utc("2030-01-01T00:00:00Z").unwrap()
    }

    proptest! {
        // Your client's checks (here the crate's `validate`) pass every valid request…
        #[test]
        fn client_accepts_what_the_server_accepts(request in valid_request(now())) {
            prop_assert!(request.validate(now()).is_ok());
        }

        // …and refuse every malformed one with the server's code.
        #[test]
        fn client_refuses_what_the_server_refuses(scenario in invalid(Invalid::Malformed, now())) {
            let request = scenario.call.request().unwrap();
            prop_assert_eq!(request.validate(now()).unwrap_err().code(), scenario.code);
        }

        // Whole sequences against a live engine: feed each outcome to your model or cache.
        #[test]
        fn any_sequence_keeps_the_invariants(sequence in calls(now(), 1..20)) {
            let mut engine = Engine::new(Config::default());
            let mut session = Session::new("1001".try_into().unwrap(), now());
            for call in &sequence {
                let outcome = session.apply(&mut engine, call);
                prop_assert!(engine.state().invariants_hold(), "{:?} gave {:?}", call, outcome);
            }
        }
    }
    // README snippet end
}

#[test]
fn readme_snippet_is_the_one_tested_here() {
    let heading = "## Property testing your code (feature `proptest`)";
    let section = README
        .split_once(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("README has no section {heading:?}"))
        .1;
    let section = section.split("\n## ").next().unwrap();
    let start = section.find("```rust\n").expect("a rust block") + "```rust\n".len();
    let block = &section[start..];
    let block = &block[..block.find("\n```").expect("the end of the block")];

    let lines: Vec<&str> = THIS_FILE.lines().collect();
    let marker = |text: &str| lines.iter().position(|l| l.trim() == text).unwrap();
    let (begin, end) = (
        marker("// README snippet begin"),
        marker("// README snippet end"),
    );
    let here = snippet::normalise(&lines[begin + 1..end].join("\n"));
    assert_eq!(
        snippet::normalise(block),
        here,
        "the README snippet differs from tests/strategies.rs"
    );
}
