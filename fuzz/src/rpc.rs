//! The `rpc` target: a script of calls through `Engine::handle_rpc`, `Engine::advance` and
//! `Engine::report_stream` on one engine, every documented promise checked after each step.

use std::collections::HashSet;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use live_lifecycle::ids::{AccountId, IdGenerator, IdKind, SeededIds, TaskId};
use live_lifecycle::pull_to_push::StreamReport;
use live_lifecycle::{Config, Engine, Reply, State};
use serde_json::Value;

use crate::script::{self, Known, Op, Param, Script};

/// The README's "Error codes" table: every code a refusal may carry, with its HTTP status.
pub const DOCUMENTED_CODES: &[(&str, u16)] = &[
    ("MissingParameter", 400),
    ("InvalidParameter", 400),
    ("UserTaskExceed", 400),
    ("OperationDenied", 403),
    ("Forbidden", 403),
    ("UserQuotaExceed", 403),
    ("JobNotFound", 404),
    ("TemplateNotFound", 404),
    ("InternalError", 500),
    ("InvalidParam.CodeIllegalDuration", 400),
    ("CodeTaskNotExist", 400),
    ("CodeTaskHasStarted", 400),
    ("CodeTaskHasStopped", 400),
    ("CodeTaskLimitExceeded", 400),
    ("CodeDstUrlOccupied", 400),
    ("LiveServiceNotFound", 400),
    ("CodeInvalidAliUid", 400),
    ("InvalidAction.NotFound", 404),
    ("InvalidVersion", 400),
    ("Throttling.User", 400),
];

/// Refusals of the gateway, which let no time pass ("a call they refuse changes nothing").
const GATEWAY_ONLY: &[&str] = &[
    "InvalidAction.NotFound",
    "InvalidVersion",
    "Throttling.User",
];

/// Where `now` starts: the time of the first fixture step.
pub const START: &str = "2030-01-01T09:00:00Z";

/// The seeded generator, with the job and/or task ids optionally fixed (as the golden
/// fixtures do to provoke `InternalError`).
#[derive(Debug)]
struct FixedIds {
    seeded: SeededIds,
    job: Option<String>,
    task: Option<String>,
}

impl IdGenerator for FixedIds {
    fn generate(&mut self, kind: IdKind, seq: u64) -> String {
        let fixed = match kind {
            IdKind::Job => self.job.clone(),
            IdKind::Task => self.task.clone(),
            _ => None,
        };
        fixed.unwrap_or_else(|| self.seeded.generate(kind, seq))
    }
}

fn default_config_json() -> &'static Value {
    static DEFAULT: OnceLock<Value> = OnceLock::new();
    DEFAULT.get_or_init(|| serde_json::to_value(Config::default()).unwrap_or(Value::Null))
}

fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (key, value) in patch {
                match base.get_mut(key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, patch) => *base = patch.clone(),
    }
}

/// `Config::default()` with the script's overrides, if they make a config.
pub fn config_of(overrides: Option<&str>) -> Config {
    let Some(patch) = overrides.and_then(|t| serde_json::from_str::<Value>(t).ok()) else {
        return Config::default();
    };
    let mut json = default_config_json().clone();
    merge(&mut json, &patch);
    serde_json::from_value(json).unwrap_or_default()
}

fn report_of(kind: &str, numbers: &[u32]) -> Option<(StreamReport, usize)> {
    let at = |i: usize| numbers.get(i).copied().unwrap_or(0);
    let (report, task) = match kind {
        "pull" => (StreamReport::PullFailed, at(0)),
        "push" => (StreamReport::PushFailed, at(0)),
        "failed" => (StreamReport::Failed, at(0)),
        "recover" => (StreamReport::Recovered, at(0)),
        "file-ended" => (StreamReport::FileEnded, at(0)),
        "position" => (
            StreamReport::Position {
                file_index: at(0),
                offset: at(1),
            },
            at(2),
        ),
        _ => return None,
    };
    Some((report, task as usize))
}

/// What one script did: the status of each call, in order.
#[derive(Debug, Default)]
pub struct Outcome {
    /// One per `C` operation.
    pub statuses: Vec<u16>,
}

/// The keys whose values are times in the wire format.
const TIME_KEYS: &[&str] = &[
    "CreateTime",
    "LastStartAt",
    "LastStopAt",
    "StartTime",
    "EndTime",
    "Time",
];

