//! The coverage count (issue #6): every (state, operation) pair of both families, and every
//! documented error code, each reached by a real call whose outcome is the one the README's
//! tables give.
//!
//! - Edge jobs are tried in each state {not started, running, never existed}, pull-to-push
//!   tasks in {not started, running, retrying, stopped, exited, never existed}, with every
//!   operation of the family: the expected outcome of each pair is written out below
//!   (`EDGE_TABLE`, `TASK_TABLE`) from the README's lifecycle and operation tables, and what
//!   the call left behind is checked (the new status, or nothing changed at all).
//! - Each pair is also tried with a required parameter missing, a parameter malformed, and
//!   the account not entitled: validation and entitlement come before any lookup, whatever
//!   the state.
//! - Then the error paths no state reaches on its own (quotas, limits, templates, windows,
//!   the id generator), and the wire's own codes through `Engine::handle_rpc`.
//! - Every call is made twice, as the typed request and through `handle_rpc`, and both must
//!   agree on status, code and field.
//!
//! Each call records a (family, state, operation, outcome) triple. The test then asserts
//! that every code of the README's "Error codes" table was produced, every pair tried, every
//! (operation, code) of the operation tables' Errors columns reached, and no operation
//! answered a code its row does not list. `cargo test --test coverage -- --nocapture` prints
//! the triples with their counts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, Utc};
use common::{
    FixedIds, Outcome, owned, section, spans, table, typed_call, typed_object, wire_call,
    with_action,
};
use live_lifecycle::edge::EdgeLimits;
use live_lifecycle::ids::{AccountId, IdGenerator, IdKind, SeededIds};
use live_lifecycle::pull_to_push::{StreamReport, TaskLimits};
use live_lifecycle::time::parse_utc;
use live_lifecycle::{Access, Config, Engine, Rate, Snapshot, State, Throttle};
use serde_json::Value;

// ---- fixtures ----------------------------------------------------------------------------------

const ACCOUNT: &str = "1234567890123456";
const OTHER_ACCOUNT: &str = "6543210987654321";
const CLUSTER: &str = "cluster-1";
const T01: &str = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01";
const NO_SUCH_TEMPLATE: &str = "3f6b2c1a-7d4e-4a8b-9c0d-000000000000";
const IN_URL: &str = "rtmp://ingest.example.com/live/news";
const OUT_URL: &str = "rtmp://push.example.com/live/news_hd";
/// A well-formed job id the seeded generator does not issue here.
const NO_SUCH_JOB: &str = "0123456789abcdef0123456789abcdef";
const JOB_T0: &str = "2024-05-01T09:00:00Z";

const REGION: &str = "cn-shanghai";
const OTHER_REGION: &str = "cn-beijing";
const NO_SUCH_TASK: &str = "00000000-0000-4000-8000-000000000000";
const CREATED: &str = "2030-01-01T09:00:00Z";
const START: &str = "2030-01-01T10:00:00Z";
const END: &str = "2030-01-01T12:00:00Z";
const TASK_DST: &str = "rtmp://push.example.com/live/a";
const NEW_START: &str = "2030-01-01T10:15:00Z";

const EDGE: &str = "edge";
const P2P: &str = "pull-to-push";
const WIRE: &str = "wire";

/// The codes only the wire's gateway checks give (README, "The RPC wire"): no operation
/// table lists them.
const GATEWAY_CODES: [&str; 3] = [
    "InvalidAction.NotFound",
    "InvalidVersion",
    "Throttling.User",
];

fn at(text: &str) -> DateTime<Utc> {
    parse_utc(text).unwrap()
}

fn secs(n: i64) -> TimeDelta {
    TimeDelta::seconds(n)
}

fn account() -> AccountId {
    AccountId::try_from(ACCOUNT).unwrap()
}

fn only_other() -> Access {
    Access::Only([AccountId::try_from(OTHER_ACCOUNT).unwrap()].into())
}

// ---- the record ------------------------------------------------------------------------------

type Triple = (&'static str, &'static str, &'static str, String);

/// Every (family, state, operation, outcome) reached, with how many calls reached it.
#[derive(Default)]
struct Record {
    seen: BTreeMap<Triple, usize>,
}

impl Record {
    fn add(&mut self, family: &'static str, state: &'static str, op: &'static str, code: &str) {
        *self
            .seen
            .entry((family, state, op, code.to_owned()))
            .or_default() += 1;
    }

    fn codes(&self) -> BTreeSet<&str> {
        self.seen.keys().map(|(_, _, _, c)| c.as_str()).collect()
    }

    fn pairs(&self) -> BTreeSet<(&str, &str, &str)> {
        self.seen.keys().map(|(f, s, o, _)| (*f, *s, *o)).collect()
    }

    fn op_codes(&self) -> BTreeSet<(&str, &str)> {
        self.seen
            .keys()
            .filter(|(f, ..)| *f != WIRE)
            .map(|(_, _, o, c)| (*o, c.as_str()))
            .collect()
    }

    fn print(&self) {
        println!(
            "\n{:<13} {:<14} {:<27} {:<33} {:>5}",
            "family", "state", "operation", "outcome", "calls"
        );
        for ((family, state, op, code), n) in &self.seen {
            println!("{family:<13} {state:<14} {op:<27} {code:<33} {n:>5}");
        }
        let calls: usize = self.seen.values().sum();
        println!(
            "\n{} triples from {calls} calls; {} (family, state, operation) pairs; {} outcomes \
             ({} error codes)",
            self.seen.len(),
            self.pairs().len(),
            self.codes().len(),
            self.codes().len() - usize::from(self.codes().contains("OK")),
        );
    }
}

// ---- how a call is made ------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Via {
    Typed,
    Wire,
}

