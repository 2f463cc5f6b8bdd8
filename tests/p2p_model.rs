//! Model-based test of the pull-to-push family (proptest-state-machine).
//!
//! A reference model, written from the documented behaviour (spec §3, seed 004, the README's
//! tables and behaviour notes) and not from `src/pull_to_push`, runs beside a real [`Engine`]
//! under a simulated clock (whole seconds after 2030-01-01T00:00:00Z, never going back). The
//! engine is configured small: 3 non-exited tasks per account, a 1-hour longest window, a
//! 10-minute retention; 2 accounts, 3 regions, at most 4 tasks held at once (8 per case);
//! windows of minutes, RetryInterval 60 or 120 s, RetryCount 0–3.
//!
//! Each transition first moves the clock (no move, small and large jumps, or exactly onto /
//! one second before a task's StartTime, EndTime, give-up time or retention end, or onto the
//! moment where a fault gives up exactly at EndTime), then makes one of the seven calls, valid
//! or deliberately not (unknown, missing or malformed ids, the other account, a wrong or
//! invalid region, missing or malformed fields, bad windows, a wrong state, the task limit, an
//! occupied DstUrl), sends a stream report (faults, recoveries, positions, file ends), or just
//! advances; half the calls are preceded by an explicit `advance(now)`, half rely on the
//! call's own. After every step the test checks:
//!
//! * the engine's answer (Ok, or the exact error code / [`ReportError`] variant) is the
//!   model's, and DescribeList returns the model's total and tasks, newest first;
//! * a refused call, a read and a documented no-op leave exactly the state `advance(now)`
//!   alone leaves, and record exactly its events (compared against a restored copy of the
//!   engine advanced to the same `now` when the call advances by itself);
//! * `advance` applies as many transitions as the model; `next_deadline` is the model's
//!   earliest deadline; `State::invariants_hold`; events are dated in non-decreasing order;
//! * every task's Describe (TaskStatus, TaskInvalidReason, TaskExitReason and TaskExitTime,
//!   CurrentFileIndex / CurrentOffset, the whole TaskInfo) matches the model,
//!   StartTime < EndTime, exited is terminal, removed tasks are `CodeTaskNotExist`, and a task
//!   running or retrying when the call ran changed nothing but CallbackUrl and RepeatNumber;
//! * callbacks come in non-decreasing time order, only for tasks with a CallbackUrl, one per
//!   state entry, and are exactly the model's (per task and in order: URL, account, name,
//!   region, state, time, reason).
//!
//! At the end of each case the drained event log replays (`Engine::replay`) to the same state,
//! and a serde_json round-trip of the snapshot restores to the same state and next deadline.
//!
//! Each case draws the engine's strictness (`Config::strict`, docs/fidelity.md): a default
//! engine takes RepeatNumber, Offset and FileIndex on a live source (stored, echoed, without
//! effect), ignores SourceProtocol on a playlist, takes a DstUrl another task pushes to, and
//! does not hold TaskName, RetryCount or a VOD media id to the crate's inferred limits; a
//! strict one refuses each, as the model predicts from the same flag.
//!
//! Where the docs leave a choice, the model takes the README's: Stop and Restart before the
//! start succeed without effect; a retrying task whose give-up time equals its EndTime exits
//! (OverEndTime) without going Offline first; playlist reports on a live task are
//! `NotAPlaylist` whatever its state; another pass starts at file 0, offset 0; a playlist that
//! ends keeps its last position.
//!
//! `PROPTEST_CASES` overrides the number of cases (default [`DEFAULT_CASES`]).
//! `generator_reaches_every_outcome` checks, on the model alone, that the generator reaches
//! every answer, time transition, callback and notable path; `COVERAGE_RUNS=n` runs it on `n`
//! sequences (default 1000) and prints how often each was reached.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use live_lifecycle::ids::{AccountId, TaskId};
use live_lifecycle::pull_to_push::{
    Callback, CreateLivePullToPushRequest, DeleteLivePullToPushRequest,
    DescribeLivePullToPushListRequest, DescribeLivePullToPushRequest, ReportError,
    RestartLivePullToPushRequest, StopLivePullToPushRequest, StreamReport, TaskLimits, TaskStatus,
    TaskView, UpdateLivePullToPushRequest,
};
use live_lifecycle::time::format_utc;
use live_lifecycle::{Config, Engine, Event, Rejection, Snapshot};
use proptest::prelude::*;
use proptest::strategy::{Union, ValueTree};
use proptest::test_runner::{FileFailurePersistence, TestRunner};
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};

// ---- the configuration under test ----------------------------------------------------------

/// Cases when `PROPTEST_CASES` is not set.
const DEFAULT_CASES: u32 = 512;
/// Transitions per case, at most.
const MAX_STEPS: usize = 40;
/// Non-exited tasks per account.
const MAX_TASKS: u32 = 3;
/// Longest StartTime–EndTime window, seconds.
const MAX_WINDOW: i64 = 3600;
/// How long an exited task stays describable, seconds.
const RETENTION: i64 = 600;
/// Tasks the engine holds at once (exited ones included until removed), at most.
const MAX_HELD: usize = 4;
/// Tasks created per case, at most.
const MAX_SLOTS: usize = 8;
const ACCOUNTS: [&str; 2] = ["1001", "1002"];
const REGIONS: [&str; 3] = ["cn-shanghai", "cn-beijing", "ap-southeast-1"];
const BAD_REGION: &str = "mars-1";
const UNKNOWN_ID: &str = "00000000-0000-4000-8000-00000000dead";
const MALFORMED_ID: &str = "has space";

fn config(strict: bool) -> Config {
    Config {
        task_limits: TaskLimits {
            max_tasks: MAX_TASKS,
            max_window_secs: Some(MAX_WINDOW as u32),
            exited_retention_secs: RETENTION as u32,
        },
        strict,
        ..Config::default()
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn proptest_config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        max_shrink_iters: 4096,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/p2p_model.txt",
        ))),
        ..ProptestConfig::default()
    }
}

/// The simulated clock: seconds after 2030-01-01T00:00:00Z.
fn at(secs: i64) -> DateTime<Utc> {
    "2030-01-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::seconds(secs)
}

fn account(i: usize) -> AccountId {
    AccountId::try_from(ACCOUNTS[i]).unwrap()
}

fn dst_url(i: u8) -> String {
    if i >= 3 {
        "http://push.example.com/live/bad".to_owned()
    } else {
        format!("rtmp://push.example.com/live/d{i}")
    }
}

fn callback_url(i: u8) -> String {
    format!("https://hooks.example.com/cb{i}")
}

// ---- transitions -----------------------------------------------------------------------------

/// How the clock moves before the step.
#[derive(Clone, Copy, Debug)]
enum Dt {
    Secs(i64),
    /// Onto (or one second before) a deadline of a task; no move if it has none ahead.
    To {
        slot: usize,
        which: Which,
        early: bool,
    },
    /// Onto (or one second before) the earliest deadline of all.
    Next {
        early: bool,
    },
}

#[derive(Clone, Copy, Debug)]
enum Which {
    Start,
    End,
    GiveUp,
    Removal,
    /// RetryCount × RetryInterval before EndTime: a fault then gives up exactly at EndTime.
    RetriesBeforeEnd(i64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Live,
    Vod,
    Url,
}

impl Kind {
    fn wire(self) -> &'static str {
        match self {
            Kind::Live => "live",
            Kind::Vod => "vod",
            Kind::Url => "url",
        }
    }
}

/// Which task a call names.
#[derive(Clone, Copy, Debug)]
enum IdSel {
    /// The n-th task created in this case (an unknown id if there is no such task).
    Slot(usize),
    Unknown,
    Missing,
    Malformed,
}

#[derive(Clone, Copy, Debug)]
enum RegionSel {
    /// The named task's current region (the first region if there is none).
    Own,
    Region(usize),
    Invalid,
    Missing,
}

#[derive(Clone, Copy, Debug)]
struct Target {
    id: IdSel,
    /// Call with the other account than the task's.
    other_account: bool,
    region: RegionSel,
}

/// A SourceUrls list, rendered for the task's source type.
#[derive(Clone, Copy, Debug)]
struct UrlsSel {
    n: u8,
    /// Entries that break the rules of the source type (still a well-formed list).
    bad: bool,
    /// An empty list (malformed whatever the type).
    empty: bool,
    /// Distinguishes lists of the same length.
    tag: u8,
}

#[derive(Clone, Debug)]
struct CreateSpec {
    account: usize,
    region: RegionSel,
    name: Option<u8>,
    kind: Kind,
    urls: UrlsSel,
    /// `None`: missing; 3: not an rtmp URL.
    dst: Option<u8>,
    callback: Option<u8>,
    repeat: Option<i64>,
    offset: Option<i64>,
    file_index: Option<i64>,
    retry_count: Option<i64>,
    retry_interval: Option<i64>,
    /// StartTime relative to now; `None`: missing.
    start_rel: Option<i64>,
    /// EndTime − StartTime.
    window: i64,
    quirk: Quirk,
}

/// One unusual thing about a Create request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quirk {
    None,
    /// SourceProtocol `rtmp` sent with a playlist (checked, then ignored).
    ProtocolOnPlaylist,
    /// SourceProtocol `bogus` (malformed whatever the type).
    BadProtocol,
    /// No SourceProtocol (missing for a live source).
    NoProtocol,
    /// CallbackUrl `""`: no callback.
    EmptyCallback,
    /// TaskName with a control character.
    BadName,
    /// TaskName of 129 characters.
    LongName,
    /// TaskName `""`: the default.
    EmptyName,
    /// StartTime not in the one wire format.
    BadTime,
}