/// Every time a body prints parses back ("every printed time parses back", even for a `now`
/// outside the years 0000-9999).
fn check_times(value: &Value, step: usize) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                if let (true, Some(text)) = (TIME_KEYS.contains(&key.as_str()), value.as_str()) {
                    assert!(
                        live_lifecycle::time::parse_utc(text).is_ok(),
                        "step {step}: {key} {text:?} does not parse back"
                    );
                }
                check_times(value, step);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| check_times(v, step)),
        _ => {}
    }
}

struct Runner {
    engine: Engine,
    config: Config,
    now: DateTime<Utc>,
    account: String,
    known: Known,
    request_ids: HashSet<String>,
    log: Vec<live_lifecycle::Event>,
    step: usize,
}

impl Runner {
    /// The state an engine restored from `before` reaches by letting time pass up to `now`:
    /// what a refused call may leave.
    fn advanced(&self, before: &live_lifecycle::Snapshot) -> State {
        let mut engine = Engine::restore(self.config.clone(), before.clone());
        engine.advance(self.now);
        engine.state().clone()
    }

    /// After a change: a snapshot restores to the same state and the same next deadline (the
    /// timers are rebuilt from the tasks, not saved).
    fn check_restore(&self) {
        let restored = Engine::restore(self.config.clone(), self.engine.snapshot());
        assert!(
            restored.state() == self.engine.state(),
            "step {}: a restored snapshot has another state",
            self.step
        );
        assert_eq!(
            restored.next_deadline(),
            self.engine.next_deadline(),
            "step {}: a restored snapshot has another next deadline",
            self.step
        );
    }

    fn check_invariants(&self, what: &str) {
        assert!(
            self.engine.state().invariants_hold(),
            "step {}: invariants broken after {what}",
            self.step
        );
    }

    /// The events and callbacks of a step: `expected` from the reply (if any) are exactly
    /// what the engine recorded; the events join the log for the replay check.
    fn drain(&mut self, reply: Option<&Reply>) -> usize {
        let events = self.engine.drain_events();
        let callbacks = self.engine.drain_callbacks();
        if let Some(reply) = reply {
            assert_eq!(
                reply.events(),
                events.as_slice(),
                "step {}: events",
                self.step
            );
            assert_eq!(
                reply.callbacks(),
                callbacks.as_slice(),
                "step {}: callbacks",
                self.step
            );
        }
        for callback in &callbacks {
            let body = serde_json::to_value(&callback.body).expect("a callback serializes");
            check_times(&body, self.step);
        }
        let n = events.len();
        self.log.extend(events);
        if n > 0 {
            self.check_restore();
        }
        n
    }