/// An engine brought into a state, as a snapshot (built under the default configuration, so
/// it can be restored under any other), with the id of the job or task the calls are about
/// and the `now` they are made at.
struct Setup {
    snapshot: Snapshot,
    target: String,
    now: DateTime<Utc>,
    state: &'static str,
    /// The task's TaskStatus (pull-to-push setups with a task).
    status: Option<i32>,
}

/// One call to probe: which operation, about which setup's job or task, with which
/// parameters (`{target}` stands for the job or task id), under which configuration.
struct Call<'a> {
    family: &'static str,
    op: &'static str,
    setup: &'a Setup,
    params: Vec<(String, String)>,
    config: Config,
    /// A job or task id the id generator hands out instead of the seeded one.
    fixed: Option<(IdKind, String)>,
}

impl<'a> Call<'a> {
    fn new(
        family: &'static str,
        op: &'static str,
        setup: &'a Setup,
        params: Vec<(String, String)>,
    ) -> Self {
        Self {
            family,
            op,
            setup,
            params,
            config: Config::default(),
            fixed: None,
        }
    }

    fn under(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    fn fixed_id(mut self, kind: IdKind, id: &str) -> Self {
        self.fixed = Some((kind, id.to_owned()));
        self
    }

    fn set(mut self, name: &str, value: &str) -> Self {
        match self.params.iter_mut().find(|(n, _)| n == name) {
            Some(pair) => pair.1 = value.to_owned(),
            None => self.params.push((name.to_owned(), value.to_owned())),
        }
        self
    }

    fn without(mut self, name: &str) -> Self {
        self.params.retain(|(n, _)| n != name);
        self
    }

    /// The call on a fresh engine from the setup: the engine afterwards, the state just
    /// before the call (time already applied up to `now`), and the outcome.
    fn run(&self, via: Via) -> (Engine, State, Outcome) {
        let ids: Box<dyn IdGenerator> = match &self.fixed {
            Some((IdKind::Job, id)) => FixedIds::job(id),
            Some((_, id)) => FixedIds::task(id),
            None => Box::new(SeededIds::default()),
        };
        let mut engine = Engine::restore_with_id_generator(
            self.config.clone(),
            ids,
            self.setup.snapshot.clone(),
        );
        let now = self.setup.now;
        engine.advance(now);
        let before = engine.state().clone();
        let params: Vec<(String, String)> = self
            .params
            .iter()
            .map(|(n, v)| (n.clone(), v.replace("{target}", &self.setup.target)))
            .collect();
        let outcome = match via {
            Via::Typed => {
                let object = typed_object(self.op, &params)
                    .unwrap_or_else(|| panic!("{}: no typed request for {params:?}", self.op));
                typed_call(&mut engine, &account(), self.op, object, now)
            }
            Via::Wire => wire_call(&mut engine, ACCOUNT, &with_action(self.op, &params), now),
        };
        assert!(engine.state().invariants_hold(), "{} {params:?}", self.op);
        (engine, before, outcome)
    }
}

// ---- what a call leaves behind -----------------------------------------------------------------

/// What a call is expected to leave behind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum After {
    /// Nothing: the state is the one before the call.
    Same,
    /// The job has this Status.
    JobStatus(&'static str),
    /// UpdateEdgeTranscodeJob took the new name; the job is still not started.
    Renamed,
    /// The job is gone: Get answers JobNotFound.
    JobGone,
    /// A new job or task exists, not started (the one in the reply).
    Created,
    /// The task has this TaskStatus.
    TaskStatus(i32),
    /// UpdateLivePullToPush took RepeatNumber=2; the status did not move.
    Repeat2,
    /// UpdateLivePullToPush took the new StartTime; the status did not move.
    NewStart,
    /// UpdateLivePullToPush moved the task (not started) to the other region.
    Moved,
}

/// The expected outcome of a call: `"OK"` or an error code, the field it names, and what it
/// leaves behind.
#[derive(Clone, Copy, Debug)]
struct Exp {
    code: &'static str,
    field: Option<&'static str>,
    after: After,
}

const fn ok(after: After) -> Exp {
    Exp {
        code: "OK",
        field: None,
        after,
    }
}

/// A refusal: it changes nothing.
const fn no(code: &'static str) -> Exp {
    Exp {
        code,
        field: None,
        after: After::Same,
    }
}

/// A refusal naming a parameter.
const fn bad(code: &'static str, field: &'static str) -> Exp {
    Exp {
        code,
        field: Some(field),
        after: After::Same,
    }
}

fn get_job(engine: &mut Engine, job: &str, now: DateTime<Utc>) -> Outcome {
    let params = owned(&[("ClusterId", CLUSTER), ("JobId", job)]);
    let object = typed_object("GetEdgeTranscodeJob", &params).unwrap();
    typed_call(engine, &account(), "GetEdgeTranscodeJob", object, now)
}

fn describe(engine: &mut Engine, task: &str, region: &str, now: DateTime<Utc>) -> Outcome {
    let params = owned(&[("TaskId", task), ("Region", region)]);
    let object = typed_object("DescribeLivePullToPush", &params).unwrap();
    typed_call(engine, &account(), "DescribeLivePullToPush", object, now)
}

/// Checks what the call left behind.
fn check_after(
    what: &str,
    after: After,
    setup: &Setup,
    engine: &mut Engine,
    before: &State,
    outcome: &Outcome,
) {
    let now = setup.now;
    let target = setup.target.as_str();
    match after {
        After::Same => assert_eq!(engine.state(), before, "{what}: the state changed"),
        After::JobStatus(status) => {
            let job = get_job(engine, target, now);
            assert_eq!(job.body["Job"]["Status"], status, "{what}");
        }
        After::Renamed => {
            let job = get_job(engine, target, now);
            assert_eq!(job.body["Job"]["Status"], "0", "{what}");
            assert_eq!(job.body["Job"]["Name"], "renamed", "{what}");
        }
        After::JobGone => assert_eq!(get_job(engine, target, now).code, "JobNotFound", "{what}"),
        After::Created => {
            if let Some(job) = outcome.body["JobId"].as_str() {
                let got = get_job(engine, job, now);
                assert_eq!(got.body["Job"]["Status"], "0", "{what}");
            } else {
                let task = outcome.body["TaskId"].as_str().expect("a TaskId");
                let got = describe(engine, task, REGION, now);
                assert_eq!(got.body["TaskStatus"], 0, "{what}");
            }
        }
        After::TaskStatus(status) => {
            let got = describe(engine, target, REGION, now);
            assert_eq!(got.body["TaskStatus"], status, "{what}");
        }
        After::Repeat2 | After::NewStart => {
            let got = describe(engine, target, REGION, now);
            assert_eq!(got.body["TaskStatus"], setup.status.unwrap(), "{what}");
            let info = &got.body["TaskInfo"];
            if after == After::Repeat2 {
                assert_eq!(info["RepeatNumber"], 2, "{what}");
            } else {
                assert_eq!(info["StartTime"], NEW_START, "{what}");
            }
        }
        After::Moved => {
            let there = describe(engine, target, OTHER_REGION, now);
            assert_eq!(there.body["TaskStatus"], 0, "{what}");
            let here = describe(engine, target, REGION, now);
            assert_eq!(here.code, "CodeTaskNotExist", "{what}");
        }
    }
}

impl Record {
    /// Makes the call as the typed request and through the wire, each on a fresh engine from
    /// its setup: both must give `exp` (code and field), agree with each other, and leave
    /// behind what `exp` says. Each call is recorded.
    fn expect(&mut self, call: Call<'_>, exp: Exp) {
        let mut typed: Option<Outcome> = None;
        for via in [Via::Typed, Via::Wire] {
            let what = format!(
                "{} ({}, {}, {via:?}) {:?}",
                call.op, call.family, call.setup.state, call.params
            );
            let (mut engine, before, outcome) = call.run(via);
            assert_eq!(outcome.code, exp.code, "{what}: {}", outcome.body);
            if exp.code != "OK" {
                assert_eq!(
                    outcome.field.as_deref(),
                    exp.field,
                    "{what}: {}",
                    outcome.body
                );
            }
            check_after(&what, exp.after, call.setup, &mut engine, &before, &outcome);
            if let Some(typed) = &typed {
                assert_eq!(typed.key(), outcome.key(), "{what}: typed and wire differ");
            }
            self.add(call.family, call.setup.state, call.op, &outcome.code);
            typed = Some(outcome);
        }
    }
}

// ---- edge transcoding ----------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Job {
    NotStarted,
    Running,
    Never,
}