#[derive(Clone, Copy, Debug)]
enum CallbackSel {
    Remove,
    Set(u8),
    Bad,
}

#[derive(Clone, Debug)]
struct UpdateSpec {
    start_rel: Option<i64>,
    end_rel: Option<i64>,
    urls: Option<UrlsSel>,
    repeat: Option<i64>,
    offset: Option<i64>,
    callback: Option<CallbackSel>,
    file_index: Option<i64>,
    /// StartTime sent empty (malformed: present but empty).
    empty_start: bool,
}

#[derive(Clone, Copy, Debug)]
enum Report {
    Pull,
    Push,
    Other,
    Recovered,
    Position { file: u32, offset: u32 },
    FileEnded,
}

impl Report {
    fn wire(self) -> StreamReport {
        match self {
            Report::Pull => StreamReport::PullFailed,
            Report::Push => StreamReport::PushFailed,
            Report::Other => StreamReport::Failed,
            Report::Recovered => StreamReport::Recovered,
            Report::Position { file, offset } => StreamReport::Position {
                file_index: file,
                offset,
            },
            Report::FileEnded => StreamReport::FileEnded,
        }
    }
}

#[derive(Clone, Debug)]
enum Op {
    Advance,
    Create(CreateSpec),
    Update(Target, UpdateSpec),
    Delete(Target),
    Describe(Target),
    Stop(Target),
    Restart(Target),
    List {
        account: usize,
        region: RegionSel,
        dst: Option<u8>,
        page_size: Option<i64>,
    },
    Report(Target, Report),
}

#[derive(Clone, Debug)]
struct Step {
    dt: Dt,
    /// Call `advance(now)` before the call (else the call's own advance does it).
    pre_advance: bool,
    op: Op,
}