    fn call(&mut self, action: &str, params: &[Param]) -> u16 {
        let mut owned: Vec<(String, String)> = Vec::new();
        for param in params {
            match param {
                Param::Pair(name, value) => {
                    owned.push((name.clone(), script::expand(value, &self.known, self.now)))
                }
                Param::Numbered {
                    prefix,
                    count,
                    value,
                } => owned.extend((1..=*count).map(|i| (format!("{prefix}{i}"), value.clone()))),
            }
        }
        let pairs: Vec<(&str, &str)> = owned
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let before = self.engine.snapshot();
        let reply = self
            .engine
            .handle_rpc(&self.account, action, &pairs, self.now);
        let step = self.step;
        let status = reply.status();
        let body: Value = serde_json::from_str(&reply.body())
            .unwrap_or_else(|e| panic!("step {step}: the body is not JSON ({e}): {reply:?}"));
        let object = body
            .as_object()
            .unwrap_or_else(|| panic!("step {step}: the body is not an object: {body}"));
        let request_id = object
            .get("RequestId")
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("step {step}: no RequestId: {body}"))
            .to_owned();
        assert!(
            self.request_ids.insert(request_id.clone()),
            "step {step}: RequestId {request_id} answered twice"
        );
        if status == 200 {
            // "HostId: only error bodies carry it."
            assert!(
                !object.contains_key("HostId") && !object.contains_key("Recommend"),
                "step {step}: a success that looks like an error: {body}"
            );
            self.known.learn(&body);
            check_times(&body, step);
        } else {
            let keys: Vec<&str> = object.keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                ["Code", "HostId", "Message", "Recommend", "RequestId"],
                "step {step}: error body keys: {body}"
            );
            let code = object.get("Code").and_then(Value::as_str).unwrap_or("");
            let documented = DOCUMENTED_CODES
                .iter()
                .find(|(c, _)| *c == code)
                .unwrap_or_else(|| panic!("step {step}: undocumented code {code:?}: {body}"));
            assert_eq!(
                documented.1, status,
                "step {step}: {code} answered with status {status}"
            );
            assert_eq!(
                object.get("HostId").and_then(Value::as_str),
                Some(self.config.host_id.as_str()),
                "step {step}: HostId"
            );
            let recommend = format!(
                "https://api.aliyun.com/troubleshoot?q={code}&product=live&requestId={request_id}"
            );
            assert_eq!(
                object.get("Recommend").and_then(Value::as_str),
                Some(recommend.as_str()),
                "step {step}: Recommend"
            );
            // A refusal changes nothing but what time alone changes; the gateway's refusals
            // not even that.
            let after = self.engine.state();
            if GATEWAY_ONLY.contains(&code) {
                assert!(
                    after == &before.state,
                    "step {step}: the gateway refused with {code} but the state changed"
                );
            } else if after != &before.state {
                assert!(
                    after == &self.advanced(&before),
                    "step {step}: refused with {code}, yet the state changed beyond time passing"
                );
            }
        }
        self.check_invariants(action);
        self.drain(Some(&reply));
        status
    }

    fn report(&mut self, kind: &str, numbers: &[u32]) {
        let Some((report, index)) = report_of(kind, numbers) else {
            return;
        };
        let Some(task) = self
            .known
            .tasks
            .get(index % self.known.tasks.len().max(1))
            .cloned()
        else {
            return;
        };
        let (Ok(account), Ok(task)) = (
            AccountId::try_from(self.account.as_str()),
            TaskId::try_from(task.as_str()),
        ) else {
            return;
        };
        let before = self.engine.snapshot();
        let result = self.engine.report_stream(&account, &task, report, self.now);
        if result.is_err() {
            assert!(
                self.engine.state() == &self.advanced(&before),
                "step {}: a refused report {report:?} changed the state",
                self.step
            );
        }
        self.check_invariants("a stream report");
        self.drain(None);
    }

    fn advance(&mut self) {
        let applied = self.engine.advance(self.now);
        self.check_invariants("advance");
        let events = self.drain(None);
        assert_eq!(
            applied, events,
            "step {}: advance said {applied} changes but recorded {events} events",
            self.step
        );
        assert!(
            self.engine.next_deadline().is_none_or(|d| d > self.now),
            "step {}: a deadline at or before now survived advance",
            self.step
        );
    }

    /// End of the script: a snapshot survives JSON, and the event log rebuilds the state.
    fn finish(self) {
        let snapshot = self.engine.snapshot();
        let json = serde_json::to_string(&snapshot).expect("a snapshot serializes");
        let back: live_lifecycle::Snapshot =
            serde_json::from_str(&json).expect("a snapshot deserializes");
        assert_eq!(back, snapshot, "the snapshot changed through JSON");
        let restored = Engine::restore(self.config.clone(), back);
        assert!(
            restored.state() == self.engine.state(),
            "the restored state differs"
        );
        let replayed = Engine::replay(self.config.clone(), &self.log)
            .unwrap_or_else(|e| panic!("the event log does not replay: {e}"));
        assert!(
            replayed.state() == self.engine.state(),
            "the replayed state differs"
        );
    }
}

/// Runs a script, panicking on the first broken promise.
pub fn run(script: &Script) -> Outcome {
    let config = config_of(script.config.as_deref());
    let ids = FixedIds {
        seeded: SeededIds::default(),
        job: script.job_id.clone(),
        task: script.task_id.clone(),
    };
    let now = live_lifecycle::time::parse_utc(START).unwrap_or_default();
    let mut runner = Runner {
        engine: Engine::with_id_generator(config.clone(), Box::new(ids)),
        config,
        now,
        account: "1001".to_owned(),
        known: Known::default(),
        request_ids: HashSet::new(),
        log: Vec::new(),
        step: 0,
    };
    let mut outcome = Outcome::default();
    for (step, op) in script.ops.iter().enumerate() {
        runner.step = step;
        match op {
            Op::Now(text) => {
                if let Ok(t) = live_lifecycle::time::parse_utc(text) {
                    runner.now = t;
                }
            }
            Op::Step(secs) => runner.now = script::shift(runner.now, *secs),
            Op::Account(account) => runner.account.clone_from(account),
            Op::Call { action, params } => outcome.statuses.push(runner.call(action, params)),
            Op::Advance => runner.advance(),
            Op::Report(kind, numbers) => runner.report(kind, numbers),
        }
    }
    runner.finish();
    outcome
}

/// The fuzz target's body.
pub fn run_bytes(data: &[u8]) {
    run(&script::decode(data));
}