const JOB_STATES: [Job; 3] = [Job::NotStarted, Job::Running, Job::Never];

impl Job {
    fn label(self) -> &'static str {
        match self {
            Job::NotStarted => "not started",
            Job::Running => "running",
            Job::Never => "never existed",
        }
    }
}

fn create_job(engine: &mut Engine, name: &str, now: DateTime<Utc>) -> String {
    let params = edge_params(EdgeOp::Create, "");
    let mut object = typed_object("CreateEdgeTranscodeJob", &params).unwrap();
    object.insert("Name".into(), Value::from(name));
    let created = typed_call(engine, &account(), "CreateEdgeTranscodeJob", object, now);
    assert_eq!(created.code, "OK", "{}", created.body);
    created.body["JobId"].as_str().unwrap().to_owned()
}

/// An engine whose account holds one job in `st` (none for `Never`).
fn job_setup(st: Job) -> Setup {
    let mut engine = Engine::new(Config::default());
    let t0 = at(JOB_T0);
    let target = match st {
        Job::Never => NO_SUCH_JOB.to_owned(),
        Job::NotStarted | Job::Running => {
            let job = create_job(&mut engine, "evening_news", t0);
            if st == Job::Running {
                let params = owned(&[("ClusterId", CLUSTER), ("JobId", &job)]);
                let object = typed_object("StartEdgeTranscodeJob", &params).unwrap();
                let started =
                    typed_call(&mut engine, &account(), "StartEdgeTranscodeJob", object, t0);
                assert_eq!(started.code, "OK", "{}", started.body);
            }
            job
        }
    };
    let now = t0 + secs(60);
    let status = get_job(&mut engine, &target, now).body["Job"]["Status"].clone();
    let want = match st {
        Job::NotStarted => Value::from("0"),
        Job::Running => Value::from("1"),
        Job::Never => Value::Null,
    };
    assert_eq!(status, want, "{st:?}");
    Setup {
        snapshot: engine.snapshot(),
        target,
        now,
        state: st.label(),
        status: None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EdgeOp {
    Create,
    Get,
    List,
    Update,
    Start,
    Stop,
    Delete,
    GetTemplate,
    ListTemplate,
}

impl EdgeOp {
    fn action(self) -> &'static str {
        match self {
            EdgeOp::Create => "CreateEdgeTranscodeJob",
            EdgeOp::Get => "GetEdgeTranscodeJob",
            EdgeOp::List => "ListEdgeTranscodeJob",
            EdgeOp::Update => "UpdateEdgeTranscodeJob",
            EdgeOp::Start => "StartEdgeTranscodeJob",
            EdgeOp::Stop => "StopEdgeTranscodeJob",
            EdgeOp::Delete => "DeleteEdgeTranscodeJob",
            EdgeOp::GetTemplate => "GetEdgeTranscodeTemplate",
            EdgeOp::ListTemplate => "ListEdgeTranscodeTemplate",
        }
    }
}

/// A valid call of `op` about `job`.
fn edge_params(op: EdgeOp, job: &str) -> Vec<(String, String)> {
    match op {
        EdgeOp::Create => owned(&[
            ("ClusterId", CLUSTER),
            ("Name", "second_job"),
            ("TemplateId", T01),
            ("StreamInput", IN_URL),
            ("StreamOutput", OUT_URL),
        ]),
        EdgeOp::Get | EdgeOp::Start | EdgeOp::Stop | EdgeOp::Delete => {
            owned(&[("ClusterId", CLUSTER), ("JobId", job)])
        }
        EdgeOp::Update => owned(&[("ClusterId", CLUSTER), ("JobId", job), ("Name", "renamed")]),
        EdgeOp::List | EdgeOp::ListTemplate => owned(&[("ClusterId", CLUSTER)]),
        EdgeOp::GetTemplate => owned(&[("ClusterId", CLUSTER), ("TemplateId", T01)]),
    }
}

/// A valid call of `op` about the setup's job.
fn edge(setup: &Setup, op: EdgeOp) -> Call<'_> {
    Call::new(EDGE, op.action(), setup, edge_params(op, "{target}"))
}