// ---- the reference model ---------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq)]
enum MState {
    NotStarted,
    Running,
    Retrying { since: i64, reason: &'static str },
    Stopped { reason: Option<&'static str> },
    Exited { at: i64, reason: &'static str },
}

impl MState {
    fn status(&self) -> TaskStatus {
        match self {
            MState::NotStarted => TaskStatus::NotStarted,
            MState::Running => TaskStatus::Running,
            MState::Retrying { .. } => TaskStatus::Retrying,
            MState::Stopped { .. } => TaskStatus::Stopped,
            MState::Exited { .. } => TaskStatus::Exited,
        }
    }
}

#[derive(Clone, Debug)]
struct MTask {
    account: usize,
    region: usize,
    name: String,
    kind: Kind,
    urls: Vec<String>,
    dst: u8,
    callback: Option<String>,
    repeat: i64,
    offset: u32,
    file_index: u32,
    retry_count: u32,
    retry_interval: u32,
    start: i64,
    end: i64,
    state: MState,
    /// Playback position: file, seconds into it, completed passes.
    pos: (u32, u32),
    passes: u32,
    /// Removed after its retention.
    gone: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Due {
    Start,
    End,
    GiveUp,
    Remove,
}

impl MTask {
    fn live(&self) -> bool {
        !self.gone && !matches!(self.state, MState::Exited { .. })
    }

    fn give_up_at(&self, since: i64) -> i64 {
        since + i64::from(self.retry_count) * i64::from(self.retry_interval)
    }

    /// The next thing time does to the task. A retrying task whose EndTime comes no later
    /// than its give-up time exits (the end wins a tie).
    fn due(&self) -> Option<(i64, Due)> {
        if self.gone {
            return None;
        }
        Some(match self.state {
            MState::NotStarted => (self.start, Due::Start),
            MState::Running | MState::Stopped { .. } => (self.end, Due::End),
            MState::Retrying { since, .. } => {
                let give_up = self.give_up_at(since);
                if self.end <= give_up {
                    (self.end, Due::End)
                } else {
                    (give_up, Due::GiveUp)
                }
            }
            MState::Exited { at, .. } => (at + RETENTION, Due::Remove),
        })
    }

    fn rewind(&mut self) {
        // A live source has no playlist: its FileIndex and Offset (a default engine takes
        // them) do nothing.
        self.pos = match self.kind {
            Kind::Live => (0, 0),
            Kind::Vod | Kind::Url => (self.file_index, self.offset),
        };
        self.passes = 0;
    }
}

/// What one callback should carry.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ExpCb {
    slot: usize,
    account: usize,
    url: String,
    name: String,
    region: usize,
    state: &'static str,
    time: i64,
    reason: Option<&'static str>,
}

/// How the SUT names a task.
#[derive(Clone, Debug)]
enum IdText {
    Slot(usize),
    Text(Option<String>),
}

/// The concrete request the model decided on, for the SUT to send.
#[derive(Clone, Debug, Default)]
enum Req {
    #[default]
    Advance,
    Create(usize, CreateLivePullToPushRequest),
    Update(usize, IdText, UpdateLivePullToPushRequest),
    Delete(usize, IdText, Option<String>),
    Describe(usize, IdText, Option<String>),
    Stop(usize, IdText, Option<String>),
    Restart(usize, IdText, Option<String>),
    List(usize, DescribeLivePullToPushListRequest),
    Report(usize, IdText, StreamReport),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Outcome {
    #[default]
    Advanced,
    Call(Result<(), &'static str>),
    /// Total and the listed slots, in order.
    Listed(Result<(u64, Vec<usize>), &'static str>),
    Report(Result<(), ReportError>),
}

/// What the model expects of the step just applied.
#[derive(Clone, Debug, Default)]
struct StepExpect {
    req: Req,
    outcome: Outcome,
    /// Transitions the clock move applied before the call.
    pre_transitions: usize,
    /// Whether the call itself changed anything (false: refused, read, or documented no-op).
    call_changed: bool,
    callbacks: Vec<ExpCb>,
    /// Each task's status when the call ran (after the clock move).
    at_call: Vec<TaskStatus>,
    /// What time did in this step (for the coverage test).
    fired: Vec<Due>,
    /// Notable paths taken (for the coverage test).
    notes: Vec<&'static str>,
}

#[derive(Clone, Debug, Default)]
struct Model {
    /// Whether the engine is strict (`Config::strict`).
    strict: bool,
    now: i64,
    tasks: Vec<MTask>,
    step: StepExpect,
}

const MISSING: &str = "MissingParameter";
const INVALID: &str = "InvalidParameter";
const DURATION: &str = "InvalidParam.CodeIllegalDuration";
const NOT_EXIST: &str = "CodeTaskNotExist";
const HAS_STARTED: &str = "CodeTaskHasStarted";
const HAS_STOPPED: &str = "CodeTaskHasStopped";
const LIMIT: &str = "CodeTaskLimitExceeded";
const DST_OCCUPIED: &str = "CodeDstUrlOccupied";

fn render_urls(kind: Kind, u: UrlsSel) -> Vec<String> {
    if u.empty {
        return Vec::new();
    }
    let tag = u.tag;
    match (kind, u.bad) {
        (Kind::Live, false) => vec![format!("rtmp://src.example.com/live/s{tag}")],
        (Kind::Live, true) if u.n >= 2 => (0..u.n)
            .map(|i| format!("rtmp://src.example.com/live/s{tag}x{i}"))
            .collect(),
        (Kind::Live, true) => vec![format!("https://src.example.com/live/s{tag}.flv#x")],
        (Kind::Vod, false) => (0..u.n).map(|i| format!("media{tag}x{i}")).collect(),
        (Kind::Vod, true) => vec![format!("https://cdn.example.com/v{tag}.mp4")],
        (Kind::Url, false) => (0..u.n)
            .map(|i| format!("https://cdn.example.com/v{tag}x{i}.mp4"))
            .collect(),
        (Kind::Url, true) => vec![format!("https://cdn.example.com/v{tag}.avi")],
    }
}

/// Whether a list the generator marked bad breaks the rules of `kind` for this engine: a URL
/// sent as a VOD media id breaks only a strict engine's (the docs give media ids no shape).
fn misfits(kind: Kind, u: UrlsSel, strict: bool) -> bool {
    u.bad && (strict || kind != Kind::Vod)
}

/// A generated FileIndex against a list of `len` entries: -1 stays (malformed), 99 is one
/// past the end, anything else is taken modulo the length (so most are in range).
fn file_index_for(f: i64, len: usize) -> i64 {
    match f {
        99 => len as i64,
        f if f >= 0 => f % len.max(1) as i64,
        f => f,
    }
}

fn region_text(r: Result<usize, bool>) -> Option<String> {
    match r {
        Ok(i) => Some(REGIONS[i].to_owned()),
        Err(true) => Some(BAD_REGION.to_owned()),
        Err(false) => None,
    }
}

fn reason_of(report: Report) -> &'static str {
    match report {
        Report::Pull => "PullStreamFailed",
        Report::Push => "PushStreamFailed",
        _ => "UnknownError",
    }
}

impl Model {
    /// Tasks the engine holds: all but the removed ones.
    fn held(&self) -> usize {
        self.tasks.iter().filter(|t| !t.gone).count()
    }

    fn next_deadline(&self) -> Option<i64> {
        self.tasks.iter().filter_map(|t| t.due().map(|d| d.0)).min()
    }

    fn callback(
        &mut self,
        slot: usize,
        state: &'static str,
        time: i64,
        reason: Option<&'static str>,
    ) {
        let t = &self.tasks[slot];
        if let Some(url) = &t.callback {
            self.step.callbacks.push(ExpCb {
                slot,
                account: t.account,
                url: url.clone(),
                name: t.name.clone(),
                region: t.region,
                state,
                time,
                reason,
            });
        }
    }

    /// Applies everything due up to `limit`, earliest first, each at its deadline (or at the
    /// current time for what a call just made overdue). Returns how many.
    fn fire_due(&mut self, limit: i64) -> usize {
        let mut count = 0;
        loop {
            let next = self
                .tasks
                .iter()
                .enumerate()
                .filter_map(|(k, t)| t.due().map(|(time, due)| (time, k, due)))
                .filter(|(time, ..)| *time <= limit)
                .min();
            let Some((time, k, due)) = next else {
                return count;
            };
            let when = time.max(self.now);
            count += 1;
            self.step.fired.push(due);
            let t = &mut self.tasks[k];
            match due {
                Due::Start => {
                    t.state = MState::Running;
                    t.rewind();
                    self.callback(k, "Running", when, None);
                }
                Due::End => {
                    if let MState::Retrying { since, .. } = t.state {
                        self.step.notes.push("time: a retrying task ends");
                        if t.give_up_at(since) == t.end {
                            self.step.notes.push("time: give-up and end coincide");
                        }
                    }
                    t.state = MState::Exited {
                        at: when,
                        reason: "OverEndTime",
                    };
                    self.callback(k, "Exit", when, Some("OverEndTime"));
                }
                Due::GiveUp => {
                    let MState::Retrying { reason, .. } = t.state else {
                        unreachable!()
                    };
                    t.state = MState::Stopped {
                        reason: Some(reason),
                    };
                    self.callback(k, "Offline", when, Some(reason));
                }
                Due::Remove => t.gone = true,
            }
        }
    }

    fn resolve_dt(&self, dt: Dt) -> i64 {
        let target = match dt {
            Dt::Secs(s) => Some(self.now + s),
            Dt::To { slot, which, early } => self
                .tasks
                .get(slot)
                .filter(|t| !t.gone)
                .and_then(|t| match (which, &t.state) {
                    (Which::Start, _) => Some(t.start),
                    (Which::End, _) => Some(t.end),
                    (Which::GiveUp, MState::Retrying { since, .. }) => Some(t.give_up_at(*since)),
                    (Which::Removal, MState::Exited { at, .. }) => Some(at + RETENTION),
                    (Which::RetriesBeforeEnd(shift), MState::Running) => {
                        Some(t.end - t.give_up_at(0) + shift)
                    }
                    _ => None,
                })
                .map(|x| x - i64::from(early)),
            Dt::Next { early } => self.next_deadline().map(|x| x - i64::from(early)),
        };
        target.filter(|x| *x >= self.now).unwrap_or(self.now)
    }

    /// Which deadline (if any) a clock move lands on or just before, for the coverage test.
    fn landing(&self, dt: Dt, now: i64) -> Option<&'static str> {
        let (Dt::To { early, .. } | Dt::Next { early }) = dt else {
            return None;
        };
        let exact = self
            .tasks
            .iter()
            .filter_map(|t| t.due())
            .filter(|(time, _)| *time - i64::from(early) == now)
            .map(|(_, due)| due)
            .min()?;
        Some(match (exact, early) {
            (Due::Start, false) => "clock: onto a StartTime",
            (Due::End, false) => "clock: onto an EndTime",
            (Due::GiveUp, false) => "clock: onto a give-up time",
            (Due::Remove, false) => "clock: onto a retention end",
            (Due::Start, true) => "clock: 1 s before a StartTime",
            (Due::End, true) => "clock: 1 s before an EndTime",
            (Due::GiveUp, true) => "clock: 1 s before a give-up time",
            (Due::Remove, true) => "clock: 1 s before a retention end",
        })
    }

    /// The slot a selector names, if it names an existing slot.
    fn slot(&self, id: IdSel) -> Option<usize> {
        match id {
            IdSel::Slot(k) if k < self.tasks.len() => Some(k),
            _ => None,
        }
    }

    fn id_text(&self, id: IdSel) -> IdText {
        match id {
            IdSel::Slot(k) if k < self.tasks.len() => IdText::Slot(k),
            IdSel::Slot(_) | IdSel::Unknown => IdText::Text(Some(UNKNOWN_ID.to_owned())),
            IdSel::Missing => IdText::Text(None),
            IdSel::Malformed => IdText::Text(Some(MALFORMED_ID.to_owned())),
        }
    }

    /// The account a target calls with.
    fn caller(&self, t: &Target) -> usize {
        match self.slot(t.id) {
            Some(k) => self.tasks[k].account ^ usize::from(t.other_account),
            None => usize::from(t.other_account),
        }
    }

    /// `Ok(region)`, `Err(true)` invalid, `Err(false)` missing.
    fn region(&self, t: &Target) -> Result<usize, bool> {
        match t.region {
            RegionSel::Own => Ok(self.slot(t.id).map_or(0, |k| self.tasks[k].region)),
            RegionSel::Region(i) => Ok(i),
            RegionSel::Invalid => Err(true),
            RegionSel::Missing => Err(false),
        }
    }

    /// Request-level checks of a call naming a task: missing, then malformed.
    fn check_ref(t: &Target, region: Result<usize, bool>) -> Result<(), &'static str> {
        if matches!(t.id, IdSel::Missing) || region == Err(false) {
            return Err(MISSING);
        }
        if matches!(t.id, IdSel::Malformed) || region == Err(true) {
            return Err(INVALID);
        }
        Ok(())
    }

    /// The task an account finds by id (and by region when given).
    fn find(&self, acct: usize, id: IdSel, region: Option<usize>) -> Option<usize> {
        let k = self.slot(id)?;
        let t = &self.tasks[k];
        (!t.gone && t.account == acct && region.is_none_or(|r| r == t.region)).then_some(k)
    }

    fn create(&mut self, s: &CreateSpec) -> Result<(), &'static str> {
        let now = self.now;
        let region = match s.region {
            RegionSel::Own => Ok(0),
            RegionSel::Region(i) => Ok(i),
            RegionSel::Invalid => Err(true),
            RegionSel::Missing => Err(false),
        };
        let start = s.start_rel.map(|r| now + r);
        let end = now + s.start_rel.unwrap_or(0) + s.window;
        let urls = render_urls(s.kind, s.urls);
        let file_index = s.file_index.map(|f| file_index_for(f, urls.len()));
        let name = match s.quirk {
            Quirk::BadName => Some("bad\u{1}name".to_owned()),
            Quirk::LongName => Some("n".repeat(129)),
            Quirk::EmptyName => Some(String::new()),
            _ => s.name.map(|i| format!("task-{i}")),
        };
        let callback = match s.quirk {
            Quirk::EmptyCallback => Some(String::new()),
            _ => s.callback.map(callback_url),
        };
        let start_text = start.map(|t| match s.quirk {
            Quirk::BadTime => format_utc(&at(t)).replace('T', " "),
            _ => format_utc(&at(t)),
        });
        let protocol = match (s.quirk, s.kind) {
            (Quirk::BadProtocol, _) => Some("bogus".to_owned()),
            (Quirk::NoProtocol, _) => None,
            (Quirk::ProtocolOnPlaylist, _) | (_, Kind::Live) => Some("rtmp".to_owned()),
            _ => None,
        };
        let req = CreateLivePullToPushRequest {
            region: region_text(region),
            task_name: name.clone(),
            start_time: start_text,
            end_time: Some(format_utc(&at(end))),
            source_type: Some(s.kind.wire().to_owned()),
            source_protocol: protocol,
            source_urls: Some(urls.clone()),
            dst_url: s.dst.map(dst_url),
            callback_url: callback.clone(),
            repeat_number: s.repeat,
            offset: s.offset,
            file_index,
            retry_count: s.retry_count,
            retry_interval: s.retry_interval,
        };
        self.step.req = Req::Create(s.account, req);

        // Missing, then malformed, then rules across fields, then the window limit.
        if region == Err(false)
            || start.is_none()
            || s.dst.is_none()
            || (s.quirk == Quirk::NoProtocol && s.kind == Kind::Live)
        {
            return Err(MISSING);
        }
        // A strict engine also refuses what the crate infers: a SourceProtocol on a
        // playlist that is no protocol, a TaskName over 128 characters, RetryCount over 30, a
        // URL as a VOD media id.
        let strict = self.strict;
        let malformed = region == Err(true)
            || matches!(s.quirk, Quirk::BadName | Quirk::BadTime)
            || (s.quirk == Quirk::BadProtocol && (strict || s.kind == Kind::Live))
            || (s.quirk == Quirk::LongName && strict)
            || s.urls.empty
            || misfits(s.kind, s.urls, strict)
            || s.dst == Some(3)
            || s.repeat.is_some_and(|r| r < -1)
            || s.offset.is_some_and(|o| o < 1)
            || file_index.is_some_and(|f| f < 0)
            || s.retry_count.is_some_and(|c| c < 0 || (strict && c > 30))
            || s.retry_interval.is_some_and(|i| !(60..=300).contains(&i));
        if malformed {
            return Err(INVALID);
        }
        let start = start.unwrap();
        if start >= end || end <= now {
            return Err(DURATION);
        }
        let playlist_fields = s.repeat.is_some() || s.offset.is_some() || file_index.is_some();
        if s.kind == Kind::Live && playlist_fields {
            if strict {
                return Err(INVALID);
            }
            self.step
                .notes
                .push("create: playlist fields on a live source taken");
        }
        let file_index = file_index.unwrap_or(0);
        if s.kind != Kind::Live && file_index >= urls.len() as i64 {
            return Err(INVALID);
        }
        if !strict && s.quirk == Quirk::BadProtocol && s.kind != Kind::Live {
            self.step
                .notes
                .push("create: SourceProtocol of a playlist ignored");
        }
        if end - start > MAX_WINDOW {
            return Err(DURATION);
        }
        let mine = || {
            self.tasks
                .iter()
                .filter(|t| t.account == s.account && t.live())
        };
        if mine().count() >= MAX_TASKS as usize {
            return Err(LIMIT);
        }
        let dst = s.dst.unwrap();
        if mine().any(|t| t.dst == dst) {
            // The docs say only that the ingest fails: a default engine takes the task.
            if strict {
                return Err(DST_OCCUPIED);
            }
            self.step.notes.push("create: DstUrl in use taken");
        }
        let mut task = MTask {
            account: s.account,
            region: region.unwrap(),
            name: name.unwrap_or_default(),
            kind: s.kind,
            urls,
            dst,
            callback: callback.filter(|c| !c.is_empty()),
            repeat: s.repeat.unwrap_or(0),
            offset: s.offset.unwrap_or(0) as u32,
            file_index: file_index as u32,
            retry_count: s.retry_count.unwrap_or(3) as u32,
            retry_interval: s.retry_interval.unwrap_or(60) as u32,
            start,
            end,
            state: MState::NotStarted,
            pos: (0, 0),
            passes: 0,
            gone: false,
        };
        task.rewind();
        if start <= now {
            self.step.notes.push("create: starts at once");
        }
        if self
            .tasks
            .iter()
            .any(|t| t.account == s.account && !t.gone && !t.live() && t.dst == dst)
        {
            self.step
                .notes
                .push("create: DstUrl of an exited task reused");
        }
        self.tasks.push(task);
        Ok(())
    }

    fn update(&mut self, t: &Target, u: &UpdateSpec) -> Result<(), &'static str> {
        let now = self.now;
        let acct = self.caller(t);
        let region = self.region(t);
        let kind = self.slot(t.id).map_or(Kind::Url, |k| self.tasks[k].kind);
        let urls = u.urls.map(|sel| render_urls(kind, sel));
        let len = urls.as_ref().map_or_else(
            || self.slot(t.id).map_or(1, |k| self.tasks[k].urls.len()),
            Vec::len,
        );
        let file_index = u.file_index.map(|f| file_index_for(f, len));
        let callback = u.callback.map(|c| match c {
            CallbackSel::Remove => String::new(),
            CallbackSel::Set(i) => callback_url(i),
            CallbackSel::Bad => "ftp://hooks.example.com/cb".to_owned(),
        });
        let req = UpdateLivePullToPushRequest {
            task_id: None,
            region: region_text(region),
            start_time: if u.empty_start {
                Some(String::new())
            } else {
                u.start_rel.map(|r| format_utc(&at(now + r)))
            },
            end_time: u.end_rel.map(|r| format_utc(&at(now + r))),
            source_urls: urls.clone(),
            repeat_number: u.repeat,
            offset: u.offset,
            callback_url: callback.clone(),
            file_index,
        };
        self.step.req = Req::Update(acct, self.id_text(t.id), req);

        // The request alone: missing, malformed, then its own window rules.
        Self::check_ref(t, region)?;
        let malformed = u.empty_start
            || u.urls.is_some_and(|s| s.empty)
            || u.repeat.is_some_and(|r| r < -1)
            || u.offset.is_some_and(|o| o < 1)
            || matches!(u.callback, Some(CallbackSel::Bad))
            || file_index.is_some_and(|f| f < 0);
        if malformed {
            return Err(INVALID);
        }
        let start = u.start_rel.map(|r| now + r);
        let end = u.end_rel.map(|r| now + r);
        if let (Some(s), Some(e)) = (start, end)
            && s >= e
        {
            return Err(DURATION);
        }
        if end.is_some_and(|e| e <= now) {
            return Err(DURATION);
        }
        // The task, by id only: Region of an Update asks to move it.
        let k = self.find(acct, t.id, None).ok_or(NOT_EXIST)?;
        let task = &self.tasks[k];
        let region = region.unwrap();
        let moves = region != task.region;
        let more = moves
            || start.is_some()
            || end.is_some()
            || urls.is_some()
            || u.offset.is_some()
            || file_index.is_some();
        match task.state {
            MState::Exited { .. } => return Err(NOT_EXIST),
            MState::Running | MState::Retrying { .. } if more => return Err(HAS_STARTED),
            MState::Stopped { .. } if moves => return Err(HAS_STARTED),
            _ => {}
        }
        // Rules that need the stored task and the merged values.
        let strict = self.strict;
        if u.urls.is_some_and(|s| misfits(task.kind, s, strict)) {
            self.step.notes.push("update: list misfits the source type");
            return Err(INVALID);
        }
        if start.is_some() || end.is_some() {
            let s = start.unwrap_or(task.start);
            let e = end.unwrap_or(task.end);
            if s >= e || e <= now || e - s > MAX_WINDOW {
                return Err(DURATION);
            }
        }
        let playlist_fields = u.repeat.is_some() || u.offset.is_some() || file_index.is_some();
        let live_playlist_fields = task.kind == Kind::Live && playlist_fields;
        if live_playlist_fields && strict {
            return Err(INVALID);
        }
        let len = urls.as_ref().map_or(task.urls.len(), Vec::len);
        let file_index = file_index.unwrap_or(i64::from(task.file_index));
        if task.kind != Kind::Live && file_index >= len as i64 {
            return Err(INVALID);
        }
        if live_playlist_fields {
            self.step
                .notes
                .push("update: playlist fields on a live source taken");
            if u.repeat.is_some() && matches!(task.state, MState::Running) {
                // Issue #22: RepeatNumber on a running live task.
                self.step
                    .notes
                    .push("update: RepeatNumber of a running live task");
            }
        }

        let task = &mut self.tasks[k];
        if moves {
            self.step.notes.push("update: moves region");
        }
        if matches!(task.state, MState::Running | MState::Retrying { .. }) {
            self.step.notes.push("update: while running");
        }
        if matches!(task.state, MState::Stopped { .. }) && more {
            self.step.notes.push("update: while stopped");
        }
        task.region = region;
        if let Some(s) = start {
            task.start = s;
        }
        if let Some(e) = end {
            task.end = e;
        }
        if let Some(urls) = urls {
            task.urls = urls;
        }
        if let Some(r) = u.repeat {
            task.repeat = r;
        }
        if let Some(o) = u.offset {
            task.offset = o as u32;
        }
        if callback.as_deref() == Some("") && task.callback.is_some() {
            self.step.notes.push("update: callback removed");
        }
        if let Some(c) = callback {
            task.callback = (!c.is_empty()).then_some(c);
        }
        task.file_index = file_index as u32;
        if task.state == MState::NotStarted {
            task.rewind();
            if task.start <= now {
                self.step.notes.push("update: starts at once");
            }
        }
        Ok(())
    }

    /// Delete, Describe, Stop, Restart: `Ok(true)` when the call changed the task.
    fn task_call(&mut self, op: &Op) -> Result<bool, &'static str> {
        let now = self.now;
        let (Op::Delete(t) | Op::Describe(t) | Op::Stop(t) | Op::Restart(t)) = op else {
            unreachable!()
        };
        let acct = self.caller(t);
        let region = self.region(t);
        let id = self.id_text(t.id);
        let rt = region_text(region);
        self.step.req = match op {
            Op::Delete(_) => Req::Delete(acct, id, rt),
            Op::Describe(_) => Req::Describe(acct, id, rt),
            Op::Stop(_) => Req::Stop(acct, id, rt),
            _ => Req::Restart(acct, id, rt),
        };
        Self::check_ref(t, region)?;
        let k = self
            .find(acct, t.id, Some(region.unwrap()))
            .ok_or(NOT_EXIST)?;
        let state = self.tasks[k].state.clone();
        match (op, state) {
            (Op::Describe(_), MState::Exited { .. }) => {
                self.step.notes.push("describe: exited");
                Ok(false)
            }
            (Op::Describe(_), _) => Ok(false),
            (_, MState::Exited { .. }) => Err(NOT_EXIST),
            (Op::Delete(_), _) => {
                self.tasks[k].state = MState::Exited {
                    at: now,
                    reason: "TriggerByUser",
                };
                self.callback(k, "Exit", now, Some("TriggerByUser"));
                Ok(true)
            }
            (Op::Stop(_) | Op::Restart(_), MState::NotStarted) => {
                self.step.notes.push("stop/restart: no effect before start");
                Ok(false)
            }
            (Op::Stop(_), MState::Stopped { .. }) => Err(HAS_STOPPED),
            (Op::Stop(_), state) => {
                if matches!(state, MState::Retrying { .. }) {
                    self.step.notes.push("stop: retrying");
                }
                self.tasks[k].state = MState::Stopped { reason: None };
                self.callback(k, "Offline", now, None);
                Ok(true)
            }
            (_, _) => {
                let task = &mut self.tasks[k];
                if matches!(task.state, MState::Stopped { .. }) {
                    self.step.notes.push("restart: stopped");
                }
                if matches!(task.state, MState::Retrying { .. }) {
                    self.step.notes.push("restart: retrying");
                }
                task.state = MState::Running;
                task.rewind();
                self.callback(k, "Running", now, None);
                Ok(true)
            }
        }
    }

    fn list(
        &mut self,
        acct: usize,
        region: RegionSel,
        dst: Option<u8>,
        page_size: Option<i64>,
    ) -> Result<(u64, Vec<usize>), &'static str> {
        let region = match region {
            RegionSel::Own => Ok(0),
            RegionSel::Region(i) => Ok(i),
            RegionSel::Invalid => Err(true),
            RegionSel::Missing => Err(false),
        };
        let filter = dst.map(|i| format!("D{i}"));
        self.step.req = Req::List(
            acct,
            DescribeLivePullToPushListRequest {
                region: region_text(region),
                dst_url: filter.clone(),
                page_size,
                ..Default::default()
            },
        );
        let region = match region {
            Ok(r) => r,
            Err(false) => return Err(MISSING),
            Err(true) => return Err(INVALID),
        };
        if page_size.is_some_and(|p| !(1..=100).contains(&p)) {
            return Err(INVALID);
        }
        let hits: Vec<usize> = (0..self.tasks.len())
            .rev()
            .filter(|&k| {
                let t = &self.tasks[k];
                !t.gone && t.account == acct && t.region == region && dst.is_none_or(|i| t.dst == i)
            })
            .collect();
        let size = page_size.unwrap_or(10) as usize;
        if hits.len() > size {
            self.step.notes.push("list: more than a page");
        } else if hits.len() >= 2 {
            self.step.notes.push("list: several tasks");
        }
        Ok((hits.len() as u64, hits.into_iter().take(size).collect()))
    }

    fn report(&mut self, t: &Target, report: Report) -> Result<bool, ReportError> {
        let now = self.now;
        let acct = self.caller(t);
        let id = match self.id_text(t.id) {
            IdText::Slot(k) => IdText::Slot(k),
            IdText::Text(_) => IdText::Text(Some(UNKNOWN_ID.to_owned())),
        };
        self.step.req = Req::Report(acct, id, report.wire());
        let k = self
            .find(acct, t.id, None)
            .ok_or(ReportError::UnknownTask)?;
        let task = &mut self.tasks[k];
        let status = task.state.status();
        match report {
            Report::Pull | Report::Push | Report::Other => match task.state {
                MState::Running if task.retry_count == 0 => {
                    let reason = reason_of(report);
                    task.state = MState::Stopped {
                        reason: Some(reason),
                    };
                    self.step.notes.push("fault: stops at once");
                    self.callback(k, "Offline", now, Some(reason));
                    Ok(true)
                }
                MState::Running => {
                    let reason = reason_of(report);
                    task.state = MState::Retrying { since: now, reason };
                    self.callback(k, "Recovering", now, Some(reason));
                    Ok(true)
                }
                MState::Retrying { .. } => {
                    self.step.notes.push("fault: while retrying");
                    Ok(false)
                }
                _ => Err(ReportError::NotRunning { status }),
            },
            Report::Recovered => match task.state {
                MState::Retrying { .. } => {
                    task.state = MState::Running;
                    self.callback(k, "Running", now, None);
                    Ok(true)
                }
                _ => Err(ReportError::NotRetrying { status }),
            },
            Report::Position { .. } | Report::FileEnded if task.kind == Kind::Live => {
                Err(ReportError::NotAPlaylist)
            }
            Report::Position { .. } | Report::FileEnded if task.state != MState::Running => {
                Err(ReportError::NotRunning { status })
            }
            Report::Position { file, offset } => {
                let files = task.urls.len() as u32;
                if file >= files {
                    return Err(ReportError::NoSuchFile {
                        file_index: file,
                        files,
                    });
                }
                task.pos = (file, offset);
                Ok(true)
            }
            Report::FileEnded => {
                let next = task.pos.0 + 1;
                if (next as usize) < task.urls.len() {
                    task.pos = (next, 0);
                    return Ok(true);
                }
                task.passes += 1;
                if task.repeat == -1 || i64::from(task.passes) <= task.repeat {
                    task.pos = (0, 0);
                    self.step.notes.push("playlist: another pass");
                    Ok(true)
                } else {
                    task.state = MState::Stopped { reason: None };
                    self.step.notes.push("playlist: ended");
                    self.callback(k, "Offline", now, None);
                    Ok(true)
                }
            }
        }
    }
}