/// Each edge operation in each job state, from the README: the lifecycle ("Start needs
/// `"0"`, Stop needs `"1"`, Update needs `"0"`; Get and List answer in both states", and
/// Delete takes a running job too unless the engine is strict) and `JobNotFound` for a job
/// that never existed. Create, List and the template
/// operations do not depend on the job.
#[rustfmt::skip]
const EDGE_TABLE: [(EdgeOp, [Exp; 3]); 9] = [
    //                    not started               running                never existed
    (EdgeOp::Create,       [ok(After::Created),       ok(After::Created),       ok(After::Created)]),
    (EdgeOp::Get,          [ok(After::Same),          ok(After::Same),          no("JobNotFound")]),
    (EdgeOp::List,         [ok(After::Same),          ok(After::Same),          ok(After::Same)]),
    (EdgeOp::Update,       [ok(After::Renamed),       no("OperationDenied"),    no("JobNotFound")]),
    (EdgeOp::Start,        [ok(After::JobStatus("1")), no("OperationDenied"),   no("JobNotFound")]),
    (EdgeOp::Stop,         [no("OperationDenied"),    ok(After::JobStatus("0")), no("JobNotFound")]),
    (EdgeOp::Delete,       [ok(After::JobGone),       ok(After::JobGone),       no("JobNotFound")]),
    (EdgeOp::GetTemplate,  [ok(After::Same),          ok(After::Same),          ok(After::Same)]),
    (EdgeOp::ListTemplate, [ok(After::Same),          ok(After::Same),          ok(After::Same)]),
];

/// The parameter a Missing probe leaves out, and the (parameter, value) a Malformed probe
/// sends, per edge operation.
fn edge_breakage(op: EdgeOp) -> (&'static str, (&'static str, &'static str)) {
    match op {
        EdgeOp::Create => ("StreamOutput", ("Name", "evening news")),
        EdgeOp::Get | EdgeOp::Start | EdgeOp::Stop | EdgeOp::Delete => {
            ("JobId", ("JobId", "job 1"))
        }
        EdgeOp::Update => (
            "JobId",
            ("StreamInput", "rtmp://ingest.example.com/live/a b"),
        ),
        EdgeOp::List => ("ClusterId", ("PageSize", "0")),
        EdgeOp::GetTemplate => ("TemplateId", ("TemplateId", "tpl 1")),
        EdgeOp::ListTemplate => ("ClusterId", ("VideoCodec", "AV1")),
    }
}

/// The default configuration with `strict` set: the crate's inferred refusals too.
fn strict() -> Config {
    Config {
        strict: true,
        ..Config::default()
    }
}

fn forbidden() -> Config {
    Config {
        edge_access: only_other(),
        ..Config::default()
    }
}

fn edge_matrix(rec: &mut Record) {
    for (i, st) in JOB_STATES.into_iter().enumerate() {
        let setup = job_setup(st);
        for (op, row) in EDGE_TABLE {
            rec.expect(edge(&setup, op), row[i]);
            // Validation and entitlement come before the lookup, whatever the state.
            let (missing, (field, value)) = edge_breakage(op);
            rec.expect(
                edge(&setup, op).without(missing),
                bad("MissingParameter", missing),
            );
            rec.expect(
                edge(&setup, op).set(field, value),
                bad("InvalidParameter", field),
            );
            rec.expect(edge(&setup, op).under(forbidden()), no("Forbidden"));
        }
    }
}

/// The edge errors no state reaches on its own.
fn edge_error_paths(rec: &mut Record) {
    let never = job_setup(Job::Never);
    let not_started = job_setup(Job::NotStarted);
    let running = job_setup(Job::Running);

    // Templates: Create and Get look the template up; Update only once the job's state
    // allows the change (a running job with an unknown template is OperationDenied).
    let unknown = |setup, op| edge(setup, op).set("TemplateId", NO_SUCH_TEMPLATE);
    rec.expect(unknown(&never, EdgeOp::Create), no("TemplateNotFound"));
    rec.expect(unknown(&never, EdgeOp::GetTemplate), no("TemplateNotFound"));
    rec.expect(
        unknown(&not_started, EdgeOp::Update),
        no("TemplateNotFound"),
    );
    rec.expect(unknown(&running, EdgeOp::Update), no("OperationDenied"));
    // A strict engine refuses to delete a running job (docs/fidelity.md).
    rec.expect(
        edge(&running, EdgeOp::Delete).under(strict()),
        no("OperationDenied"),
    );

    // Quotas: the job count on Create, the running jobs on Start (a second job, not
    // started, beside the running one).
    let limits = |max_jobs, max_running_jobs| Config {
        edge_limits: EdgeLimits {
            max_jobs,
            max_running_jobs,
        },
        ..Config::default()
    };
    let create = edge(&not_started, EdgeOp::Create);
    rec.expect(create.under(limits(1, 50)), no("UserQuotaExceed"));
    let second = {
        let mut engine = Engine::restore(Config::default(), running.snapshot.clone());
        let job = create_job(&mut engine, "second_job", at(JOB_T0));
        Setup {
            snapshot: engine.snapshot(),
            target: job,
            now: running.now,
            state: Job::NotStarted.label(),
            status: None,
        }
    };
    rec.expect(
        edge(&second, EdgeOp::Start).under(limits(500, 1)),
        no("UserTaskExceed"),
    );
    rec.expect(edge(&second, EdgeOp::Start), ok(After::JobStatus("1")));

    // The id generator: an invalid id, then the id of a job the account has.
    let create = edge(&never, EdgeOp::Create);
    rec.expect(
        create.fixed_id(IdKind::Job, "not an id"),
        no("InternalError"),
    );
    let create = edge(&not_started, EdgeOp::Create);
    rec.expect(
        create.fixed_id(IdKind::Job, &not_started.target),
        no("InternalError"),
    );

    // Precedence around Forbidden: a missing or malformed parameter comes first.
    let get = || edge(&never, EdgeOp::Get).under(forbidden());
    rec.expect(
        get().without("ClusterId"),
        bad("MissingParameter", "ClusterId"),
    );
    rec.expect(
        get().set("ClusterId", "cluster 1"),
        bad("InvalidParameter", "ClusterId"),
    );
}