struct ModelMachine;

impl ReferenceStateMachine for ModelMachine {
    type State = Model;
    type Transition = Step;

    fn init_state() -> BoxedStrategy<Model> {
        any::<bool>()
            .prop_map(|strict| Model {
                strict,
                ..Model::default()
            })
            .boxed()
    }

    fn transitions(m: &Model) -> BoxedStrategy<Step> {
        let n = m.tasks.len();
        let live = m.tasks.iter().filter(|t| t.live()).count();
        let slots = n.max(1);
        let target = target_strategy(m, |t| t.live());
        let active = target_strategy(m, |t| {
            !t.gone && matches!(t.state, MState::Running | MState::Retrying { .. })
        });
        let mut ops: Vec<(u32, BoxedStrategy<Op>)> = vec![
            (5, Just(Op::Advance).boxed()),
            (
                match (m.held() < MAX_HELD && n < MAX_SLOTS, live) {
                    (false, _) => 1,
                    (true, 0) => 20,
                    (true, _) => 6,
                },
                create_strategy().prop_map(Op::Create).boxed(),
            ),
            (
                2,
                (
                    prop_oneof![3 => Just(0usize), 1 => Just(1usize)],
                    prop_oneof![
                        10 => Just(RegionSel::Region(0)),
                        4 => Just(RegionSel::Region(1)),
                        1 => Just(RegionSel::Region(2)),
                        1 => Just(RegionSel::Invalid),
                        1 => Just(RegionSel::Missing),
                    ],
                    proptest::option::weighted(0.3, 0u8..3),
                    prop_oneof![5 => Just(None), 1 => Just(Some(0i64)), 2 => (1i64..=2).prop_map(Some)],
                )
                    .prop_map(|(account, region, dst, page_size)| Op::List {
                        account,
                        region,
                        dst,
                        page_size,
                    })
                    .boxed(),
            ),
        ];
        if n > 0 {
            ops.extend([
                (
                    6,
                    (target.clone(), update_strategy())
                        .prop_map(|(t, u)| Op::Update(t, u))
                        .boxed(),
                ),
                (2, target.clone().prop_map(Op::Delete).boxed()),
                (1, target.clone().prop_map(Op::Describe).boxed()),
                (3, target.clone().prop_map(Op::Stop).boxed()),
                (3, target.clone().prop_map(Op::Restart).boxed()),
                (
                    9,
                    (active, report_strategy())
                        .prop_map(|(t, r)| Op::Report(t, r))
                        .boxed(),
                ),
            ]);
        }
        // Retries are short: report on a retrying task while it still retries.
        let retrying: Vec<usize> = (0..n)
            .filter(|&k| !m.tasks[k].gone && matches!(m.tasks[k].state, MState::Retrying { .. }))
            .collect();
        if !retrying.is_empty() {
            let on = proptest::sample::select(retrying).prop_map(|k| Target {
                id: IdSel::Slot(k),
                other_account: false,
                region: RegionSel::Own,
            });
            let report = prop_oneof![
                6 => Just(Report::Recovered),
                2 => Just(Report::Pull),
                1 => Just(Report::Other),
            ];
            ops.push((8, (on, report).prop_map(|(t, r)| Op::Report(t, r)).boxed()));
        }
        let op = Union::new_weighted(ops);
        let step = (dt_strategy(slots), any::<bool>(), op)
            .prop_map(|(dt, pre_advance, op)| {
                // A bare advance with no clock move tests little: make it a jump.
                let dt = match (&op, dt) {
                    (Op::Advance, Dt::Secs(0)) => Dt::Secs(60),
                    (_, dt) => dt,
                };
                Step {
                    dt,
                    pre_advance,
                    op,
                }
            })
            .boxed();
        // A fault exactly RetryCount × RetryInterval before EndTime (or a second either
        // side): the give-up and the end coincide (or nearly).
        let running: Vec<usize> = (0..n)
            .filter(|&k| !m.tasks[k].gone && m.tasks[k].state == MState::Running)
            .collect();
        if running.is_empty() {
            return step;
        }
        let tie = (
            proptest::sample::select(running),
            prop_oneof![4 => Just(0i64), 1 => Just(1i64), 1 => Just(-1i64)],
            any::<bool>(),
        )
            .prop_map(|(slot, shift, pre_advance)| Step {
                dt: Dt::To {
                    slot,
                    which: Which::RetriesBeforeEnd(shift),
                    early: false,
                },
                pre_advance,
                op: Op::Report(
                    Target {
                        id: IdSel::Slot(slot),
                        other_account: false,
                        region: RegionSel::Own,
                    },
                    Report::Push,
                ),
            });
        prop_oneof![30 => step, 1 => tie].boxed()
    }

    fn apply(mut m: Model, step: &Step) -> Model {
        m.step = StepExpect::default();
        let now = m.resolve_dt(step.dt);
        if let Some(note) = m.landing(step.dt, now) {
            m.step.notes.push(note);
        }
        m.step.pre_transitions = m.fire_due(now);
        m.now = now;
        m.step.at_call = m.tasks.iter().map(|t| t.state.status()).collect();
        let (outcome, changed) = match &step.op {
            Op::Advance => (Outcome::Advanced, false),
            Op::Create(s) => {
                let r = m.create(s);
                let ok = r.is_ok();
                (Outcome::Call(r), ok)
            }
            Op::Update(t, u) => {
                let r = m.update(t, u);
                let ok = r.is_ok();
                (Outcome::Call(r), ok)
            }
            op @ (Op::Delete(_) | Op::Describe(_) | Op::Stop(_) | Op::Restart(_)) => {
                let r = m.task_call(op);
                let changed = r == Ok(true);
                (Outcome::Call(r.map(drop)), changed)
            }
            Op::List {
                account,
                region,
                dst,
                page_size,
            } => (
                Outcome::Listed(m.list(*account, *region, *dst, *page_size)),
                false,
            ),
            Op::Report(t, r) => {
                let r = m.report(t, *r);
                let changed = r == Ok(true);
                (Outcome::Report(r.map(drop)), changed)
            }
        };
        m.step.outcome = outcome;
        m.step.call_changed = changed;
        // What the call made due at once (a StartTime already past).
        m.fire_due(now);
        m
    }

    fn preconditions(m: &Model, step: &Step) -> bool {
        // At most MAX_HELD tasks at once and MAX_SLOTS per case; refused creates are welcome.
        if !matches!(step.op, Op::Create(_)) || (m.held() < MAX_HELD && m.tasks.len() < MAX_SLOTS) {
            return true;
        }
        let after = Self::apply(m.clone(), step);
        after.held() <= MAX_HELD && after.tasks.len() <= MAX_SLOTS
    }
}

// ---- strategies ------------------------------------------------------------------------------

fn dt_strategy(slots: usize) -> BoxedStrategy<Dt> {
    let which = prop_oneof![
        Just(Which::Start),
        Just(Which::End),
        Just(Which::GiveUp),
        Just(Which::Removal),
        Just(Which::RetriesBeforeEnd(0)),
    ];
    prop_oneof![
        14 => Just(Dt::Secs(0)),
        4 => (1i64..60).prop_map(Dt::Secs),
        3 => (60i64..600).prop_map(Dt::Secs),
        1 => (600i64..4000).prop_map(Dt::Secs),
        3 => (0..slots, which, proptest::bool::weighted(0.3))
            .prop_map(|(slot, which, early)| Dt::To { slot, which, early }),
        1 => proptest::bool::weighted(0.3).prop_map(|early| Dt::Next { early }),
    ]
    .boxed()
}

/// A task to name: mostly one that `prefer` picks, sometimes any created one, rarely an
/// unknown, missing or malformed id.
fn target_strategy(m: &Model, prefer: impl Fn(&MTask) -> bool) -> BoxedStrategy<Target> {
    let n = m.tasks.len();
    let preferred: Vec<usize> = (0..n).filter(|&k| prefer(&m.tasks[k])).collect();
    let mut ids: Vec<(u32, BoxedStrategy<IdSel>)> = vec![
        (1, Just(IdSel::Unknown).boxed()),
        (1, Just(IdSel::Missing).boxed()),
        (1, Just(IdSel::Malformed).boxed()),
    ];
    if n > 0 {
        ids.push((8, (0..n).prop_map(IdSel::Slot).boxed()));
    }
    if !preferred.is_empty() {
        ids.push((
            24,
            proptest::sample::select(preferred)
                .prop_map(IdSel::Slot)
                .boxed(),
        ));
    }
    let id = Union::new_weighted(ids);
    (
        id,
        proptest::bool::weighted(0.08),
        prop_oneof![
            24 => Just(RegionSel::Own),
            2 => (0..REGIONS.len()).prop_map(RegionSel::Region),
            1 => Just(RegionSel::Invalid),
            1 => Just(RegionSel::Missing),
        ],
    )
        .prop_map(|(id, other_account, region)| Target {
            id,
            other_account,
            region,
        })
        .boxed()
}

fn urls_strategy() -> impl Strategy<Value = UrlsSel> {
    (
        1u8..=3,
        proptest::bool::weighted(0.03),
        proptest::bool::weighted(0.015),
        0u8..4,
    )
        .prop_map(|(n, bad, empty, tag)| UrlsSel { n, bad, empty, tag })
}

fn create_strategy() -> impl Strategy<Value = CreateSpec> {
    let kind = prop_oneof![Just(Kind::Live), Just(Kind::Vod), Just(Kind::Url)];
    kind.prop_flat_map(|kind| {
        // Playlist-only fields: usually absent on a live source (present: InvalidParameter).
        let p = if kind == Kind::Live { 0.04 } else { 0.5 };
        let header = (
            prop_oneof![4 => Just(0usize), 1 => Just(1usize)],
            prop_oneof![
                40 => Just(RegionSel::Region(0)),
                15 => Just(RegionSel::Region(1)),
                4 => Just(RegionSel::Region(2)),
                1 => Just(RegionSel::Invalid),
                1 => Just(RegionSel::Missing),
            ],
            proptest::option::of(0u8..3),
            urls_strategy(),
            prop_oneof![1 => Just(None), 1 => Just(Some(3u8)), 40 => (0u8..3).prop_map(Some)],
            proptest::option::weighted(0.6, 0u8..2),
        );
        let playlist = (
            proptest::option::weighted(p, prop_oneof![10 => -1i64..=2, 1 => Just(-2i64)]),
            proptest::option::weighted(p * 0.6, prop_oneof![10 => 1i64..100, 1 => Just(0i64)]),
            proptest::option::weighted(
                p * 0.6,
                prop_oneof![12 => 0i64..=2, 1 => Just(-1i64), 1 => Just(99i64)],
            ),
        );
        let schedule = (
            prop_oneof![
                12 => Just(Some(0i64)),
                30 => (1i64..=3).prop_map(Some),
                6 => Just(None),
                1 => Just(Some(31i64)),
            ],
            prop_oneof![
                36 => Just(None),
                12 => Just(Some(60i64)),
                8 => Just(Some(120i64)),
                1 => Just(Some(30i64)),
            ],
            prop_oneof![
                1 => Just(None),
                4 => (-300i64..0).prop_map(Some),
                14 => (0i64..1200).prop_map(Some),
            ],
            prop_oneof![
                1 => -120i64..=0,
                4 => 60i64..=900,
                8 => 900i64..=3000,
                1 => 3400i64..=3800,
                1 => Just(MAX_WINDOW),
                1 => Just(MAX_WINDOW + 1),
            ],
            prop_oneof![
                40 => Just(Quirk::None),
                1 => Just(Quirk::ProtocolOnPlaylist),
                1 => Just(Quirk::BadProtocol),
                1 => Just(Quirk::NoProtocol),
                1 => Just(Quirk::EmptyCallback),
                1 => Just(Quirk::BadName),
                1 => Just(Quirk::LongName),
                1 => Just(Quirk::EmptyName),
                1 => Just(Quirk::BadTime),
            ],
        );
        (header, playlist, schedule).prop_map(
            move |(
                (account, region, name, urls, dst, callback),
                (repeat, offset, file_index),
                (retry_count, retry_interval, start_rel, window, quirk),
            )| CreateSpec {
                account,
                region,
                name,
                kind,
                urls,
                dst,
                callback,
                repeat,
                offset,
                file_index,
                retry_count,
                retry_interval,
                start_rel,
                window,
                quirk,
            },
        )
    })
}

fn update_strategy() -> BoxedStrategy<UpdateSpec> {
    let callback = prop_oneof![
        3 => (0u8..2).prop_map(CallbackSel::Set),
        2 => Just(CallbackSel::Remove),
        1 => Just(CallbackSel::Bad),
    ];
    let repeat = prop_oneof![10 => -1i64..=2, 1 => Just(-2i64)];
    // Only what a running task may change.
    let light = (
        proptest::option::weighted(0.5, callback.clone()),
        proptest::option::weighted(0.5, repeat.clone()),
    )
        .prop_map(|(callback, repeat)| UpdateSpec {
            start_rel: None,
            end_rel: None,
            urls: None,
            repeat,
            offset: None,
            callback,
            file_index: None,
            empty_start: false,
        });
    let full = (
        proptest::option::weighted(0.3, -300i64..1200),
        proptest::option::weighted(0.3, prop_oneof![1 => -120i64..=0, 6 => 60i64..2400]),
        proptest::option::weighted(
            0.2,
            (urls_strategy(), proptest::bool::weighted(0.2)).prop_map(|(u, bad)| UrlsSel {
                bad: u.bad || bad,
                ..u
            }),
        ),
        proptest::option::weighted(0.25, repeat),
        proptest::option::weighted(0.2, prop_oneof![10 => 1i64..100, 1 => Just(0i64)]),
        proptest::option::weighted(0.25, callback),
        proptest::option::weighted(
            0.2,
            prop_oneof![12 => 0i64..=2, 1 => Just(-1i64), 1 => Just(99i64)],
        ),
        proptest::bool::weighted(0.02),
    )
        .prop_map(
            |(start_rel, end_rel, urls, repeat, offset, callback, file_index, empty_start)| {
                UpdateSpec {
                    start_rel,
                    end_rel,
                    urls,
                    repeat,
                    offset,
                    callback,
                    file_index,
                    empty_start,
                }
            },
        );
    prop_oneof![2 => light, 3 => full].boxed()
}

fn report_strategy() -> impl Strategy<Value = Report> {
    prop_oneof![
        2 => Just(Report::Pull),
        2 => Just(Report::Push),
        1 => Just(Report::Other),
        5 => Just(Report::Recovered),
        3 => (0u32..4, 0u32..600).prop_map(|(file, offset)| Report::Position { file, offset }),
        5 => Just(Report::FileEnded),
    ]
}

// ---- the system under test -------------------------------------------------------------------