// ---- pull-to-push ---------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Task {
    NotStarted,
    Running,
    Retrying,
    Stopped,
    Exited,
    Never,
}

const TASK_STATES: [Task; 6] = [
    Task::NotStarted,
    Task::Running,
    Task::Retrying,
    Task::Stopped,
    Task::Exited,
    Task::Never,
];

impl Task {
    fn label(self) -> &'static str {
        match self {
            Task::NotStarted => "not started",
            Task::Running => "running",
            Task::Retrying => "retrying",
            Task::Stopped => "stopped",
            Task::Exited => "exited",
            Task::Never => "never existed",
        }
    }

    fn code(self) -> Option<i32> {
        match self {
            Task::NotStarted => Some(0),
            Task::Running => Some(1),
            Task::Retrying => Some(2),
            Task::Stopped => Some(3),
            Task::Exited => Some(-1),
            Task::Never => None,
        }
    }
}

/// A typed call of the setup, which must succeed.
fn setup_call(
    engine: &mut Engine,
    action: &str,
    params: &[(&str, &str)],
    now: DateTime<Utc>,
) -> Outcome {
    let object = typed_object(action, &owned(params)).unwrap();
    let outcome = typed_call(engine, &account(), action, object, now);
    assert_eq!(outcome.code, "OK", "{action}: {}", outcome.body);
    outcome
}

/// An engine whose account holds one url task with three files (StartTime 10:00, EndTime
/// 12:00, created at 09:00) in `st`, at a `now` where it is in that state: 09:01 before
/// the start, 10:30 running or never existed, and a minute after the fault, the Stop or
/// the Delete of 10:30 otherwise.
fn task_setup(st: Task) -> Setup {
    let mut engine = Engine::new(Config::default());
    let t = at("2030-01-01T10:30:00Z");
    if st == Task::Never {
        return Setup {
            snapshot: engine.snapshot(),
            target: NO_SUCH_TASK.to_owned(),
            now: t,
            state: st.label(),
            status: None,
        };
    }
    let files = r#"["https://cdn.example.com/v0.mp4","https://cdn.example.com/v1.mp4","https://cdn.example.com/v2.mp4"]"#;
    let create = [
        ("Region", REGION),
        ("StartTime", START),
        ("EndTime", END),
        ("SourceType", "url"),
        ("SourceUrls", files),
        ("DstUrl", TASK_DST),
    ];
    let created = setup_call(&mut engine, "CreateLivePullToPush", &create, at(CREATED));
    let id = created.body["TaskId"].as_str().unwrap().to_owned();
    let by_id = [("TaskId", id.as_str()), ("Region", REGION)];
    let now = match st {
        Task::NotStarted => at(CREATED) + secs(60),
        Task::Running => t,
        Task::Retrying => {
            let task = id.as_str().try_into().unwrap();
            engine
                .report_stream(&account(), &task, StreamReport::PullFailed, t)
                .unwrap();
            t + secs(60)
        }
        Task::Stopped => {
            setup_call(&mut engine, "StopLivePullToPush", &by_id, t);
            t + secs(60)
        }
        Task::Exited => {
            setup_call(&mut engine, "DeleteLivePullToPush", &by_id, t);
            t + secs(60)
        }
        Task::Never => unreachable!(),
    };
    let shown = describe(&mut engine, &id, REGION, now);
    assert_eq!(shown.body["TaskStatus"], st.code().unwrap(), "{st:?}");
    Setup {
        snapshot: engine.snapshot(),
        target: id,
        now,
        state: st.label(),
        status: st.code(),
    }
}

/// A pull-to-push call; Update comes with three different fields, each with its own rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TaskOp {
    Create,
    /// UpdateLivePullToPush with RepeatNumber, which may change in every state but exited.
    UpdateRepeat,
    /// UpdateLivePullToPush with StartTime, which may change only before the start or when
    /// stopped.
    UpdateStart,
    /// UpdateLivePullToPush with another Region, which moves a task only before its start.
    UpdateRegion,
    Delete,
    Describe,
    DescribeList,
    Stop,
    Restart,
}

impl TaskOp {
    fn action(self) -> &'static str {
        match self {
            TaskOp::Create => "CreateLivePullToPush",
            TaskOp::UpdateRepeat | TaskOp::UpdateStart | TaskOp::UpdateRegion => {
                "UpdateLivePullToPush"
            }
            TaskOp::Delete => "DeleteLivePullToPush",
            TaskOp::Describe => "DescribeLivePullToPush",
            TaskOp::DescribeList => "DescribeLivePullToPushList",
            TaskOp::Stop => "StopLivePullToPush",
            TaskOp::Restart => "RestartLivePullToPush",
        }
    }
}