struct Sut {
    engine: Engine,
    /// Task ids by creation order.
    ids: Vec<TaskId>,
    /// Every event drained, for the replay at the end.
    log: Vec<Event>,
    last_callback: Option<DateTime<Utc>>,
    /// The last Describe of each task.
    seen: Vec<Option<TaskView>>,
}

impl std::fmt::Debug for Sut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sut").field("ids", &self.ids).finish()
    }
}

fn code<T>(r: Result<T, Rejection>) -> Result<T, &'static str> {
    r.map_err(|e| e.code())
}

impl Sut {
    fn id(&self, id: &IdText) -> Option<String> {
        match id {
            IdText::Slot(k) => Some(self.ids[*k].to_string()),
            IdText::Text(t) => t.clone(),
        }
    }

    fn slot_of(&self, id: &TaskId) -> usize {
        self.ids
            .iter()
            .position(|i| i == id)
            .unwrap_or_else(|| panic!("the engine names a task it never created: {id}"))
    }

    /// Drains the events, checking their dates never go back.
    fn drain_events(&mut self) -> Vec<Event> {
        let events = self.engine.drain_events();
        for e in &events {
            if let Some(last) = self.log.last() {
                assert!(
                    e.at >= last.at,
                    "event dated before the previous one: {e:?}"
                );
            }
            self.log.push(e.clone());
        }
        events
    }

    fn perform(&mut self, req: &Req, now: DateTime<Utc>) -> Outcome {
        let e = &mut self.engine;
        match req {
            Req::Advance => Outcome::Advanced,
            Req::Create(a, r) => {
                let out = code(e.create_live_pull_to_push(&account(*a), r, now));
                Outcome::Call(out.map(|resp| self.ids.push(resp.task_id)))
            }
            Req::Update(a, id, r) => {
                let r = UpdateLivePullToPushRequest {
                    task_id: self.id(id),
                    ..r.clone()
                };
                let out = self.engine.update_live_pull_to_push(&account(*a), &r, now);
                Outcome::Call(code(out).map(drop))
            }
            Req::Delete(a, id, region) => {
                let r = DeleteLivePullToPushRequest {
                    task_id: self.id(id),
                    region: region.clone(),
                };
                let out = self.engine.delete_live_pull_to_push(&account(*a), &r, now);
                Outcome::Call(code(out).map(drop))
            }
            Req::Describe(a, id, region) => {
                let r = DescribeLivePullToPushRequest {
                    task_id: self.id(id),
                    region: region.clone(),
                };
                let out = self
                    .engine
                    .describe_live_pull_to_push(&account(*a), &r, now);
                Outcome::Call(code(out).map(drop))
            }
            Req::Stop(a, id, region) => {
                let sent = self.id(id);
                let r = StopLivePullToPushRequest {
                    task_id: sent.clone(),
                    region: region.clone(),
                };
                let out = code(self.engine.stop_live_pull_to_push(&account(*a), &r, now));
                Outcome::Call(out.map(|resp| {
                    assert_eq!(
                        Some(resp.task_id.to_string()),
                        sent,
                        "Stop answers another id"
                    );
                }))
            }
            Req::Restart(a, id, region) => {
                let sent = self.id(id);
                let r = RestartLivePullToPushRequest {
                    task_id: sent.clone(),
                    region: region.clone(),
                };
                let out = code(self.engine.restart_live_pull_to_push(&account(*a), &r, now));
                Outcome::Call(out.map(|resp| {
                    assert_eq!(
                        Some(resp.task_id.to_string()),
                        sent,
                        "Restart answers another id"
                    );
                }))
            }
            Req::List(a, r) => {
                let out = code(
                    self.engine
                        .describe_live_pull_to_push_list(&account(*a), r, now),
                );
                Outcome::Listed(out.map(|list| {
                    (
                        list.total,
                        list.task_list
                            .iter()
                            .map(|v| self.slot_of(&v.task_id))
                            .collect(),
                    )
                }))
            }
            Req::Report(a, id, report) => {
                let id = TaskId::try_from(self.id(id).unwrap()).unwrap();
                Outcome::Report(self.engine.report_stream(&account(*a), &id, *report, now))
            }
        }
    }

    fn check_callbacks(&mut self, got: &[Callback], m: &Model) {
        for cb in got {
            if let Some(last) = self.last_callback {
                assert!(cb.body.time >= last, "callback out of time order: {cb:?}");
            }
            self.last_callback = Some(cb.body.time);
        }
        let expected = &m.step.callbacks;
        assert_eq!(
            got.len(),
            expected.len(),
            "callbacks: got {got:#?}, expected {expected:#?}"
        );
        // Per task, in order (ties between tasks at one instant may come in any order).
        for slot in 0..self.ids.len() {
            let got: Vec<&Callback> = got
                .iter()
                .filter(|c| c.body.task_id == self.ids[slot])
                .collect();
            let exp: Vec<&ExpCb> = expected.iter().filter(|c| c.slot == slot).collect();
            assert_eq!(
                got.len(),
                exp.len(),
                "callbacks of task {slot}: {got:#?} vs {exp:#?}"
            );
            for (g, x) in got.iter().zip(exp) {
                let b = &g.body;
                assert_eq!(
                    (
                        g.url.as_str(),
                        g.account.as_str(),
                        b.task_name.as_str(),
                        b.region.as_str(),
                        b.state.as_str(),
                        b.time,
                        b.reason.as_deref(),
                    ),
                    (
                        x.url.as_str(),
                        ACCOUNTS[x.account],
                        x.name.as_str(),
                        REGIONS[x.region],
                        x.state,
                        at(x.time),
                        x.reason,
                    ),
                    "callback of task {slot}"
                );
            }
        }
    }

    /// Describes every task the model knows and compares.
    fn check_tasks(&mut self, m: &Model, now: DateTime<Utc>) {
        let before = self.engine.state().clone();
        for (k, t) in m.tasks.iter().enumerate() {
            let req = DescribeLivePullToPushRequest {
                task_id: Some(self.ids[k].to_string()),
                region: Some(REGIONS[t.region].to_owned()),
            };
            let got = self
                .engine
                .describe_live_pull_to_push(&account(t.account), &req, now);
            if t.gone {
                assert_eq!(code(got).err(), Some(NOT_EXIST), "task {k} should be gone");
                self.seen[k] = None;
                continue;
            }
            let view = got
                .unwrap_or_else(|e| panic!("task {k} not describable: {e}"))
                .task;
            let info = &view.task_info;
            assert!(
                info.start_time < info.end_time,
                "task {k}: StartTime >= EndTime"
            );
            let (invalid, exit) = match &t.state {
                MState::Stopped { reason } => (*reason, None),
                MState::Exited { at: when, reason } => {
                    (None, Some((at(*when).timestamp(), *reason)))
                }
                _ => (None, None),
            };
            assert_eq!(
                (
                    view.task_status,
                    view.task_invalid_reason.map(|r| r.as_str()),
                    view.task_exit_time
                        .zip(view.task_exit_reason.map(|r| r.as_str())),
                    (view.current_file_index, view.current_offset),
                ),
                (t.state.status(), invalid, exit, t.pos),
                "task {k}: state"
            );
            assert_eq!(
                (
                    info.task_name.as_str(),
                    info.start_time,
                    info.end_time,
                    info.source_type.as_str(),
                    &info.source_urls,
                    info.dst_url.as_str(),
                    info.callback_url.as_ref().map(|u| u.as_str()),
                    info.repeat_number,
                    info.offset,
                    info.file_index,
                    info.retry_count,
                    info.retry_interval,
                ),
                (
                    t.name.as_str(),
                    at(t.start),
                    at(t.end),
                    t.kind.wire(),
                    &t.urls,
                    dst_url(t.dst).as_str(),
                    t.callback.as_deref(),
                    t.repeat,
                    t.offset,
                    t.file_index,
                    t.retry_count,
                    t.retry_interval,
                ),
                "task {k}: TaskInfo"
            );
            if let Some(prev) = &self.seen[k] {
                if prev.task_status == TaskStatus::Exited {
                    assert_eq!(view.task_status, TaskStatus::Exited, "task {k} left Exited");
                }
                // Running or retrying when the call ran: only CallbackUrl and RepeatNumber
                // may have changed since the last look (time changes no field).
                if matches!(
                    m.step.at_call.get(k),
                    Some(TaskStatus::Running | TaskStatus::Retrying)
                ) {
                    let mut a = prev.task_info.clone();
                    let mut b = info.clone();
                    for i in [&mut a, &mut b] {
                        i.callback_url = None;
                        i.repeat_number = 0;
                    }
                    assert_eq!(
                        a, b,
                        "task {k}: more than CallbackUrl/RepeatNumber changed while running"
                    );
                }
            }
            self.seen[k] = Some(view);
        }
        assert_eq!(self.engine.state(), &before, "Describe changed the state");
        assert!(
            self.engine.drain_events().is_empty(),
            "Describe recorded events"
        );
    }
}

struct P2pTest;

impl StateMachineTest for P2pTest {
    type SystemUnderTest = Sut;
    type Reference = ModelMachine;

    fn init_test(m: &Model) -> Sut {
        Sut {
            engine: Engine::new(config(m.strict)),
            ids: Vec::new(),
            log: Vec::new(),
            last_callback: None,
            seen: Vec::new(),
        }
    }

    fn apply(mut sut: Sut, m: &Model, step: Step) -> Sut {
        let now = at(m.now);
        let pre = step.pre_advance || matches!(step.op, Op::Advance);
        // The state (and events) `advance(now)` alone gives: a refused call, a read or a
        // no-op must leave exactly that.
        let (baseline, time_events) = if pre {
            let applied = sut.engine.advance(now);
            assert_eq!(
                applied, m.step.pre_transitions,
                "advance applied another number of transitions"
            );
            sut.drain_events();
            (sut.engine.state().clone(), Vec::new())
        } else {
            let mut copy = Engine::restore(config(m.strict), sut.engine.snapshot());
            copy.advance(now);
            (copy.state().clone(), copy.drain_events())
        };
        let outcome = sut.perform(&m.step.req, now);
        assert_eq!(outcome, m.step.outcome, "answer to {:?}", m.step.req);
        sut.seen.resize(sut.ids.len(), None);
        let events = sut.drain_events();
        if !m.step.call_changed {
            assert_eq!(
                sut.engine.state(),
                &baseline,
                "state changed by {:?}",
                m.step.req
            );
            assert_eq!(events, time_events, "events recorded by {:?}", m.step.req);
        }
        let callbacks = sut.engine.drain_callbacks();
        sut.check_callbacks(&callbacks, m);
        sut.check_tasks(m, now);
        sut
    }

    fn check_invariants(sut: &Sut, m: &Model) {
        assert!(sut.engine.state().invariants_hold(), "invariants broken");
        assert_eq!(
            sut.engine.next_deadline(),
            m.next_deadline().map(at),
            "next_deadline"
        );
    }

    fn teardown(sut: Sut, m: Model) {
        let replayed = Engine::replay(config(m.strict), &sut.log).expect("the log replays");
        assert_eq!(replayed.state(), sut.engine.state(), "replay differs");
        let json = serde_json::to_string(&sut.engine.snapshot()).unwrap();
        let back: Snapshot = serde_json::from_str(&json).unwrap();
        let restored = Engine::restore(config(m.strict), back);
        assert_eq!(
            restored.state(),
            sut.engine.state(),
            "restored snapshot differs"
        );
        assert_eq!(restored.next_deadline(), sut.engine.next_deadline());
    }
}

prop_state_machine! {
    #![proptest_config(proptest_config())]

    #[test]
    fn pull_to_push_matches_the_model(sequential 1..=MAX_STEPS => P2pTest);
}

/// The generator reaches every answer, time-driven transition, callback state and notable
/// path the model knows, so the state-machine test above is not vacuous. Runs the model only
/// (deterministic seed); `COVERAGE_RUNS=n` runs `n` sequences and prints the counts.
#[test]
fn generator_reaches_every_outcome() {
    let mut runner = TestRunner::deterministic();
    let strategy = ModelMachine::sequential_strategy(1..=MAX_STEPS);
    let mut counts = BTreeMap::<String, usize>::new();
    let runs: usize = std::env::var("COVERAGE_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    for _ in 0..runs {
        let (init, steps, _) = strategy.new_tree(&mut runner).unwrap().current();
        let mut m = init;
        for step in &steps {
            m = ModelMachine::apply(m, step);
            let op = match &step.op {
                Op::Advance => "Advance",
                Op::Create(_) => "Create",
                Op::Update(..) => "Update",
                Op::Delete(_) => "Delete",
                Op::Describe(_) => "Describe",
                Op::Stop(_) => "Stop",
                Op::Restart(_) => "Restart",
                Op::List { .. } => "List",
                Op::Report(_, r) => match r {
                    Report::Pull | Report::Push | Report::Other => "Fault",
                    Report::Recovered => "Recovered",
                    Report::Position { .. } => "Position",
                    Report::FileEnded => "FileEnded",
                },
            };
            let answer = match &m.step.outcome {
                Outcome::Advanced => "ok".to_owned(),
                Outcome::Call(r) => r.err().unwrap_or("ok").to_owned(),
                Outcome::Listed(r) => r.as_ref().err().copied().unwrap_or("ok").to_owned(),
                Outcome::Report(r) => match r {
                    Ok(()) => "ok".to_owned(),
                    Err(e) => format!("{e:?}")
                        .split([' ', '{'])
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                },
            };
            let live = m.tasks.iter().filter(|t| t.live()).count();
            let labels = [
                format!("{op}: {answer}"),
                format!("live tasks after the step: {live}"),
            ]
            .into_iter()
            .chain(m.step.fired.iter().map(|due| format!("time: {due:?}")))
            .chain(
                m.step
                    .callbacks
                    .iter()
                    .map(|cb| format!("callback: {}", cb.state)),
            )
            .chain(m.step.notes.iter().map(|note| (*note).to_owned()));
            for label in labels {
                *counts.entry(label).or_default() += 1;
            }
        }
    }
    let wanted = [
        "Advance: ok",
        "Create: ok",
        "Create: MissingParameter",
        "Create: InvalidParameter",
        "Create: InvalidParam.CodeIllegalDuration",
        "Create: CodeTaskLimitExceeded",
        "Create: CodeDstUrlOccupied",
        "Update: ok",
        "Update: MissingParameter",
        "Update: InvalidParameter",
        "Update: InvalidParam.CodeIllegalDuration",
        "Update: CodeTaskNotExist",
        "Update: CodeTaskHasStarted",
        "Delete: ok",
        "Delete: CodeTaskNotExist",
        "Describe: ok",
        "Describe: CodeTaskNotExist",
        "Stop: ok",
        "Stop: CodeTaskHasStopped",
        "Stop: CodeTaskNotExist",
        "Restart: ok",
        "Restart: CodeTaskNotExist",
        "List: ok",
        "List: InvalidParameter",
        "List: MissingParameter",
        "Fault: ok",
        "Fault: UnknownTask",
        "Fault: NotRunning",
        "Recovered: ok",
        "Recovered: NotRetrying",
        "Position: ok",
        "Position: NotAPlaylist",
        "Position: NoSuchFile",
        "Position: NotRunning",
        "FileEnded: ok",
        "FileEnded: NotAPlaylist",
        "FileEnded: NotRunning",
        "time: Start",
        "time: End",
        "time: GiveUp",
        "time: Remove",
        "callback: Running",
        "callback: Recovering",
        "callback: Offline",
        "callback: Exit",
        "create: starts at once",
        "update: moves region",
        "update: while running",
        "update: while stopped",
        "update: starts at once",
        "create: playlist fields on a live source taken",
        "create: SourceProtocol of a playlist ignored",
        "create: DstUrl in use taken",
        "update: playlist fields on a live source taken",
        "update: RepeatNumber of a running live task",
        "stop/restart: no effect before start",
        "restart: stopped",
        "fault: stops at once",
        "fault: while retrying",
        "playlist: another pass",
        "playlist: ended",
        "create: DstUrl of an exited task reused",
        "time: a retrying task ends",
        "time: give-up and end coincide",
        "update: callback removed",
        "update: list misfits the source type",
        "describe: exited",
        "stop: retrying",
        "restart: retrying",
        "list: several tasks",
        "list: more than a page",
        "clock: onto a StartTime",
        "clock: onto an EndTime",
        "clock: onto a give-up time",
        "clock: onto a retention end",
        "clock: 1 s before a StartTime",
        "clock: 1 s before an EndTime",
        "clock: 1 s before a give-up time",
        "clock: 1 s before a retention end",
    ];
    if std::env::var("COVERAGE_RUNS").is_ok() {
        eprintln!("{counts:#?}");
    }
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|w| !counts.contains_key(*w))
        .collect();
    assert!(
        missing.is_empty(),
        "never generated: {missing:?}\nseen: {counts:#?}"
    );
}

/// README, "Pull-to-push operations": Update's errors come in the order
/// `CodeTaskNotExist`, `CodeTaskHasStarted`, then `InvalidParam.CodeIllegalDuration` /
/// `InvalidParameter` on the merged values; the update table: SourceUrls on a running task is
/// `CodeTaskHasStarted`. The engine checked the new list against the task's source type first,
/// so a list that does not fit the type answered `InvalidParameter` instead (found by the
/// model test above, shrunk to: a task running since its creation, Update with one bad entry;
/// fixed in 919bdc9).
#[test]
fn update_misfit_source_urls_while_running_is_has_started() {
    let mut engine = Engine::new(config(false));
    let a = account(0);
    let create = CreateLivePullToPushRequest {
        region: Some(REGIONS[0].to_owned()),
        start_time: Some(format_utc(&at(0))),
        end_time: Some(format_utc(&at(900))),
        source_type: Some("url".to_owned()),
        source_urls: Some(vec!["https://cdn.example.com/a.mp4".to_owned()]),
        dst_url: Some(dst_url(0)),
        ..Default::default()
    };
    let task_id = engine
        .create_live_pull_to_push(&a, &create, at(0))
        .unwrap()
        .task_id;
    let update = |urls: &str| UpdateLivePullToPushRequest {
        task_id: Some(task_id.to_string()),
        region: Some(REGIONS[0].to_owned()),
        source_urls: Some(vec![urls.to_owned()]),
        ..Default::default()
    };
    // A list that fits the type: refused for the state, as documented.
    let fits = engine
        .update_live_pull_to_push(&a, &update("https://cdn.example.com/b.mp4"), at(10))
        .unwrap_err();
    assert_eq!(fits.code(), HAS_STARTED);
    // One that does not fit: the state comes first all the same.
    let misfit = engine
        .update_live_pull_to_push(&a, &update("https://cdn.example.com/b.avi"), at(10))
        .unwrap_err();
    assert_eq!(misfit.code(), HAS_STARTED);
}