/// A valid call of `op` about the setup's task.
fn task(setup: &Setup, op: TaskOp) -> Call<'_> {
    let by_id = [("TaskId", "{target}"), ("Region", REGION)];
    let params = match op {
        TaskOp::Create => owned(&[
            ("Region", REGION),
            ("StartTime", "2030-01-01T11:00:00Z"),
            ("EndTime", "2030-01-01T11:30:00Z"),
            ("SourceType", "url"),
            ("SourceUrls", r#"["https://cdn.example.com/new.mp4"]"#),
            ("DstUrl", "rtmp://push.example.com/live/new"),
        ]),
        TaskOp::UpdateRepeat => owned(&[by_id[0], by_id[1], ("RepeatNumber", "2")]),
        TaskOp::UpdateStart => owned(&[by_id[0], by_id[1], ("StartTime", NEW_START)]),
        TaskOp::UpdateRegion => owned(&[by_id[0], ("Region", OTHER_REGION)]),
        TaskOp::Delete | TaskOp::Describe | TaskOp::Stop | TaskOp::Restart => owned(&by_id),
        TaskOp::DescribeList => owned(&[("Region", REGION)]),
    };
    Call::new(P2P, op.action(), setup, params)
}

const NOT_EXIST: Exp = no("CodeTaskNotExist");
const STARTED: Exp = no("CodeTaskHasStarted");
const STOPPED: Exp = no("CodeTaskHasStopped");
const SAME: Exp = ok(After::Same);
const TO_STOPPED: Exp = ok(After::TaskStatus(3));
const TO_RUNNING: Exp = ok(After::TaskStatus(1));
const TO_EXITED: Exp = ok(After::TaskStatus(-1));
const REPEAT: Exp = ok(After::Repeat2);
const START_SET: Exp = ok(After::NewStart);

/// Each pull-to-push call in each task state, from the README's "Every call on a task, by
/// state" table and the update table, and `CodeTaskNotExist` for a task that never existed.
#[rustfmt::skip]
const TASK_TABLE: [(TaskOp, [Exp; 6]); 9] = [
    //                     not started         running      retrying     stopped      exited     never existed
    (TaskOp::Create,       [ok(After::Created); 6]),
    (TaskOp::UpdateRepeat, [REPEAT,            REPEAT,      REPEAT,      REPEAT,      NOT_EXIST, NOT_EXIST]),
    (TaskOp::UpdateStart,  [START_SET,         STARTED,     STARTED,     START_SET,   NOT_EXIST, NOT_EXIST]),
    (TaskOp::UpdateRegion, [ok(After::Moved),  STARTED,     STARTED,     STARTED,     NOT_EXIST, NOT_EXIST]),
    (TaskOp::Delete,       [TO_EXITED,         TO_EXITED,   TO_EXITED,   TO_EXITED,   NOT_EXIST, NOT_EXIST]),
    (TaskOp::Describe,     [SAME,              SAME,        SAME,        SAME,        SAME,      NOT_EXIST]),
    (TaskOp::DescribeList, [SAME,              SAME,        SAME,        SAME,        SAME,      SAME]),
    (TaskOp::Stop,         [SAME,              TO_STOPPED,  TO_STOPPED,  STOPPED,     NOT_EXIST, NOT_EXIST]),
    (TaskOp::Restart,      [SAME,              TO_RUNNING,  TO_RUNNING,  TO_RUNNING,  NOT_EXIST, NOT_EXIST]),
];

/// The parameter a Missing probe leaves out, and the (parameter, value) a Malformed probe
/// sends, per pull-to-push call.
fn task_breakage(op: TaskOp) -> (&'static str, (&'static str, &'static str)) {
    match op {
        TaskOp::Create => ("SourceUrls", ("StartTime", "2030-01-01T11:00:00+08:00")),
        TaskOp::UpdateRepeat | TaskOp::UpdateStart | TaskOp::UpdateRegion => {
            ("TaskId", ("RepeatNumber", "-2"))
        }
        TaskOp::Delete | TaskOp::Describe | TaskOp::Stop | TaskOp::Restart => {
            ("Region", ("Region", "mars-1"))
        }
        TaskOp::DescribeList => ("Region", ("PageSize", "101")),
    }
}

/// The configuration with these entitlements.
fn live(service: Access, domains: Access) -> Config {
    Config {
        live_service: service,
        live_domains: domains,
        ..Config::default()
    }
}

fn task_matrix(rec: &mut Record) {
    for (i, st) in TASK_STATES.into_iter().enumerate() {
        let setup = task_setup(st);
        for (op, row) in TASK_TABLE {
            rec.expect(task(&setup, op), row[i]);
            let (missing, (field, value)) = task_breakage(op);
            rec.expect(
                task(&setup, op).without(missing),
                bad("MissingParameter", missing),
            );
            rec.expect(
                task(&setup, op).set(field, value),
                bad("InvalidParameter", field),
            );
            let no_service = live(only_other(), Access::Everyone);
            rec.expect(
                task(&setup, op).under(no_service),
                no("LiveServiceNotFound"),
            );
            let no_domain = live(Access::Everyone, only_other());
            rec.expect(task(&setup, op).under(no_domain), no("CodeInvalidAliUid"));
        }
    }
}

/// The pull-to-push errors no state reaches on its own.
fn task_error_paths(rec: &mut Record) {
    let never = task_setup(Task::Never);
    let not_started = task_setup(Task::NotStarted);
    let running = task_setup(Task::Running);
    let stopped = task_setup(Task::Stopped);
    let exited = task_setup(Task::Exited);
    let duration = no("InvalidParam.CodeIllegalDuration");

    // The window on Create: StartTime not before EndTime, EndTime not after now (10:30),
    // longer than seven days.
    for (start, end) in [
        ("2030-01-01T11:30:00Z", "2030-01-01T11:30:00Z"),
        ("2030-01-01T09:30:00Z", "2030-01-01T10:30:00Z"),
        ("2030-01-01T11:00:00Z", "2030-01-08T11:00:01Z"),
    ] {
        let create = task(&never, TaskOp::Create).set("StartTime", start);
        rec.expect(create.set("EndTime", end), duration);
    }
    // On Update: from the request alone (EndTime not after now, 09:01), then on the merged
    // values (a new StartTime after the stored EndTime), and FileIndex against the stored
    // list of three files.
    let update = task(&not_started, TaskOp::UpdateRepeat);
    rec.expect(update.set("EndTime", "2030-01-01T09:00:00Z"), duration);
    let update = task(&stopped, TaskOp::UpdateStart);
    rec.expect(update.set("StartTime", "2030-01-01T12:30:00Z"), duration);
    let update = task(&not_started, TaskOp::UpdateRepeat);
    rec.expect(
        update.set("FileIndex", "3"),
        bad("InvalidParameter", "FileIndex"),
    );
    // A playlist-only field on a live source: a rule across fields of Create for a strict
    // engine; taken and ignored by a default one (docs/fidelity.md).
    let live_source = || {
        task(&never, TaskOp::Create)
            .set("SourceType", "live")
            .set("SourceProtocol", "rtmp")
            .set("SourceUrls", r#"["rtmp://src.example.com/live/z"]"#)
            .set("RepeatNumber", "1")
    };
    let exp = bad("InvalidParameter", "RepeatNumber");
    rec.expect(live_source().under(strict()), exp);
    rec.expect(live_source(), ok(After::Created));

    // The task limit, and the destination held by a task that has not exited (an exited
    // one frees both).
    let one_task = Config {
        task_limits: TaskLimits {
            max_tasks: 1,
            ..TaskLimits::default()
        },
        ..Config::default()
    };
    let create = |setup| task(setup, TaskOp::Create);
    rec.expect(
        create(&not_started).under(one_task.clone()),
        no("CodeTaskLimitExceeded"),
    );
    rec.expect(create(&exited).under(one_task), ok(After::Created));
    rec.expect(
        create(&running).set("DstUrl", TASK_DST).under(strict()),
        no("CodeDstUrlOccupied"),
    );
    rec.expect(create(&running).set("DstUrl", TASK_DST), ok(After::Created));
    rec.expect(create(&exited).set("DstUrl", TASK_DST), ok(After::Created));

    // The id generator: an invalid id, then the id of a task the account has.
    rec.expect(
        create(&never).fixed_id(IdKind::Task, "not an id"),
        no("InternalError"),
    );
    let taken = &not_started.target;
    rec.expect(
        create(&not_started).fixed_id(IdKind::Task, taken),
        no("InternalError"),
    );

    // Precedence: validation before entitlement, LiveServiceNotFound before
    // CodeInvalidAliUid, entitlement before the lookup.
    let describe = || task(&never, TaskOp::Describe).under(live(only_other(), only_other()));
    rec.expect(
        describe().set("Region", "mars-1"),
        bad("InvalidParameter", "Region"),
    );
    rec.expect(describe(), no("LiveServiceNotFound"));
}

// ---- the wire's own checks ------------------------------------------------------------------------

/// A call through the wire alone (the gateway's checks have no typed request).
struct WireCall {
    family: &'static str,
    op: &'static str,
    account: &'static str,
    params: Vec<(String, String)>,
}

impl Record {
    /// Makes the call on `engine`, whose task falls due at `now`: a gateway refusal applies
    /// nothing, not even the time.
    fn expect_gateway(
        &mut self,
        engine: &mut Engine,
        call: WireCall,
        now: DateTime<Utc>,
        exp: Exp,
    ) {
        let before = engine.state().clone();
        let deadline = engine.next_deadline();
        let outcome = wire_call(engine, call.account, &call.params, now);
        let what = format!("{} {:?}: {}", call.op, call.params, outcome.body);
        assert_eq!(outcome.code, exp.code, "{what}");
        assert_eq!(outcome.field.as_deref(), exp.field, "{what}");
        assert_eq!(
            engine.state(),
            &before,
            "{what}: a gateway refusal changed the state"
        );
        assert_eq!(engine.next_deadline(), deadline, "{what}");
        let state = if call.family == WIRE {
            "—"
        } else {
            Task::Never.label()
        };
        self.add(call.family, state, call.op, &outcome.code);
    }
}

fn wire_error_paths(rec: &mut Record) {
    // A task not started whose StartTime (10:00) is past at 10:30: a call that reached the
    // operation would start it first.
    let setup = task_setup(Task::NotStarted);
    let now = at("2030-01-01T10:30:00Z");
    let mut engine = Engine::restore(Config::default(), setup.snapshot);
    assert!(engine.next_deadline().is_some_and(|d| d <= now));

    let edge_list = |version: &str| {
        let mut params = with_action("ListEdgeTranscodeJob", &owned(&[("ClusterId", CLUSTER)]));
        params[1].1 = version.to_owned();
        params
    };
    let task_list = |version: &str| {
        let mut params = with_action("DescribeLivePullToPushList", &owned(&[("Region", REGION)]));
        params[1].1 = version.to_owned();
        params
    };
    let call = |family, op, params| WireCall {
        family,
        op,
        account: ACCOUNT,
        params,
    };
    let version = live_lifecycle::API_VERSION;

    for action in ["NoSuchAction", "listedgetranscodejob"] {
        let mut params = edge_list(version);
        params[0].1 = action.to_owned();
        let unknown = call(WIRE, "(unknown action)", params);
        rec.expect_gateway(&mut engine, unknown, now, no("InvalidAction.NotFound"));
    }
    let mut params = edge_list(version);
    params.remove(0);
    let exp = bad("MissingParameter", "Action");
    rec.expect_gateway(&mut engine, call(WIRE, "(no action)", params), now, exp);

    let list = call(EDGE, "ListEdgeTranscodeJob", edge_list("2014-08-15"));
    rec.expect_gateway(&mut engine, list, now, no("InvalidVersion"));
    let list = call(P2P, "DescribeLivePullToPushList", task_list(""));
    rec.expect_gateway(&mut engine, list, now, no("InvalidVersion"));

    let mut list = call(EDGE, "ListEdgeTranscodeJob", edge_list(version));
    list.account = "";
    rec.expect_gateway(&mut engine, list, now, bad("InvalidParameter", "AccountId"));
    let mut params = task_list(version);
    params.extend((0..200).map(|i| (format!("Extra{i}"), "1".to_owned())));
    let list = call(P2P, "DescribeLivePullToPushList", params);
    rec.expect_gateway(
        &mut engine,
        list,
        now,
        bad("InvalidParameter", "Parameters"),
    );

    // The documented rates: 10 calls a second for pull-to-push; 6,000 a minute for edge
    // transcoding (a rate of 3 keeps the test fast: the windows are the same code).
    let params = task_list(version);
    for _ in 0..10 {
        assert_eq!(wire_call(&mut engine, ACCOUNT, &params, now).code, "OK");
    }
    let list = call(P2P, "DescribeLivePullToPushList", params.clone());
    rec.expect_gateway(&mut engine, list, now, no("Throttling.User"));
    let next_second = wire_call(&mut engine, ACCOUNT, &params, now + secs(1));
    assert_eq!(next_second.code, "OK", "a new window");

    let three = Rate {
        calls: 3,
        per_secs: 60,
    };
    let mut engine = Engine::new(Config {
        throttle: Throttle {
            edge: Some(three),
            ..Throttle::default()
        },
        ..Config::default()
    });
    let mut params = edge_list(version);
    params[0].1 = "ListEdgeTranscodeTemplate".into();
    for _ in 0..3 {
        assert_eq!(wire_call(&mut engine, ACCOUNT, &params, now).code, "OK");
    }
    let list = call(EDGE, "ListEdgeTranscodeTemplate", params);
    rec.expect_gateway(&mut engine, list, now, no("Throttling.User"));
    let documented = (
        Rate {
            calls: 6000,
            per_secs: 60,
        },
        Rate {
            calls: 10,
            per_secs: 1,
        },
    );
    let default = Throttle::default();
    assert_eq!(
        (default.edge, default.pull_to_push),
        (Some(documented.0), Some(documented.1))
    );
}

// ---- the README's lists ---------------------------------------------------------------------------

/// The codes of the README's "Error codes" table.
fn documented_codes() -> BTreeSet<String> {
    let t = table(section("Error codes"), "Code");
    let column = t.column("Code");
    t.rows.iter().map(|r| common::plain(&r[column])).collect()
}

/// Each operation of the README's two operation tables with the codes its Errors column
/// lists.
fn documented_op_codes() -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for title in ["Edge operations", "Pull-to-push operations"] {
        let t = table(section(title), "Operation");
        let errors = t.column("Errors");
        for row in &t.rows {
            let codes = spans(&row[errors]).into_iter().map(str::to_owned).collect();
            out.insert(common::plain(&row[0]), codes);
        }
    }
    out
}

// ---- the count ------------------------------------------------------------------------------------

#[test]
fn every_pair_and_every_documented_code_is_reached() {
    let mut rec = Record::default();
    edge_matrix(&mut rec);
    task_matrix(&mut rec);
    edge_error_paths(&mut rec);
    task_error_paths(&mut rec);
    wire_error_paths(&mut rec);
    rec.print();

    // Every (state, operation) pair of both families was tried.
    let pairs = rec.pairs();
    let mut missing_pairs = Vec::new();
    for st in JOB_STATES {
        for (op, _) in EDGE_TABLE {
            if !pairs.contains(&(EDGE, st.label(), op.action())) {
                missing_pairs.push(format!("{EDGE} {} {}", st.label(), op.action()));
            }
        }
    }
    for st in TASK_STATES {
        for (op, _) in TASK_TABLE {
            if !pairs.contains(&(P2P, st.label(), op.action())) {
                missing_pairs.push(format!("{P2P} {} {}", st.label(), op.action()));
            }
        }
    }
    assert!(
        missing_pairs.is_empty(),
        "pairs never tried: {missing_pairs:?}"
    );
    let edge_pairs = pairs.iter().filter(|(f, ..)| *f == EDGE).count();
    let task_pairs = pairs.iter().filter(|(f, ..)| *f == P2P).count();
    assert_eq!((edge_pairs, task_pairs), (3 * 9, 6 * 7));

    // Every documented code was produced, and no other.
    let documented = documented_codes();
    assert_eq!(documented.len(), 20, "{documented:?}");
    let reached: BTreeSet<String> = rec
        .codes()
        .into_iter()
        .filter(|c| *c != "OK")
        .map(str::to_owned)
        .collect();
    let never: Vec<&String> = documented.difference(&reached).collect();
    assert!(
        never.is_empty(),
        "documented codes never produced: {never:?}"
    );
    let undocumented: Vec<&String> = reached.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "codes the README does not list: {undocumented:?}"
    );

    // Every (operation, code) of the operation tables was reached, and each operation gave
    // only codes its row lists (the gateway's own codes aside).
    let listed = documented_op_codes();
    assert_eq!(listed.len(), 16);
    let op_codes = rec.op_codes();
    let mut unreached = Vec::new();
    for (op, codes) in &listed {
        for code in codes {
            if !op_codes.contains(&(op.as_str(), code.as_str())) {
                unreached.push(format!("{op} {code}"));
            }
        }
    }
    assert!(
        unreached.is_empty(),
        "listed but never reached: {unreached:?}"
    );
    let mut unlisted = Vec::new();
    for (op, code) in &op_codes {
        if *code == "OK" || GATEWAY_CODES.contains(code) {
            continue;
        }
        if !listed[*op].contains(*code) {
            unlisted.push(format!("{op} {code}"));
        }
    }
    assert!(
        unlisted.is_empty(),
        "reached but not listed for the operation: {unlisted:?}"
    );
}
