//! Operation-level tests of the pull-to-push family through the `Engine`: golden success and
//! error bodies, every error code from a real call, the update table of seed 004, state ×
//! operation for Stop/Restart/Delete/Describe, time, faults and retries, playlists,
//! callbacks, atomicity and tenancy, DescribeList, replay and snapshots, and validation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use chrono::{DateTime, TimeDelta, Utc};
use live_lifecycle::ids::{AccountId, IdGenerator, IdKind, TaskId};
use live_lifecycle::pull_to_push::{
    Callback, CreateLivePullToPushRequest, DeleteLivePullToPushRequest,
    DescribeLivePullToPushListRequest, DescribeLivePullToPushRequest, DescribeTaskListResponse,
    MAX_RETRY_COUNT, MAX_SOURCES, MAX_TASK_NAME_CHARS, ReportError, RestartLivePullToPushRequest,
    RetResponse, StopLivePullToPushRequest, StreamReport, TaskEvent, TaskIdResponse, TaskInfo,
    TaskStatus, TaskView, UpdateLivePullToPushRequest,
};
use live_lifecycle::time::parse_utc;
use live_lifecycle::{Access, ApiError, Change, Config, Engine, Event, Rejection, Snapshot};
use serde_json::{Value, json};

// ---- fixtures ------------------------------------------------------------------------------

const REGION: &str = "cn-shanghai";
const OTHER_REGION: &str = "cn-beijing";
const CREATED: &str = "2030-01-01T09:00:00Z";
const START: &str = "2030-01-01T10:00:00Z";
const END: &str = "2030-01-01T12:00:00Z";
const HOOK: &str = "https://hooks.example.com/p2p";
const HOOK2: &str = "https://hooks2.example.com/p2p";
const NO_SUCH_TASK: &str = "00000000-0000-4000-8000-000000000000";
const WEEK: i64 = 7 * 24 * 3600;

fn at(text: &str) -> DateTime<Utc> {
    parse_utc(text).unwrap()
}

fn secs(n: i64) -> TimeDelta {
    TimeDelta::seconds(n)
}

fn account(text: &str) -> AccountId {
    AccountId::try_from(text).unwrap()
}

fn live_req(stream: &str) -> CreateLivePullToPushRequest {
    CreateLivePullToPushRequest {
        region: Some(REGION.into()),
        start_time: Some(START.into()),
        end_time: Some(END.into()),
        source_type: Some("live".into()),
        source_protocol: Some("rtmp".into()),
        source_urls: Some(vec![format!("rtmp://src.example.com/live/{stream}")]),
        dst_url: Some(format!("rtmp://push.example.com/live/{stream}")),
        ..Default::default()
    }
}

fn files(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("https://cdn.example.com/v{i}.mp4"))
        .collect()
}

fn url_req(stream: &str, n: usize) -> CreateLivePullToPushRequest {
    CreateLivePullToPushRequest {
        source_type: Some("url".into()),
        source_protocol: None,
        source_urls: Some(files(n)),
        ..live_req(stream)
    }
}

fn with_hook(mut req: CreateLivePullToPushRequest) -> CreateLivePullToPushRequest {
    req.callback_url = Some(HOOK.into());
    req
}

fn upd(id: &TaskId) -> UpdateLivePullToPushRequest {
    UpdateLivePullToPushRequest {
        task_id: Some(id.to_string()),
        region: Some(REGION.into()),
        ..Default::default()
    }
}

fn describe_req(id: &str, region: &str) -> DescribeLivePullToPushRequest {
    DescribeLivePullToPushRequest {
        task_id: Some(id.into()),
        region: Some(region.into()),
    }
}

fn stop_req(id: &str, region: &str) -> StopLivePullToPushRequest {
    StopLivePullToPushRequest {
        task_id: Some(id.into()),
        region: Some(region.into()),
    }
}

fn restart_req(id: &str, region: &str) -> RestartLivePullToPushRequest {
    RestartLivePullToPushRequest {
        task_id: Some(id.into()),
        region: Some(region.into()),
    }
}

fn delete_req(id: &str, region: &str) -> DeleteLivePullToPushRequest {
    DeleteLivePullToPushRequest {
        task_id: Some(id.into()),
        region: Some(region.into()),
    }
}

fn list_req(region: &str) -> DescribeLivePullToPushListRequest {
    DescribeLivePullToPushListRequest {
        region: Some(region.into()),
        ..Default::default()
    }
}

/// The kind of each pull-to-push event and when it is dated.
fn kinds(events: &[Event]) -> Vec<(String, DateTime<Utc>)> {
    events
        .iter()
        .map(|e| {
            let v = serde_json::to_value(&e.change).unwrap();
            let kind = v["PullToPush"]["Kind"].as_str().unwrap().to_owned();
            (kind, e.at)
        })
        .collect()
}

fn kind(name: &str, time: &str) -> (String, DateTime<Utc>) {
    (name.to_owned(), at(time))
}

type Cb = (String, String, DateTime<Utc>, Option<String>);

/// Each callback as (url, state, time, reason).
fn cbs(callbacks: &[Callback]) -> Vec<Cb> {
    callbacks
        .iter()
        .map(|c| {
            (
                c.url.clone(),
                c.body.state.as_str().to_owned(),
                c.body.time,
                c.body.reason.clone(),
            )
        })
        .collect()
}

fn cb(url: &str, state: &str, time: &str, reason: Option<&str>) -> Cb {
    (
        url.to_owned(),
        state.to_owned(),
        at(time),
        reason.map(str::to_owned),
    )
}

/// Asserts the code, the status and the whole error body of a rejection.
fn assert_rejected(r: &Rejection, code: &str, status: u16) {
    assert_eq!(r.code(), code, "{r:?}");
    assert_eq!(r.http_status(), status, "{r:?}");
    assert_eq!(r.error.code(), code);
    assert_eq!(r.error.http_status(), status);
    let body = serde_json::to_value(r).unwrap();
    assert_eq!(
        body,
        json!({
            "RequestId": r.request_id,
            "HostId": "live.aliyuncs.com",
            "Code": code,
            "Message": r.error.to_string(),
            "Recommend": format!(
                "https://api.aliyun.com/troubleshoot?q={code}&product=live&requestId={}",
                r.request_id
            ),
        })
    );
}

fn js<T: serde::Serialize>(x: &T) -> Value {
    serde_json::to_value(x).unwrap()
}

/// The wire name of the field a validation error names.
fn field_of(e: &ApiError) -> Option<&str> {
    match e {
        ApiError::MissingParameter { field } | ApiError::InvalidParameter { field, .. } => {
            Some(field.as_ref())
        }
        _ => None,
    }
}

fn assert_field(e: &ApiError, code: &str, field: &str) {
    assert_eq!(e.code(), code, "{e:?}");
    assert_eq!(field_of(e), Some(field), "{e:?}");
    assert!(e.to_string().contains(field), "{e}");
    assert_eq!(e.http_status(), 400);
}

/// Ids anyone can read: `task-N`, `req-N`.
#[derive(Debug)]
struct Plain;

impl IdGenerator for Plain {
    fn generate(&mut self, kind: IdKind, seq: u64) -> String {
        match kind {
            IdKind::Task => format!("task-{seq}"),
            IdKind::Request => format!("req-{seq}"),
            _ => format!("id-{seq}"),
        }
    }
}

/// One account's view of an engine.
struct Fx {
    e: Engine,
    a: AccountId,
}

impl Fx {
    fn new() -> Self {
        Self::with(Config::default())
    }

    fn with(config: Config) -> Self {
        Self {
            e: Engine::new(config),
            a: account("1001"),
        }
    }

    fn create(&mut self, req: &CreateLivePullToPushRequest, now: DateTime<Utc>) -> TaskId {
        let r = self.e.create_live_pull_to_push(&self.a, req, now).unwrap();
        assert_eq!((r.ret_code, r.description.as_str()), (0, "OK"));
        assert!(self.e.state().invariants_hold());
        r.task_id
    }

    fn describe_in(
        &mut self,
        id: &TaskId,
        region: &str,
        now: DateTime<Utc>,
    ) -> Result<TaskView, Rejection> {
        self.e
            .describe_live_pull_to_push(&self.a, &describe_req(id.as_str(), region), now)
            .map(|r| r.task)
    }

    fn view(&mut self, id: &TaskId, now: DateTime<Utc>) -> TaskView {
        self.describe_in(id, REGION, now).unwrap()
    }

    fn status(&mut self, id: &TaskId, now: DateTime<Utc>) -> i32 {
        self.view(id, now).task_status.code()
    }

    fn stop(&mut self, id: &TaskId, now: DateTime<Utc>) -> Result<TaskIdResponse, Rejection> {
        self.e
            .stop_live_pull_to_push(&self.a, &stop_req(id.as_str(), REGION), now)
    }

    fn restart(&mut self, id: &TaskId, now: DateTime<Utc>) -> Result<TaskIdResponse, Rejection> {
        self.e
            .restart_live_pull_to_push(&self.a, &restart_req(id.as_str(), REGION), now)
    }

    fn delete(&mut self, id: &TaskId, now: DateTime<Utc>) -> Result<RetResponse, Rejection> {
        self.e
            .delete_live_pull_to_push(&self.a, &delete_req(id.as_str(), REGION), now)
    }

    fn update(
        &mut self,
        req: &UpdateLivePullToPushRequest,
        now: DateTime<Utc>,
    ) -> Result<RetResponse, Rejection> {
        self.e.update_live_pull_to_push(&self.a, req, now)
    }

    fn report(
        &mut self,
        id: &TaskId,
        report: StreamReport,
        now: DateTime<Utc>,
    ) -> Result<(), ReportError> {
        self.e.report_stream(&self.a, id, report, now)
    }

    fn list(
        &mut self,
        req: &DescribeLivePullToPushListRequest,
        now: DateTime<Utc>,
    ) -> DescribeTaskListResponse {
        self.e
            .describe_live_pull_to_push_list(&self.a, req, now)
            .unwrap()
    }

    fn settle(&mut self) {
        self.e.drain_events();
        self.e.drain_callbacks();
    }

    /// Runs a call that must be refused at `now` (after what falls due by then): the state is
    /// unchanged and no event or callback comes out.
    fn refused<T: std::fmt::Debug>(
        &mut self,
        now: DateTime<Utc>,
        call: impl FnOnce(&mut Engine, &AccountId) -> Result<T, Rejection>,
    ) -> Rejection {
        self.e.advance(now);
        self.settle();
        let before = self.e.state().clone();
        let err = call(&mut self.e, &self.a).expect_err("the call must be refused");
        assert_eq!(self.e.state(), &before, "a refused call changed the state");
        assert!(self.e.drain_events().is_empty());
        assert!(self.e.drain_callbacks().is_empty());
        err
    }

    /// Runs a call that must succeed and change nothing (a documented no-op).
    fn no_op<T: std::fmt::Debug>(
        &mut self,
        now: DateTime<Utc>,
        call: impl FnOnce(&mut Engine, &AccountId) -> Result<T, Rejection>,
    ) -> T {
        self.e.advance(now);
        self.settle();
        let before = self.e.state().clone();
        let ok = call(&mut self.e, &self.a).expect("the call must succeed");
        assert_eq!(self.e.state(), &before, "a no-op changed the state");
        assert!(self.e.drain_events().is_empty());
        assert!(self.e.drain_callbacks().is_empty());
        ok
    }

    /// A refused Update: the state is unchanged.
    fn update_refused(
        &mut self,
        req: &UpdateLivePullToPushRequest,
        now: DateTime<Utc>,
    ) -> Rejection {
        self.refused(now, |e, a| e.update_live_pull_to_push(a, req, now))
    }

    /// A refused stream report: the state is unchanged.
    fn report_refused(
        &mut self,
        id: &TaskId,
        report: StreamReport,
        now: DateTime<Utc>,
    ) -> ReportError {
        self.e.advance(now);
        self.settle();
        let before = self.e.state().clone();
        let err = self
            .report(id, report, now)
            .expect_err("the report must be refused");
        assert_eq!(self.e.state(), &before);
        assert!(self.e.drain_events().is_empty());
        assert!(self.e.drain_callbacks().is_empty());
        err
    }
}

// ---- 1. golden bodies ----------------------------------------------------------------------

fn golden_live_info(callback: &str) -> Value {
    json!({
        "TaskId": "task-0",
        "TaskName": "golden",
        "StartTime": "2030-01-01T10:00:00Z",
        "EndTime": "2030-01-01T12:00:00Z",
        "SourceType": "live",
        "SourceProtocol": "rtmp",
        "SourceUrls": ["rtmp://src.example.com/live/a"],
        "DstUrl": "rtmp://push.example.com/live/a",
        "CallbackURL": callback,
        "RepeatNumber": 0,
        "Offset": 0,
        "FileIndex": 0,
        "RetryCount": 3,
        "RetryInterval": 60
    })
}

fn golden_url_info() -> Value {
    json!({
        "TaskId": "task-1",
        "TaskName": "",
        "StartTime": "2030-01-01T10:00:00Z",
        "EndTime": "2030-01-01T12:00:00Z",
        "SourceType": "url",
        "SourceUrls": [
            "https://cdn.example.com/v0.mp4",
            "https://cdn.example.com/v1.mp4",
            "https://cdn.example.com/v2.mp4"
        ],
        "DstUrl": "rtmp://push.example.com/live/b",
        "RepeatNumber": -1,
        "Offset": 30,
        "FileIndex": 1,
        "RetryCount": 2,
        "RetryInterval": 120
    })
}

#[test]
fn golden_success_bodies_of_every_operation() {
    let mut e = Engine::with_id_generator(Config::default(), Box::new(Plain));
    let a = account("1001");

    let create = CreateLivePullToPushRequest {
        task_name: Some("golden".into()),
        callback_url: Some(HOOK.into()),
        ..live_req("a")
    };
    let r = e
        .create_live_pull_to_push(&a, &create, at(CREATED))
        .unwrap();
    assert_eq!(
        js(&r),
        json!({"RequestId": "req-0", "RetCode": 0, "Description": "OK", "TaskId": "task-0"})
    );

    let r = e
        .describe_live_pull_to_push(&a, &describe_req("task-0", REGION), at(CREATED))
        .unwrap();
    assert_eq!(
        js(&r),
        json!({
            "RequestId": "req-1", "RetCode": 0, "Description": "OK",
            "TaskId": "task-0", "TaskStatus": 0, "CurrentOffset": 0, "CurrentFileIndex": 0,
            "TaskInfo": golden_live_info(HOOK)
        })
    );

    let change = UpdateLivePullToPushRequest {
        callback_url: Some(HOOK2.into()),
        ..upd(&TaskId::try_from("task-0").unwrap())
    };
    let r = e
        .update_live_pull_to_push(&a, &change, at(CREATED))
        .unwrap();
    assert_eq!(
        js(&r),
        json!({"RequestId": "req-2", "RetCode": 0, "Description": "OK"})
    );

    let r = e
        .describe_live_pull_to_push_list(&a, &list_req(REGION), at(CREATED))
        .unwrap();
    assert_eq!(
        js(&r),
        json!({
            "RequestId": "req-3", "Total": 1, "PageNumber": 1, "PageSize": 10,
            "TaskList": [{
                "TaskId": "task-0", "TaskStatus": 0, "CurrentOffset": 0, "CurrentFileIndex": 0,
                "TaskInfo": golden_live_info(HOOK2)
            }]
        })
    );

    let r = e
        .stop_live_pull_to_push(&a, &stop_req("task-0", REGION), at("2030-01-01T10:30:00Z"))
        .unwrap();
    assert_eq!(js(&r), json!({"RequestId": "req-4", "TaskId": "task-0"}));

    // Stopped by the API: status 3 and no TaskInvalidReason.
    let r = e
        .describe_live_pull_to_push(
            &a,
            &describe_req("task-0", REGION),
            at("2030-01-01T10:30:00Z"),
        )
        .unwrap();
    assert_eq!(
        js(&r),
        json!({
            "RequestId": "req-5", "RetCode": 0, "Description": "OK",
            "TaskId": "task-0", "TaskStatus": 3, "CurrentOffset": 0, "CurrentFileIndex": 0,
            "TaskInfo": golden_live_info(HOOK2)
        })
    );

    let r = e
        .restart_live_pull_to_push(
            &a,
            &restart_req("task-0", REGION),
            at("2030-01-01T10:31:00Z"),
        )
        .unwrap();
    assert_eq!(js(&r), json!({"RequestId": "req-6", "TaskId": "task-0"}));

    let r = e
        .delete_live_pull_to_push(
            &a,
            &delete_req("task-0", REGION),
            at("2030-01-01T10:32:00Z"),
        )
        .unwrap();
    assert_eq!(
        js(&r),
        json!({"RequestId": "req-7", "RetCode": 0, "Description": "OK"})
    );

    // Exited: TaskExitReason and TaskExitTime (Unix seconds of 10:32:00Z), nothing else new.
    let r = e
        .describe_live_pull_to_push(
            &a,
            &describe_req("task-0", REGION),
            at("2030-01-01T10:33:00Z"),
        )
        .unwrap();
    assert_eq!(
        js(&r),
        json!({
            "RequestId": "req-8", "RetCode": 0, "Description": "OK",
            "TaskId": "task-0", "TaskStatus": -1,
            "TaskExitTime": 1_893_493_920_i64, "TaskExitReason": "TriggerByUser",
            "CurrentOffset": 0, "CurrentFileIndex": 0,
            "TaskInfo": golden_live_info(HOOK2)
        })
    );

    // A playlist created after its StartTime: it runs at once, from FileIndex/Offset.
    let playlist = CreateLivePullToPushRequest {
        file_index: Some(1),
        offset: Some(30),
        repeat_number: Some(-1),
        retry_count: Some(2),
        retry_interval: Some(120),
        ..url_req("b", 3)
    };
    let r = e
        .create_live_pull_to_push(&a, &playlist, at("2030-01-01T10:33:00Z"))
        .unwrap();
    assert_eq!(
        js(&r),
        json!({"RequestId": "req-9", "RetCode": 0, "Description": "OK", "TaskId": "task-1"})
    );
    let r = e
        .describe_live_pull_to_push(
            &a,
            &describe_req("task-1", REGION),
            at("2030-01-01T10:34:00Z"),
        )
        .unwrap();
    assert_eq!(
        js(&r),
        json!({
            "RequestId": "req-10", "RetCode": 0, "Description": "OK",
            "TaskId": "task-1", "TaskStatus": 1, "CurrentOffset": 30, "CurrentFileIndex": 1,
            "TaskInfo": golden_url_info()
        })
    );

    // Retrying: status 2, still no TaskInvalidReason.
    let id1 = TaskId::try_from("task-1").unwrap();
    e.report_stream(
        &a,
        &id1,
        StreamReport::PushFailed,
        at("2030-01-01T10:35:00Z"),
    )
    .unwrap();
    let r = e
        .describe_live_pull_to_push(
            &a,
            &describe_req("task-1", REGION),
            at("2030-01-01T10:36:00Z"),
        )
        .unwrap();
    assert_eq!(js(&r)["TaskStatus"], 2);
    assert!(js(&r).get("TaskInvalidReason").is_none());

    // Stopped after 2 retries × 120 s: TaskInvalidReason appears.
    let r = e
        .describe_live_pull_to_push(
            &a,
            &describe_req("task-1", REGION),
            at("2030-01-01T10:39:00Z"),
        )
        .unwrap();
    assert_eq!(
        js(&r),
        json!({
            "RequestId": "req-12", "RetCode": 0, "Description": "OK",
            "TaskId": "task-1", "TaskStatus": 3, "TaskInvalidReason": "PushStreamFailed",
            "CurrentOffset": 30, "CurrentFileIndex": 1,
            "TaskInfo": golden_url_info()
        })
    );

    // Past EndTime: exited OverEndTime at 12:00:00Z; the invalid reason is gone.
    let r = e
        .describe_live_pull_to_push(&a, &describe_req("task-1", REGION), at(END))
        .unwrap();
    assert_eq!(
        js(&r),
        json!({
            "RequestId": "req-13", "RetCode": 0, "Description": "OK",
            "TaskId": "task-1", "TaskStatus": -1,
            "TaskExitTime": 1_893_499_200_i64, "TaskExitReason": "OverEndTime",
            "CurrentOffset": 30, "CurrentFileIndex": 1,
            "TaskInfo": golden_url_info()
        })
    );

    // The list: a flat array, newest first, with the same state-dependent fields.
    let r = e
        .describe_live_pull_to_push_list(&a, &list_req(REGION), at(END))
        .unwrap();
    let body = js(&r);
    assert_eq!(body["RequestId"], "req-14");
    assert_eq!(body["Total"], 2);
    assert_eq!(
        (body["PageNumber"].clone(), body["PageSize"].clone()),
        (json!(1), json!(10))
    );
    let list = body["TaskList"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["TaskId"], "task-1");
    assert_eq!(list[0]["TaskExitReason"], "OverEndTime");
    assert_eq!(list[1]["TaskId"], "task-0");
    assert_eq!(list[1]["TaskExitReason"], "TriggerByUser");
    assert_eq!(list[1]["TaskExitTime"], 1_893_493_920_i64);
    for entry in list {
        assert!(entry.get("RetCode").is_none() && entry.get("Description").is_none());
    }
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 5);

    // The error body, with request ids still counting.
    let err = e
        .stop_live_pull_to_push(&a, &stop_req("task-0", REGION), at(END))
        .unwrap_err();
    assert_eq!(
        serde_json::to_value(&err).unwrap(),
        json!({
            "RequestId": "req-15",
            "HostId": "live.aliyuncs.com",
            "Code": "CodeTaskNotExist",
            "Message": "Task does not exist.",
            "Recommend": "https://api.aliyun.com/troubleshoot?q=CodeTaskNotExist&product=live&requestId=req-15"
        })
    );
    assert_eq!(err.http_status(), 400);
}

#[test]
fn time_fields_are_whole_seconds_utc_with_z() {
    let mut fx = Fx::new();
    let id = fx.create(&live_req("a"), at(CREATED));
    let body = serde_json::to_value(fx.view(&id, at(CREATED))).unwrap();
    for key in ["StartTime", "EndTime"] {
        let text = body["TaskInfo"][key].as_str().unwrap();
        assert_eq!(text.len(), 20, "{text}");
        assert!(text.ends_with('Z') && text.as_bytes()[10] == b'T', "{text}");
    }
    // TaskStatus is an integer, never a string.
    assert!(body["TaskStatus"].is_i64());
    // No CallbackURL at all when none was set.
    assert!(body["TaskInfo"].get("CallbackURL").is_none());
    assert!(body["TaskInfo"].get("CallbackUrl").is_none());
}

// ---- 2. every error code from a real call ---------------------------------------------------

#[test]
fn missing_and_invalid_parameter_from_real_calls() {
    let mut fx = Fx::new();
    let id = fx.create(&live_req("a"), at(CREATED));
    let now = at(CREATED);

    let r = fx.refused(now, |e, a| {
        e.describe_live_pull_to_push(a, &describe_req("", REGION), now)
    });
    assert_rejected(&r, "MissingParameter", 400);
    assert_field(&r.error, "MissingParameter", "TaskId");

    let r = fx.refused(now, |e, a| {
        e.stop_live_pull_to_push(
            a,
            &StopLivePullToPushRequest {
                task_id: Some(id.to_string()),
                region: None,
            },
            now,
        )
    });
    assert_field(&r.error, "MissingParameter", "Region");

    // The docs' example value `preregion` is not a region.
    let r = fx.refused(now, |e, a| {
        e.restart_live_pull_to_push(a, &restart_req(id.as_str(), "preregion"), now)
    });
    assert_rejected(&r, "InvalidParameter", 400);
    assert_field(&r.error, "InvalidParameter", "Region");

    let r = fx.refused(now, |e, a| {
        e.create_live_pull_to_push(
            a,
            &CreateLivePullToPushRequest {
                dst_url: Some("http://push.example.com/live/x".into()),
                ..live_req("x")
            },
            now,
        )
    });
    assert_rejected(&r, "InvalidParameter", 400);
    assert_field(&r.error, "InvalidParameter", "DstUrl");

    let r = fx.update_refused(
        &UpdateLivePullToPushRequest {
            offset: Some(0),
            ..upd(&id)
        },
        now,
    );
    assert_field(&r.error, "InvalidParameter", "Offset");

    let r = fx.refused(now, |e, a| {
        e.describe_live_pull_to_push_list(
            a,
            &DescribeLivePullToPushListRequest {
                page_size: Some(101),
                ..list_req(REGION)
            },
            now,
        )
    });
    assert_field(&r.error, "InvalidParameter", "PageSize");

    let r = fx.refused(now, |e, a| {
        e.delete_live_pull_to_push(a, &DeleteLivePullToPushRequest::default(), now)
    });
    assert_rejected(&r, "MissingParameter", 400);
}

#[test]
fn illegal_duration_on_create_and_update() {
    let mut fx = Fx::new();
    let now = at(CREATED);
    let create = |start: &str, end: &str| CreateLivePullToPushRequest {
        start_time: Some(start.into()),
        end_time: Some(end.into()),
        ..live_req("x")
    };
    let cases = [
        // StartTime == EndTime and StartTime > EndTime.
        create(START, START),
        create(END, START),
        // EndTime not after now (equal, and before).
        create("2030-01-01T08:00:00Z", CREATED),
        create("2030-01-01T07:00:00Z", "2030-01-01T08:00:00Z"),
        // A window one second over seven days.
        create(START, "2030-01-08T10:00:01Z"),
    ];
    for req in &cases {
        let r = fx.refused(now, |e, a| e.create_live_pull_to_push(a, req, now));
        assert_rejected(&r, "InvalidParam.CodeIllegalDuration", 400);
    }
    // Exactly seven days is allowed.
    fx.create(&create(START, "2030-01-08T10:00:00Z"), now);

    // Without a window limit, thirty days are fine.
    let mut config = Config::default();
    config.task_limits.max_window_secs = None;
    let mut open = Fx::with(config);
    open.create(&create(START, "2030-01-31T10:00:00Z"), now);

    // Update: the merged window.
    let id = fx.create(&live_req("u"), now);
    for (start, end) in [
        (None, Some("2030-01-01T09:30:00Z")), // new end before the stored start
        (Some("2030-01-01T12:30:00Z"), None), // new start after the stored end
        (None, Some("2030-01-08T10:00:01Z")), // the stored start + 7 days + 1 s
        (Some(END), Some(START)),             // both, reversed
        (None, Some(CREATED)),                // end not after now
    ] {
        let req = UpdateLivePullToPushRequest {
            start_time: start.map(Into::into),
            end_time: end.map(Into::into),
            ..upd(&id)
        };
        let r = fx.update_refused(&req, now);
        assert_rejected(&r, "InvalidParam.CodeIllegalDuration", 400);
    }
}

#[test]
fn task_not_exist_has_started_has_stopped() {
    let mut fx = Fx::new();
    let id = fx.create(&live_req("a"), at(CREATED));
    let now = at("2030-01-01T10:30:00Z");

    let r = fx.refused(now, |e, a| {
        e.describe_live_pull_to_push(a, &describe_req(NO_SUCH_TASK, REGION), now)
    });
    assert_rejected(&r, "CodeTaskNotExist", 400);
    assert_eq!(r.error.to_string(), "Task does not exist.");

    let r = fx.update_refused(
        &UpdateLivePullToPushRequest {
            start_time: Some("2030-01-01T10:45:00Z".into()),
            ..upd(&id)
        },
        now,
    );
    assert_rejected(&r, "CodeTaskHasStarted", 400);
    assert_eq!(r.error.to_string(), "The task has already started.");

    fx.stop(&id, now).unwrap();
    let r = fx.refused(now, |e, a| {
        e.stop_live_pull_to_push(a, &stop_req(id.as_str(), REGION), now)
    });
    assert_rejected(&r, "CodeTaskHasStopped", 400);
    assert_eq!(r.error.to_string(), "The task has been stopped.");
}

#[test]
fn task_limit_counts_tasks_that_have_not_exited() {
    let mut config = Config::default();
    config.task_limits.max_tasks = 2;
    let mut fx = Fx::with(config);
    let now = at(CREATED);
    let first = fx.create(&live_req("a"), now);
    fx.create(&live_req("b"), now);
    let r = fx.refused(now, |e, a| {
        e.create_live_pull_to_push(a, &live_req("c"), now)
    });
    assert_rejected(&r, "CodeTaskLimitExceeded", 400);
    assert_eq!(
        r.error.to_string(),
        "The number of tasks has reached the upper limit of 2."
    );
    // Another account has its own limit.
    let other = account("2002");
    fx.e.create_live_pull_to_push(&other, &live_req("c"), now)
        .unwrap();
    // An exited task (still describable) no longer counts.
    fx.delete(&first, now).unwrap();
    assert_eq!(fx.status(&first, now), -1);
    fx.create(&live_req("c"), now);
    let r = fx.refused(now, |e, a| {
        e.create_live_pull_to_push(a, &live_req("d"), now)
    });
    assert_rejected(&r, "CodeTaskLimitExceeded", 400);
}

#[test]
fn default_task_limit_is_one_hundred() {
    let mut fx = Fx::new();
    let now = at(CREATED);
    for i in 0..100 {
        fx.create(&live_req(&format!("s{i}")), now);
    }
    let r = fx.refused(now, |e, a| {
        e.create_live_pull_to_push(a, &live_req("s100"), now)
    });
    assert_rejected(&r, "CodeTaskLimitExceeded", 400);
}

#[test]
fn dst_url_occupied_until_the_holder_exits() {
    let mut fx = Fx::with(strict());
    let now = at(CREATED);
    let holder = fx.create(&live_req("a"), now);
    // Same DstUrl, different source.
    let same_dst = CreateLivePullToPushRequest {
        source_urls: Some(vec!["rtmp://src.example.com/live/other".into()]),
        ..live_req("a")
    };
    let r = fx.refused(now, |e, a| e.create_live_pull_to_push(a, &same_dst, now));
    assert_rejected(&r, "CodeDstUrlOccupied", 400);
    assert!(r.error.to_string().contains(holder.as_str()));
    // Stopped still holds it.
    fx.stop(&holder, at("2030-01-01T10:30:00Z")).unwrap();
    let later = at("2030-01-01T10:31:00Z");
    let r = fx.refused(later, |e, a| {
        e.create_live_pull_to_push(a, &same_dst, later)
    });
    assert_rejected(&r, "CodeDstUrlOccupied", 400);
    // Another account may push there (accounts never see each other).
    fx.e.create_live_pull_to_push(&account("2002"), &same_dst, later)
        .unwrap();
    // Exited: free.
    fx.delete(&holder, later).unwrap();
    fx.create(&same_dst, later);
}

#[test]
fn dst_url_freed_when_the_holder_passes_end_time() {
    let mut fx = Fx::with(strict());
    fx.create(&live_req("a"), at(CREATED));
    let late = CreateLivePullToPushRequest {
        start_time: Some("2030-01-01T12:30:00Z".into()),
        end_time: Some("2030-01-01T13:00:00Z".into()),
        ..live_req("a")
    };
    let before_end = at("2030-01-01T11:59:59Z");
    let r = fx.refused(before_end, |e, a| {
        e.create_live_pull_to_push(a, &late, before_end)
    });
    assert_rejected(&r, "CodeDstUrlOccupied", 400);
    fx.create(&late, at(END));
}

/// The docs say a DstUrl in use makes the ingest fail (live-api.md §3), not the call: a
/// default engine takes a second task pushing there, and each exits on its own.
#[test]
fn a_default_engine_takes_a_dst_url_in_use() {
    let mut fx = Fx::new();
    let now = at(CREATED);
    let first = fx.create(&live_req("a"), now);
    let same_dst = CreateLivePullToPushRequest {
        source_urls: Some(vec!["rtmp://src.example.com/live/other".into()]),
        ..live_req("a")
    };
    let second = fx.create(&same_dst, now);
    let third = fx.create(&same_dst, now);
    assert_ne!(first, second);
    let dst = |fx: &mut Fx, id: &TaskId| fx.view(id, now).task_info.dst_url.to_string();
    assert_eq!(dst(&mut fx, &first), dst(&mut fx, &second));
    // Both count against the limit, and leave it as they exit.
    fx.delete(&second, now).unwrap();
    fx.delete(&first, now).unwrap();
    assert!(fx.e.state().invariants_hold());
    let snapshot = serde_json::to_string(&fx.e.snapshot()).unwrap();
    let restored = Engine::restore(Config::default(), serde_json::from_str(&snapshot).unwrap());
    assert_eq!(restored.state(), fx.e.state());
    fx.delete(&third, now).unwrap();
    assert!(fx.e.state().invariants_hold());
    // A strict engine refuses the second, naming the first.
    let mut fx = Fx::with(strict());
    let first = fx.create(&live_req("a"), now);
    let r = fx.refused(now, |e, a| e.create_live_pull_to_push(a, &same_dst, now));
    assert_rejected(&r, "CodeDstUrlOccupied", 400);
    assert!(r.error.to_string().contains(first.as_str()));
}

/// Three tasks pushing to one DstUrl, as a default engine takes them, and a snapshot that
/// holds them: it writes the destination's tasks as a list, and loads back equal.
#[test]
fn a_shared_destination_survives_a_snapshot_and_a_replay() {
    let mut fx = Fx::new();
    let now = at(CREATED);
    let ids: Vec<TaskId> = (0..3).map(|_| fx.create(&live_req("a"), now)).collect();
    let snapshot = serde_json::to_value(fx.e.snapshot()).unwrap();
    let text = snapshot.to_string();
    assert!(text.contains(&format!(r#"["{}","{}","{}"]"#, ids[0], ids[1], ids[2])));
    let restored = Engine::restore(Config::default(), serde_json::from_value(snapshot).unwrap());
    assert_eq!(restored.state(), fx.e.state());
    assert!(restored.state().invariants_hold());
    let replayed = Engine::replay(Config::default(), &fx.e.drain_events()).unwrap();
    assert_eq!(replayed.state(), fx.e.state());
    // The middle one exits; two remain, then one, written as one id again.
    fx.delete(&ids[1], now).unwrap();
    fx.delete(&ids[0], now).unwrap();
    assert!(fx.e.state().invariants_hold());
    let text = serde_json::to_string(&fx.e.snapshot()).unwrap();
    assert!(text.contains(&format!(r#""rtmp://push.example.com/live/a":"{}""#, ids[2])));
}

fn all_seven_ops(
    fx: &mut Fx,
    id: &TaskId,
    caller: &AccountId,
    now: DateTime<Utc>,
) -> Vec<Rejection> {
    let i = id.as_str();
    let e = &mut fx.e;
    vec![
        e.create_live_pull_to_push(caller, &live_req("zz"), now)
            .unwrap_err(),
        e.update_live_pull_to_push(caller, &upd(id), now)
            .unwrap_err(),
        e.delete_live_pull_to_push(caller, &delete_req(i, REGION), now)
            .unwrap_err(),
        e.describe_live_pull_to_push(caller, &describe_req(i, REGION), now)
            .unwrap_err(),
        e.describe_live_pull_to_push_list(caller, &list_req(REGION), now)
            .unwrap_err(),
        e.stop_live_pull_to_push(caller, &stop_req(i, REGION), now)
            .unwrap_err(),
        e.restart_live_pull_to_push(caller, &restart_req(i, REGION), now)
            .unwrap_err(),
    ]
}

#[test]
fn live_service_not_found_and_invalid_ali_uid_on_all_seven_operations() {
    let allowed = account("1001");
    let neither = account("3003");
    let no_domain = account("4004");
    let config = Config {
        live_service: Access::Only([allowed.clone(), no_domain.clone()].into()),
        live_domains: Access::Only([allowed.clone()].into()),
        ..Config::default()
    };
    let mut fx = Fx::with(config);
    let now = at(CREATED);
    let id = fx.create(&live_req("a"), now);
    fx.settle();
    let before = fx.e.state().clone();

    let errs = all_seven_ops(&mut fx, &id, &neither, now);
    for r in &errs {
        // Not activated: checked before the domain (this account has neither).
        assert_rejected(r, "LiveServiceNotFound", 400);
        assert_eq!(
            r.error.to_string(),
            "Your account does not open Live service yet"
        );
    }
    let errs = all_seven_ops(&mut fx, &id, &no_domain, now);
    for r in &errs {
        assert_rejected(r, "CodeInvalidAliUid", 400);
        assert_eq!(
            r.error.to_string(),
            "This aliuid does not have a live domain name."
        );
    }
    assert_eq!(fx.e.state(), &before);
    assert!(fx.e.drain_events().is_empty());

    // Validation comes first: a malformed request is InvalidParameter even for them.
    let r =
        fx.e.describe_live_pull_to_push(&neither, &describe_req(id.as_str(), "mars-1"), now)
            .unwrap_err();
    assert_rejected(&r, "InvalidParameter", 400);
}

/// Hands out the same task id every time, or an invalid one.
#[derive(Debug)]
struct FixedTaskId(&'static str);

impl IdGenerator for FixedTaskId {
    fn generate(&mut self, kind: IdKind, seq: u64) -> String {
        match kind {
            IdKind::Task => self.0.to_owned(),
            _ => format!("req-{seq}"),
        }
    }
}

#[test]
fn internal_error_when_the_id_generator_misbehaves() {
    let now = at(CREATED);
    for bad in ["has space", "", &"x".repeat(129)] {
        let leaked: &'static str = Box::leak(bad.to_owned().into_boxed_str());
        let mut fx = Fx {
            e: Engine::with_id_generator(Config::default(), Box::new(FixedTaskId(leaked))),
            a: account("1001"),
        };
        let r = fx.refused(now, |e, a| {
            e.create_live_pull_to_push(a, &live_req("a"), now)
        });
        assert_rejected(&r, "InternalError", 500);
        assert_eq!(fx.e.state(), &live_lifecycle::State::default());
    }

    let mut fx = Fx {
        e: Engine::with_id_generator(Config::default(), Box::new(FixedTaskId("dup"))),
        a: account("1001"),
    };
    fx.create(&live_req("a"), now);
    let r = fx.refused(now, |e, a| {
        e.create_live_pull_to_push(a, &live_req("b"), now)
    });
    assert_rejected(&r, "InternalError", 500);
    assert!(r.error.to_string().contains("dup"));
    // The failed create did not take the DstUrl.
    let id = TaskId::try_from("dup").unwrap();
    fx.delete(&id, now).unwrap();
    let r = fx.refused(now, |e, a| {
        e.create_live_pull_to_push(a, &live_req("b"), now)
    });
    assert_rejected(&r, "InternalError", 500);
}

// ---- 3. the update table of seed 004 --------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum St {
    NotStarted,
    Running,
    Retrying,
    Stopped,
    Exited,
}

const STATES: [St; 5] = [
    St::NotStarted,
    St::Running,
    St::Retrying,
    St::Stopped,
    St::Exited,
];

impl St {
    fn code(self) -> i32 {
        match self {
            St::NotStarted => 0,
            St::Running => 1,
            St::Retrying => 2,
            St::Stopped => 3,
            St::Exited => -1,
        }
    }
}

/// A url task with three files and a CallbackUrl, brought into `st`; returns the `now` at
/// which it is in that state, with events and callbacks drained.
fn task_in(st: St) -> (Fx, TaskId, DateTime<Utc>) {
    let mut fx = Fx::new();
    let id = fx.create(&with_hook(url_req("a", 3)), at(CREATED));
    let t = at("2030-01-01T10:30:00Z");
    let now = match st {
        St::NotStarted => at(CREATED) + secs(60),
        St::Running => t,
        St::Retrying => {
            fx.report(&id, StreamReport::PullFailed, t).unwrap();
            t + secs(60)
        }
        St::Stopped => {
            fx.stop(&id, t).unwrap();
            t + secs(60)
        }
        St::Exited => {
            fx.delete(&id, t).unwrap();
            t + secs(60)
        }
    };
    fx.e.advance(now);
    assert_eq!(fx.status(&id, now), st.code(), "{st:?}");
    fx.settle();
    (fx, id, now)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    StartTime,
    EndTime,
    SourceUrls,
    RepeatNumber,
    Offset,
    CallbackUrl,
    FileIndex,
    Region,
}

const FIELDS: [Field; 8] = [
    Field::StartTime,
    Field::EndTime,
    Field::SourceUrls,
    Field::RepeatNumber,
    Field::Offset,
    Field::CallbackUrl,
    Field::FileIndex,
    Field::Region,
];

const NEW_START: &str = "2030-01-01T10:15:00Z";
const NEW_END: &str = "2030-01-01T13:00:00Z";

fn new_files() -> Vec<String> {
    vec![
        "https://cdn2.example.com/n0.flv".into(),
        "https://cdn2.example.com/n1.flv".into(),
    ]
}

fn set(field: Field, req: &mut UpdateLivePullToPushRequest) {
    match field {
        Field::StartTime => req.start_time = Some(NEW_START.into()),
        Field::EndTime => req.end_time = Some(NEW_END.into()),
        Field::SourceUrls => req.source_urls = Some(new_files()),
        Field::RepeatNumber => req.repeat_number = Some(2),
        Field::Offset => req.offset = Some(5),
        Field::CallbackUrl => req.callback_url = Some(HOOK2.into()),
        Field::FileIndex => req.file_index = Some(1),
        Field::Region => req.region = Some(OTHER_REGION.into()),
    }
}

/// Whether `info` shows the new value of `field` (and, for the others, the old one).
fn shows(field: Field, info: &TaskInfo) -> bool {
    match field {
        Field::StartTime => info.start_time == at(NEW_START),
        Field::EndTime => info.end_time == at(NEW_END),
        Field::SourceUrls => info.source_urls == new_files(),
        Field::RepeatNumber => info.repeat_number == 2,
        Field::Offset => info.offset == 5,
        Field::CallbackUrl => info.callback_url.as_ref().map(|u| u.as_str()) == Some(HOOK2),
        Field::FileIndex => info.file_index == 1,
        // Region is not part of TaskInfo: it is checked by where the task is found.
        Field::Region => true,
    }
}

/// The seed's table: which field may change in which state, else the exact code.
fn update_rule(st: St, field: Field) -> Result<(), &'static str> {
    match (st, field) {
        (St::Exited, _) => Err("CodeTaskNotExist"),
        (St::NotStarted, _) => Ok(()),
        (St::Running | St::Retrying, Field::CallbackUrl | Field::RepeatNumber) => Ok(()),
        (St::Running | St::Retrying, _) => Err("CodeTaskHasStarted"),
        (St::Stopped, Field::Region) => Err("CodeTaskHasStarted"),
        (St::Stopped, _) => Ok(()),
    }
}

#[test]
fn update_table_every_state_times_every_field() {
    let mut pairs = 0;
    for st in STATES {
        for field in FIELDS {
            let (mut fx, id, now) = task_in(st);
            let mut req = upd(&id);
            set(field, &mut req);
            let before_view = fx.describe_in(&id, REGION, now).unwrap();
            match update_rule(st, field) {
                Ok(()) => {
                    let r = fx
                        .update(&req, now)
                        .unwrap_or_else(|e| panic!("{st:?} {field:?}: {e:?}"));
                    assert_eq!((r.ret_code, r.description.as_str()), (0, "OK"));
                    let events = kinds(&fx.e.drain_events());
                    assert_eq!(
                        events,
                        vec![kind(
                            "Updated",
                            &now.format("%Y-%m-%dT%H:%M:%SZ").to_string()
                        )],
                        "{st:?} {field:?}"
                    );
                    assert!(fx.e.drain_callbacks().is_empty());
                    let region = if field == Field::Region {
                        OTHER_REGION
                    } else {
                        REGION
                    };
                    let view = fx.describe_in(&id, region, now).unwrap();
                    assert!(shows(field, &view.task_info), "{st:?} {field:?}: {view:?}");
                    assert_eq!(view.task_status.code(), st.code(), "{st:?} {field:?}");
                    // Every other field is as it was.
                    for other in FIELDS
                        .into_iter()
                        .filter(|f| *f != field && *f != Field::Region)
                    {
                        assert_eq!(
                            shows(other, &view.task_info),
                            shows(other, &before_view.task_info),
                            "{st:?} {field:?} touched {other:?}"
                        );
                    }
                    if field == Field::Region {
                        let r = fx.describe_in(&id, REGION, now).unwrap_err();
                        assert_rejected(&r, "CodeTaskNotExist", 400);
                    }
                }
                Err(code) => {
                    let r = fx.update_refused(&req, now);
                    assert_rejected(&r, code, 400);
                    assert_eq!(fx.view(&id, now), before_view);
                }
            }
            assert!(fx.e.state().invariants_hold());
            pairs += 1;
        }
    }
    assert_eq!(pairs, 40);
}

#[test]
fn update_while_running_with_any_other_field_changes_nothing() {
    for st in [St::Running, St::Retrying] {
        let (mut fx, id, now) = task_in(st);
        for field in FIELDS.into_iter().filter(|f| update_rule(st, *f).is_err()) {
            let mut req = UpdateLivePullToPushRequest {
                callback_url: Some(HOOK2.into()),
                repeat_number: Some(-1),
                ..upd(&id)
            };
            set(field, &mut req);
            let r = fx.update_refused(&req, now);
            assert_rejected(&r, "CodeTaskHasStarted", 400);
            let info = fx.view(&id, now).task_info;
            assert_eq!(info.callback_url.unwrap().as_str(), HOOK);
            assert_eq!(info.repeat_number, 0);
        }
        // Even a field equal to the stored value.
        let req = UpdateLivePullToPushRequest {
            file_index: Some(0),
            ..upd(&id)
        };
        assert_rejected(&fx.update_refused(&req, now), "CodeTaskHasStarted", 400);
        let req = UpdateLivePullToPushRequest {
            start_time: Some(START.into()),
            ..upd(&id)
        };
        assert_rejected(&fx.update_refused(&req, now), "CodeTaskHasStarted", 400);
    }
}

#[test]
fn update_moves_a_task_not_started_to_another_region() {
    let (mut fx, id, now) = task_in(St::NotStarted);
    let req = UpdateLivePullToPushRequest {
        region: Some(OTHER_REGION.into()),
        callback_url: Some(HOOK2.into()),
        ..upd(&id)
    };
    fx.update(&req, now).unwrap();
    // The old region finds nothing, for every operation; the new one does.
    assert_rejected(
        &fx.describe_in(&id, REGION, now).unwrap_err(),
        "CodeTaskNotExist",
        400,
    );
    let r = fx.refused(now, |e, a| {
        e.stop_live_pull_to_push(a, &stop_req(id.as_str(), REGION), now)
    });
    assert_rejected(&r, "CodeTaskNotExist", 400);
    let r = fx.refused(now, |e, a| {
        e.delete_live_pull_to_push(a, &delete_req(id.as_str(), REGION), now)
    });
    assert_rejected(&r, "CodeTaskNotExist", 400);
    assert_eq!(fx.list(&list_req(REGION), now).total, 0);
    let listed = fx.list(&list_req(OTHER_REGION), now);
    assert_eq!(listed.task_list[0].task_id, id);
    // It starts on time in its new region, and callbacks carry the new region.
    fx.e.advance(at(START));
    let calls = fx.e.drain_callbacks();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body.region.as_str(), OTHER_REGION);
    assert_eq!(calls[0].url, HOOK2);
    let v = fx.describe_in(&id, OTHER_REGION, at(START)).unwrap();
    assert_eq!(v.task_status.code(), 1);
    // Once started, moving back is refused.
    let back = UpdateLivePullToPushRequest {
        region: Some(REGION.into()),
        ..upd(&id)
    };
    assert_rejected(
        &fx.update_refused(&back, at(START)),
        "CodeTaskHasStarted",
        400,
    );
}

#[test]
fn update_merged_window_rules() {
    let (mut fx, id, now) = task_in(St::NotStarted);
    // Only EndTime, before the stored StartTime (but after now).
    let req = UpdateLivePullToPushRequest {
        end_time: Some("2030-01-01T09:30:00Z".into()),
        ..upd(&id)
    };
    assert_rejected(
        &fx.update_refused(&req, now),
        "InvalidParam.CodeIllegalDuration",
        400,
    );
    // Only EndTime, equal to the stored StartTime.
    let req = UpdateLivePullToPushRequest {
        end_time: Some(START.into()),
        ..upd(&id)
    };
    assert_rejected(
        &fx.update_refused(&req, now),
        "InvalidParam.CodeIllegalDuration",
        400,
    );
    // Only StartTime, after the stored EndTime.
    let req = UpdateLivePullToPushRequest {
        start_time: Some("2030-01-01T12:00:01Z".into()),
        ..upd(&id)
    };
    assert_rejected(
        &fx.update_refused(&req, now),
        "InvalidParam.CodeIllegalDuration",
        400,
    );
    // Both moved together later: fine.
    let req = UpdateLivePullToPushRequest {
        start_time: Some("2030-01-01T13:00:00Z".into()),
        end_time: Some("2030-01-01T14:00:00Z".into()),
        ..upd(&id)
    };
    fx.update(&req, now).unwrap();
    assert_eq!(fx.e.next_deadline(), Some(at("2030-01-01T13:00:00Z")));

    // Stopped: StartTime alone after the stored EndTime.
    let (mut fx, id, now) = task_in(St::Stopped);
    let req = UpdateLivePullToPushRequest {
        start_time: Some("2030-01-01T12:30:00Z".into()),
        ..upd(&id)
    };
    assert_rejected(
        &fx.update_refused(&req, now),
        "InvalidParam.CodeIllegalDuration",
        400,
    );
    // Stopped: a later EndTime is taken and becomes the exit deadline.
    let req = UpdateLivePullToPushRequest {
        end_time: Some("2030-01-01T11:00:00Z".into()),
        ..upd(&id)
    };
    fx.update(&req, now).unwrap();
    assert_eq!(fx.e.next_deadline(), Some(at("2030-01-01T11:00:00Z")));
    let v = fx.view(&id, at("2030-01-01T11:00:00Z"));
    assert_eq!(v.task_exit_reason.map(|r| r.as_str()), Some("OverEndTime"));
}

#[test]
fn update_not_started_with_start_time_in_the_past_starts_at_once() {
    let (mut fx, id, now) = task_in(St::NotStarted);
    let req = UpdateLivePullToPushRequest {
        start_time: Some("2030-01-01T08:00:00Z".into()),
        ..upd(&id)
    };
    fx.update(&req, now).unwrap();
    let stamp = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    assert_eq!(
        kinds(&fx.e.drain_events()),
        vec![kind("Updated", &stamp), kind("Started", &stamp)]
    );
    assert_eq!(
        cbs(&fx.e.drain_callbacks()),
        vec![cb(HOOK, "Running", &stamp, None)]
    );
    assert_eq!(fx.status(&id, now), 1);
}

#[test]
fn update_callback_url_empty_removes_it() {
    for st in [St::NotStarted, St::Running, St::Retrying, St::Stopped] {
        let (mut fx, id, now) = task_in(st);
        fx.update(
            &UpdateLivePullToPushRequest {
                callback_url: Some(String::new()),
                ..upd(&id)
            },
            now,
        )
        .unwrap();
        assert!(fx.view(&id, now).task_info.callback_url.is_none(), "{st:?}");
        let body = serde_json::to_value(fx.view(&id, now)).unwrap();
        assert!(body["TaskInfo"].get("CallbackURL").is_none());
        // No callbacks any more, whatever happens next.
        fx.delete(&id, now).unwrap();
        assert!(fx.e.drain_callbacks().is_empty(), "{st:?}");
    }
}

#[test]
fn update_rules_specific_to_a_live_source() {
    let mut fx = Fx::with(strict());
    let id = fx.create(&live_req("a"), at(CREATED));
    let now = at(CREATED);
    // A strict engine refuses the playlist-only fields on a live source.
    for (field, req) in [
        (
            "RepeatNumber",
            UpdateLivePullToPushRequest {
                repeat_number: Some(1),
                ..upd(&id)
            },
        ),
        (
            "Offset",
            UpdateLivePullToPushRequest {
                offset: Some(3),
                ..upd(&id)
            },
        ),
        (
            "FileIndex",
            UpdateLivePullToPushRequest {
                file_index: Some(0),
                ..upd(&id)
            },
        ),
    ] {
        let r = fx.update_refused(&req, now);
        assert_field(&r.error, "InvalidParameter", field);
    }
    let mut fx = Fx::new();
    let id = fx.create(&live_req("a"), at(CREATED));
    // A live source takes exactly one URL of its protocol.
    let two = UpdateLivePullToPushRequest {
        source_urls: Some(vec![
            "rtmp://s.example.com/live/a".into(),
            "rtmp://s.example.com/live/b".into(),
        ]),
        ..upd(&id)
    };
    assert_field(
        &fx.update_refused(&two, now).error,
        "InvalidParameter",
        "SourceUrls",
    );
    let wrong_protocol = UpdateLivePullToPushRequest {
        source_urls: Some(vec!["srt://s.example.com:9000".into()]),
        ..upd(&id)
    };
    assert_field(
        &fx.update_refused(&wrong_protocol, now).error,
        "InvalidParameter",
        "SourceUrls",
    );
    let one = UpdateLivePullToPushRequest {
        source_urls: Some(vec!["rtmp://s.example.com/live/new".into()]),
        ..upd(&id)
    };
    fx.update(&one, now).unwrap();
    assert_eq!(
        fx.view(&id, now).task_info.source_urls,
        ["rtmp://s.example.com/live/new"]
    );
    // A url source refuses a list of the wrong kind, and FileIndex beyond the merged list.
    let (mut fx, id, now) = task_in(St::Stopped);
    let vod_ids = UpdateLivePullToPushRequest {
        source_urls: Some(vec!["a1b2c3".into()]),
        ..upd(&id)
    };
    assert_field(
        &fx.update_refused(&vod_ids, now).error,
        "InvalidParameter",
        "SourceUrls",
    );
    let beyond = UpdateLivePullToPushRequest {
        file_index: Some(3),
        ..upd(&id)
    };
    assert_field(
        &fx.update_refused(&beyond, now).error,
        "InvalidParameter",
        "FileIndex",
    );
    // FileIndex 2 is fine with three files, but not together with a two-file list.
    let both = UpdateLivePullToPushRequest {
        file_index: Some(2),
        source_urls: Some(new_files()),
        ..upd(&id)
    };
    assert_field(
        &fx.update_refused(&both, now).error,
        "InvalidParameter",
        "FileIndex",
    );
    // The list shrinks below the stored FileIndex.
    fx.update(
        &UpdateLivePullToPushRequest {
            file_index: Some(2),
            ..upd(&id)
        },
        now,
    )
    .unwrap();
    let shrink = UpdateLivePullToPushRequest {
        source_urls: Some(new_files()),
        ..upd(&id)
    };
    assert_field(
        &fx.update_refused(&shrink, now).error,
        "InvalidParameter",
        "FileIndex",
    );
}

fn strict() -> Config {
    Config {
        strict: true,
        ..Config::default()
    }
}

/// Issue #22: seed 004 lets a running task's RepeatNumber ("RepeatTime") change, and the docs
/// call RepeatNumber effective only for vod and url sources; nowhere do they refuse it on a
/// live source. A default engine takes it, stores and echoes it, and plays nothing more; a
/// strict one refuses it, changing nothing.
#[test]
fn repeat_number_on_a_running_live_task_is_accepted_and_ignored() {
    let req = |id: &TaskId| UpdateLivePullToPushRequest {
        repeat_number: Some(2),
        ..upd(id)
    };
    let mut fx = Fx::new();
    let id = fx.create(&live_req("a"), at(CREATED));
    let now = at(START);
    assert_eq!(fx.status(&id, now), 1);
    fx.settle();
    let r = fx.update(&req(&id), now).unwrap();
    assert_eq!((r.ret_code, r.description.as_str()), (0, "OK"));
    let view = fx.view(&id, now);
    assert_eq!(view.task_status.code(), 1);
    assert_eq!(view.task_info.repeat_number, 2);
    assert_eq!((view.current_file_index, view.current_offset), (0, 0));
    assert_eq!(kinds(&fx.e.drain_events()), [kind("Updated", START)]);
    assert!(fx.e.drain_callbacks().is_empty());
    assert!(fx.e.state().invariants_hold());
    // A live task has no playlist: a file report still does not apply.
    fx.report_refused(&id, StreamReport::FileEnded, now);

    let mut fx = Fx::with(strict());
    let id = fx.create(&live_req("a"), at(CREATED));
    let r = fx.update_refused(&req(&id), now);
    assert_rejected(&r, "InvalidParameter", 400);
    assert_field(&r.error, "InvalidParameter", "RepeatNumber");
    assert_eq!(fx.view(&id, now).task_info.repeat_number, 0);
}

/// The other playlist-only fields on a live task: taken and echoed by a default engine before
/// the start (while running only CallbackUrl and RepeatNumber may change, seed 004), and
/// without effect: playback of a live source has no file or offset.
#[test]
fn offset_and_file_index_on_a_live_task_are_echoed_and_do_nothing() {
    let mut fx = Fx::new();
    let create = CreateLivePullToPushRequest {
        repeat_number: Some(-1),
        offset: Some(30),
        file_index: Some(4),
        ..live_req("a")
    };
    let id = fx.create(&create, at(CREATED));
    let info = fx.view(&id, at(CREATED)).task_info;
    assert_eq!(
        (info.repeat_number, info.offset, info.file_index),
        (-1, 30, 4)
    );
    fx.update(
        &UpdateLivePullToPushRequest {
            offset: Some(7),
            file_index: Some(9),
            ..upd(&id)
        },
        at(CREATED),
    )
    .unwrap();
    let started = fx.view(&id, at(START));
    assert_eq!(started.task_status.code(), 1);
    assert_eq!(
        (started.task_info.offset, started.task_info.file_index),
        (7, 9)
    );
    assert_eq!((started.current_file_index, started.current_offset), (0, 0));
    // Running: only CallbackUrl and RepeatNumber may change, whatever the source.
    let r = fx.update_refused(
        &UpdateLivePullToPushRequest {
            offset: Some(8),
            ..upd(&id)
        },
        at(START),
    );
    assert_rejected(&r, "CodeTaskHasStarted", 400);
    fx.stop(&id, at(START)).unwrap();
    fx.restart(&id, at(START)).unwrap();
    let restarted = fx.view(&id, at(START));
    assert_eq!(
        (restarted.current_file_index, restarted.current_offset),
        (0, 0)
    );
    // A strict engine refuses the Create.
    assert_field(
        &create_err_strict(&create),
        "InvalidParameter",
        "RepeatNumber",
    );
    assert_eq!(
        create
            .validate_all_with(at(CREATED), true)
            .iter()
            .filter_map(field_of)
            .collect::<Vec<_>>(),
        ["RepeatNumber", "Offset", "FileIndex"]
    );
}

/// README precedence: "not found → wrong state → rules on the merged values (Update)". A
/// running task refuses a SourceUrls change for its state before looking at the list.
#[test]
fn update_running_state_check_precedes_the_source_list_rules() {
    let (mut fx, id, now) = task_in(St::Running);
    let req = UpdateLivePullToPushRequest {
        source_urls: Some(vec!["rtmp://s.example.com/live/a".into()]),
        ..upd(&id)
    };
    assert_rejected(&fx.update_refused(&req, now), "CodeTaskHasStarted", 400);
}

// ---- 4. state × operation for Stop / Restart / Delete / Describe ------------------------------

#[derive(Clone, Copy, Debug)]
enum Op {
    Stop,
    Restart,
    Delete,
    Describe,
}

#[derive(Clone, Copy, Debug)]
enum Target {
    In(St),
    NeverExisted,
    WrongRegion(St),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Success and nothing changes.
    NoOp,
    /// Success; the task is now in this status, with one event and one callback.
    Becomes(i32, &'static str, &'static str),
    /// Describe shows this status.
    Shows(i32),
    Refused(&'static str),
}

fn expected(op: Op, target: Target) -> Outcome {
    let st = match target {
        Target::In(st) => st,
        Target::NeverExisted | Target::WrongRegion(_) => {
            return Outcome::Refused("CodeTaskNotExist");
        }
    };
    match (op, st) {
        (Op::Describe, st) => Outcome::Shows(st.code()),
        (_, St::Exited) => Outcome::Refused("CodeTaskNotExist"),
        (Op::Stop, St::NotStarted) | (Op::Restart, St::NotStarted) => Outcome::NoOp,
        (Op::Stop, St::Running | St::Retrying) => Outcome::Becomes(3, "Stopped", "Offline"),
        (Op::Stop, St::Stopped) => Outcome::Refused("CodeTaskHasStopped"),
        (Op::Restart, _) => Outcome::Becomes(1, "Restarted", "Running"),
        (Op::Delete, _) => Outcome::Becomes(-1, "Deleted", "Exit"),
    }
}

fn run(
    e: &mut Engine,
    a: &AccountId,
    op: Op,
    id: &str,
    region: &str,
    now: DateTime<Utc>,
) -> Result<Value, Rejection> {
    match op {
        Op::Stop => e
            .stop_live_pull_to_push(a, &stop_req(id, region), now)
            .map(|r| js(&r)),
        Op::Restart => e
            .restart_live_pull_to_push(a, &restart_req(id, region), now)
            .map(|r| js(&r)),
        Op::Delete => e
            .delete_live_pull_to_push(a, &delete_req(id, region), now)
            .map(|r| js(&r)),
        Op::Describe => e
            .describe_live_pull_to_push(a, &describe_req(id, region), now)
            .map(|r| js(&r)),
    }
}

#[test]
fn stop_restart_delete_describe_in_every_state() {
    let mut targets: Vec<Target> = STATES.iter().map(|s| Target::In(*s)).collect();
    targets.push(Target::NeverExisted);
    targets.extend(STATES.iter().map(|s| Target::WrongRegion(*s)));
    let mut pairs = 0;
    for op in [Op::Stop, Op::Restart, Op::Delete, Op::Describe] {
        for target in &targets {
            let st = match target {
                Target::In(st) | Target::WrongRegion(st) => *st,
                Target::NeverExisted => St::Running,
            };
            let (mut fx, id, now) = task_in(st);
            let (call_id, region) = match target {
                Target::In(_) => (id.to_string(), REGION),
                Target::NeverExisted => (NO_SUCH_TASK.to_owned(), REGION),
                Target::WrongRegion(_) => (id.to_string(), OTHER_REGION),
            };
            let what = format!("{op:?} on {target:?}");
            match expected(op, *target) {
                Outcome::NoOp => {
                    let body = fx.no_op(now, |e, a| run(e, a, op, &call_id, region, now));
                    assert_eq!(body["TaskId"], id.as_str(), "{what}");
                    assert_eq!(fx.status(&id, now), st.code(), "{what}");
                }
                Outcome::Shows(code) => {
                    let body = fx.no_op(now, |e, a| run(e, a, op, &call_id, region, now));
                    assert_eq!(body["TaskStatus"], code, "{what}");
                }
                Outcome::Becomes(code, event, state) => {
                    run(&mut fx.e, &fx.a, op, &call_id, region, now)
                        .unwrap_or_else(|e| panic!("{what}: {e:?}"));
                    let stamp = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
                    assert_eq!(
                        kinds(&fx.e.drain_events()),
                        vec![kind(event, &stamp)],
                        "{what}"
                    );
                    let calls = cbs(&fx.e.drain_callbacks());
                    let reason = (state == "Exit").then_some("TriggerByUser");
                    assert_eq!(calls, vec![cb(HOOK, state, &stamp, reason)], "{what}");
                    let view = fx.view(&id, now);
                    assert_eq!(view.task_status.code(), code, "{what}");
                    // Stopped by the API: no TaskInvalidReason; deleted: TriggerByUser at now.
                    assert!(view.task_invalid_reason.is_none(), "{what}");
                    if code == -1 {
                        assert_eq!(
                            view.task_exit_reason.map(|r| r.as_str()),
                            Some("TriggerByUser")
                        );
                        assert_eq!(view.task_exit_time, Some(now.timestamp()));
                    } else {
                        assert!(view.task_exit_reason.is_none() && view.task_exit_time.is_none());
                    }
                }
                Outcome::Refused(code) => {
                    let r = fx.refused(now, |e, a| run(e, a, op, &call_id, region, now));
                    assert_rejected(&r, code, 400);
                }
            }
            assert!(fx.e.state().invariants_hold());
            pairs += 1;
        }
    }
    assert_eq!(pairs, 4 * 11);
}

#[test]
fn a_deleted_task_can_never_run_again() {
    let (mut fx, id, now) = task_in(St::Running);
    fx.delete(&id, now).unwrap();
    for later in [now + secs(1), at(END), at(END) + secs(WEEK)] {
        for op in [Op::Stop, Op::Restart, Op::Delete] {
            let r = fx.refused(later, |e, a| run(e, a, op, id.as_str(), REGION, later));
            assert_rejected(&r, "CodeTaskNotExist", 400);
        }
        let r = fx.refused(later, |e, a| {
            e.update_live_pull_to_push(a, &upd(&id), later)
        });
        assert_rejected(&r, "CodeTaskNotExist", 400);
    }
}

// ---- 5. time ---------------------------------------------------------------------------------

#[test]
fn start_and_end_fire_exactly_on_their_deadlines() {
    let mut fx = Fx::new();
    let id = fx.create(&with_hook(live_req("a")), at(CREATED));
    fx.settle();
    assert_eq!(fx.e.next_deadline(), Some(at(START)));

    assert_eq!(fx.e.advance(at(START) - secs(1)), 0);
    assert_eq!(fx.status(&id, at(START) - secs(1)), 0);
    assert_eq!(fx.e.advance(at(START)), 1);
    assert_eq!(kinds(&fx.e.drain_events()), vec![kind("Started", START)]);
    assert_eq!(
        cbs(&fx.e.drain_callbacks()),
        vec![cb(HOOK, "Running", START, None)]
    );
    assert_eq!(fx.status(&id, at(START)), 1);
    assert_eq!(fx.e.next_deadline(), Some(at(END)));

    assert_eq!(fx.e.advance(at(END) - secs(1)), 0);
    assert_eq!(fx.status(&id, at(END) - secs(1)), 1);
    assert_eq!(fx.e.advance(at(END)), 1);
    assert_eq!(kinds(&fx.e.drain_events()), vec![kind("Ended", END)]);
    assert_eq!(
        cbs(&fx.e.drain_callbacks()),
        vec![cb(HOOK, "Exit", END, Some("OverEndTime"))]
    );
    let v = fx.view(&id, at(END));
    assert_eq!(v.task_status, TaskStatus::Exited);
    assert_eq!(v.task_exit_reason.map(|r| r.as_str()), Some("OverEndTime"));
    assert_eq!(v.task_exit_time, Some(at(END).timestamp()));

    // Retention: describable (and listed) until exactly 7 days after the exit.
    let gone = at(END) + secs(WEEK);
    assert_eq!(fx.e.next_deadline(), Some(gone));
    assert_eq!(fx.e.advance(gone - secs(1)), 0);
    assert_eq!(fx.status(&id, gone - secs(1)), -1);
    assert_eq!(fx.list(&list_req(REGION), gone - secs(1)).total, 1);
    assert_eq!(fx.e.advance(gone), 1);
    assert_eq!(
        kinds(&fx.e.drain_events()),
        vec![("Removed".to_owned(), gone)]
    );
    assert!(fx.e.drain_callbacks().is_empty());
    assert_eq!(fx.e.next_deadline(), None);
    assert_rejected(
        &fx.describe_in(&id, REGION, gone).unwrap_err(),
        "CodeTaskNotExist",
        400,
    );
    assert_eq!(fx.list(&list_req(REGION), gone).total, 0);
    assert!(fx.e.state().invariants_hold());
}

#[test]
fn configured_retention() {
    let mut config = Config::default();
    config.task_limits.exited_retention_secs = 60;
    let mut fx = Fx::with(config);
    let id = fx.create(&live_req("a"), at(CREATED));
    fx.delete(&id, at(CREATED)).unwrap();
    assert_eq!(fx.e.next_deadline(), Some(at(CREATED) + secs(60)));
    assert_eq!(fx.status(&id, at(CREATED) + secs(59)), -1);
    assert!(fx.describe_in(&id, REGION, at(CREATED) + secs(60)).is_err());
}

#[test]
fn one_call_jumping_over_start_and_end_applies_both_in_order() {
    let mut fx = Fx::new();
    let id = fx.create(&with_hook(live_req("a")), at(CREATED));
    // The next call comes long after EndTime: both transitions happen first, dated at
    // their own deadlines.
    let late = at("2030-01-01T13:00:00Z");
    let v = fx.view(&id, late);
    assert_eq!(v.task_status.code(), -1);
    assert_eq!(v.task_exit_time, Some(at(END).timestamp()));
    assert_eq!(
        kinds(&fx.e.drain_events()),
        vec![
            kind("Created", CREATED),
            kind("Started", START),
            kind("Ended", END)
        ]
    );
    assert_eq!(
        cbs(&fx.e.drain_callbacks()),
        vec![
            cb(HOOK, "Running", START, None),
            cb(HOOK, "Exit", END, Some("OverEndTime"))
        ]
    );

    // Explicit advance reports the count.
    let mut fx = Fx::new();
    fx.create(&live_req("a"), at(CREATED));
    assert_eq!(fx.e.advance(late), 2);
    assert_eq!(fx.e.advance(late), 0);
}

#[test]
fn jumps_over_several_tasks_interleave_in_time_order() {
    let mut fx = Fx::new();
    // B is created first but starts later; A ends before B starts.
    let b = fx.create(
        &with_hook(CreateLivePullToPushRequest {
            start_time: Some("2030-01-01T10:05:00Z".into()),
            end_time: Some("2030-01-01T10:20:00Z".into()),
            ..live_req("b")
        }),
        at(CREATED),
    );
    let a = fx.create(
        &with_hook(CreateLivePullToPushRequest {
            start_time: Some(START.into()),
            end_time: Some("2030-01-01T10:02:00Z".into()),
            ..live_req("a")
        }),
        at(CREATED),
    );
    fx.settle();
    assert_eq!(fx.e.next_deadline(), Some(at(START)));
    assert_eq!(fx.e.advance(at("2030-01-01T10:30:00Z")), 4);
    let calls = fx.e.drain_callbacks();
    let order: Vec<(&str, &str, DateTime<Utc>)> = calls
        .iter()
        .map(|c| {
            let who = if c.body.task_id == a { "a" } else { "b" };
            (who, c.body.state.as_str(), c.body.time)
        })
        .collect();
    assert_eq!(
        order,
        vec![
            ("a", "Running", at(START)),
            ("a", "Exit", at("2030-01-01T10:02:00Z")),
            ("b", "Running", at("2030-01-01T10:05:00Z")),
            ("b", "Exit", at("2030-01-01T10:20:00Z")),
        ]
    );
    let times: Vec<DateTime<Utc>> = fx.e.drain_events().iter().map(|e| e.at).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(fx.status(&b, at("2030-01-01T10:30:00Z")), -1);
}

#[test]
fn next_deadline_is_the_earliest_of_all_tasks() {
    let mut fx = Fx::new();
    assert_eq!(fx.e.next_deadline(), None);
    let late = CreateLivePullToPushRequest {
        start_time: Some("2030-01-01T11:00:00Z".into()),
        ..live_req("late")
    };
    fx.create(&late, at(CREATED));
    assert_eq!(fx.e.next_deadline(), Some(at("2030-01-01T11:00:00Z")));
    let early = fx.create(&live_req("early"), at(CREATED));
    assert_eq!(fx.e.next_deadline(), Some(at(START)));
    // Another account's tasks count too (one clock for the engine).
    let other = account("2002");
    let sooner = CreateLivePullToPushRequest {
        start_time: Some("2030-01-01T09:30:00Z".into()),
        ..live_req("sooner")
    };
    fx.e.create_live_pull_to_push(&other, &sooner, at(CREATED))
        .unwrap();
    assert_eq!(fx.e.next_deadline(), Some(at("2030-01-01T09:30:00Z")));
    fx.e.advance(at("2030-01-01T09:30:00Z"));
    assert_eq!(fx.e.next_deadline(), Some(at(START)));
    // Delete moves the early task's deadline to its retention end.
    fx.delete(&early, at("2030-01-01T09:40:00Z")).unwrap();
    assert_eq!(fx.e.next_deadline(), Some(at("2030-01-01T11:00:00Z")));
    // A retrying task's deadline is its give-up time.
    fx.e.advance(at("2030-01-01T11:00:00Z"));
    let retry = fx.create(
        &CreateLivePullToPushRequest {
            start_time: Some(CREATED.into()),
            ..live_req("r")
        },
        at("2030-01-01T11:00:00Z"),
    );
    fx.report(&retry, StreamReport::Failed, at("2030-01-01T11:10:00Z"))
        .unwrap();
    assert_eq!(fx.e.next_deadline(), Some(at("2030-01-01T11:13:00Z")));
}

#[test]
fn a_task_created_after_its_start_time_starts_at_once() {
    let mut fx = Fx::new();
    let now = at("2030-01-01T10:30:00Z");
    let id = fx.create(&with_hook(live_req("a")), now);
    assert_eq!(
        kinds(&fx.e.drain_events()),
        vec![
            kind("Created", "2030-01-01T10:30:00Z"),
            kind("Started", "2030-01-01T10:30:00Z")
        ]
    );
    assert_eq!(
        cbs(&fx.e.drain_callbacks()),
        vec![cb(HOOK, "Running", "2030-01-01T10:30:00Z", None)]
    );
    assert_eq!(fx.status(&id, now), 1);
    assert_eq!(fx.e.next_deadline(), Some(at(END)));
    // StartTime exactly now also starts at once.
    let id = fx.create(
        &CreateLivePullToPushRequest {
            start_time: Some("2030-01-01T10:30:00Z".into()),
            ..live_req("b")
        },
        now,
    );
    assert_eq!(fx.status(&id, now), 1);
}

// ---- 6. faults and retries -------------------------------------------------------------------

#[test]
fn retries_give_up_exactly_retry_count_times_interval_after_the_fault() {
    for (count, interval) in [
        (3_i64, 60_i64),
        (2, 120),
        (1, 300),
        (MAX_RETRY_COUNT as i64, 60),
    ] {
        let mut fx = Fx::new();
        let req = with_hook(CreateLivePullToPushRequest {
            retry_count: Some(count),
            retry_interval: Some(interval),
            end_time: Some("2030-01-02T10:00:00Z".into()),
            ..live_req("a")
        });
        let id = fx.create(&req, at(CREATED));
        let fault = at("2030-01-01T10:10:00Z");
        fx.report(&id, StreamReport::PullFailed, fault).unwrap();
        let give_up = fault + secs(count * interval);
        assert_eq!(fx.e.next_deadline(), Some(give_up));
        fx.settle();
        assert_eq!(fx.e.advance(give_up - secs(1)), 0);
        assert_eq!(fx.status(&id, give_up - secs(1)), 2);
        assert_eq!(fx.e.advance(give_up), 1);
        assert_eq!(
            kinds(&fx.e.drain_events()),
            vec![("GaveUp".to_owned(), give_up)]
        );
        let calls = fx.e.drain_callbacks();
        assert_eq!(calls.len(), 1);
        assert_eq!(
            (
                calls[0].body.state.as_str(),
                calls[0].body.time,
                calls[0].body.reason.as_deref()
            ),
            ("Offline", give_up, Some("PullStreamFailed"))
        );
        let v = fx.view(&id, give_up);
        assert_eq!(v.task_status.code(), 3);
        assert_eq!(
            v.task_invalid_reason.map(|r| r.as_str()),
            Some("PullStreamFailed")
        );
        // Stopped still exits at EndTime, and then the invalid reason is gone.
        let v = fx.view(&id, at("2030-01-02T10:00:00Z"));
        assert_eq!(v.task_status.code(), -1);
        assert!(v.task_invalid_reason.is_none());
    }
}

#[test]
fn each_fault_kind_gives_its_invalid_reason() {
    for (report, reason) in [
        (StreamReport::PullFailed, "PullStreamFailed"),
        (StreamReport::PushFailed, "PushStreamFailed"),
        (StreamReport::Failed, "UnknownError"),
    ] {
        let (mut fx, id, now) = task_in(St::Running);
        fx.report(&id, report, now).unwrap();
        let stamp = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        assert_eq!(
            cbs(&fx.e.drain_callbacks()),
            vec![cb(HOOK, "Recovering", &stamp, Some(reason))]
        );
        // Retrying: status 2, no TaskInvalidReason yet.
        let v = fx.view(&id, now);
        assert_eq!(v.task_status.code(), 2);
        assert!(v.task_invalid_reason.is_none());
        let v = fx.view(&id, now + secs(180));
        assert_eq!(v.task_invalid_reason.map(|r| r.as_str()), Some(reason));
    }
}

#[test]
fn recovery_before_give_up_cancels_it_and_at_give_up_is_too_late() {
    let (mut fx, id, now) = task_in(St::Running);
    fx.report(&id, StreamReport::PushFailed, now).unwrap();
    fx.report(&id, StreamReport::Recovered, now + secs(179))
        .unwrap();
    let stamp = |d: DateTime<Utc>| d.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    assert_eq!(
        cbs(&fx.e.drain_callbacks()),
        vec![
            cb(HOOK, "Recovering", &stamp(now), Some("PushStreamFailed")),
            cb(HOOK, "Running", &stamp(now + secs(179)), None),
        ]
    );
    assert_eq!(fx.e.next_deadline(), Some(at(END)));
    assert_eq!(fx.e.advance(now + secs(180)), 0);
    assert_eq!(fx.status(&id, now + secs(180)), 1);

    // A new fault restarts the full schedule from its own time.
    let second = now + secs(600);
    fx.report(&id, StreamReport::PullFailed, second).unwrap();
    assert_eq!(fx.e.next_deadline(), Some(second + secs(180)));
    // Recovered exactly at the give-up time: the give-up happens first.
    let err = fx.report_refused(&id, StreamReport::Recovered, second + secs(180));
    assert_eq!(
        err,
        ReportError::NotRetrying {
            status: TaskStatus::Stopped
        }
    );
    assert_eq!(fx.status(&id, second + secs(180)), 3);
}

#[test]
fn more_faults_while_retrying_keep_the_schedule_and_the_first_reason() {
    let (mut fx, id, now) = task_in(St::Running);
    fx.report(&id, StreamReport::PullFailed, now).unwrap();
    fx.settle();
    let before = fx.e.state().clone();
    fx.report(&id, StreamReport::PushFailed, now + secs(60))
        .unwrap();
    fx.report(&id, StreamReport::Failed, now + secs(120))
        .unwrap();
    assert_eq!(fx.e.state(), &before);
    assert!(fx.e.drain_events().is_empty());
    assert!(fx.e.drain_callbacks().is_empty());
    assert_eq!(fx.e.next_deadline(), Some(now + secs(180)));
    let v = fx.view(&id, now + secs(180));
    assert_eq!(
        v.task_invalid_reason.map(|r| r.as_str()),
        Some("PullStreamFailed")
    );
}

#[test]
fn end_time_during_retrying_exits_over_end_time() {
    for fault in ["2030-01-01T11:59:00Z", "2030-01-01T11:57:00Z"] {
        // Give-up at 12:02 (after EndTime) and at 12:00 (equal to it): EndTime wins.
        let (mut fx, id, _) = task_in(St::Running);
        fx.report(&id, StreamReport::PullFailed, at(fault)).unwrap();
        assert_eq!(fx.e.next_deadline(), Some(at(END)));
        fx.settle();
        assert_eq!(fx.e.advance(at("2030-01-01T12:05:00Z")), 1);
        assert_eq!(kinds(&fx.e.drain_events()), vec![kind("Ended", END)]);
        assert_eq!(
            cbs(&fx.e.drain_callbacks()),
            vec![cb(HOOK, "Exit", END, Some("OverEndTime"))]
        );
        let v = fx.view(&id, at("2030-01-01T12:05:00Z"));
        assert_eq!(v.task_status.code(), -1);
        assert_eq!(v.task_exit_reason.map(|r| r.as_str()), Some("OverEndTime"));
        assert_eq!(v.task_exit_time, Some(at(END).timestamp()));
        assert!(v.task_invalid_reason.is_none());
    }
}

#[test]
fn retry_count_zero_stops_at_the_first_fault() {
    let mut fx = Fx::new();
    let req = with_hook(CreateLivePullToPushRequest {
        retry_count: Some(0),
        ..live_req("a")
    });
    let id = fx.create(&req, at(CREATED));
    let now = at("2030-01-01T10:30:00Z");
    fx.e.advance(now);
    fx.settle();
    fx.report(&id, StreamReport::PushFailed, now).unwrap();
    assert_eq!(
        kinds(&fx.e.drain_events()),
        vec![kind("Faulted", "2030-01-01T10:30:00Z")]
    );
    assert_eq!(
        cbs(&fx.e.drain_callbacks()),
        vec![cb(
            HOOK,
            "Offline",
            "2030-01-01T10:30:00Z",
            Some("PushStreamFailed")
        )]
    );
    let v = fx.view(&id, now);
    assert_eq!(v.task_status.code(), 3);
    assert_eq!(
        v.task_invalid_reason.map(|r| r.as_str()),
        Some("PushStreamFailed")
    );
    assert_eq!(fx.e.next_deadline(), Some(at(END)));
    // A restart clears the reason.
    fx.restart(&id, now).unwrap();
    assert!(fx.view(&id, now).task_invalid_reason.is_none());
}

#[test]
fn report_errors_change_nothing() {
    let mut fx = Fx::new();
    let live = fx.create(&live_req("live"), at(CREATED));
    let list = fx.create(&url_req("list", 3), at(CREATED));
    let before_start = at(CREATED);

    // Unknown task, and another account's task.
    let nope = TaskId::try_from(NO_SUCH_TASK).unwrap();
    assert_eq!(
        fx.report_refused(&nope, StreamReport::PullFailed, before_start),
        ReportError::UnknownTask
    );
    let err = fx.e.report_stream(
        &account("2002"),
        &live,
        StreamReport::PullFailed,
        before_start,
    );
    assert_eq!(err, Err(ReportError::UnknownTask));

    // Not started: every report is refused.
    for report in [
        StreamReport::PullFailed,
        StreamReport::PushFailed,
        StreamReport::Failed,
        StreamReport::Position {
            file_index: 0,
            offset: 1,
        },
        StreamReport::FileEnded,
    ] {
        assert_eq!(
            fx.report_refused(&list, report, before_start),
            ReportError::NotRunning {
                status: TaskStatus::NotStarted
            },
            "{report:?}"
        );
    }
    assert_eq!(
        fx.report_refused(&list, StreamReport::Recovered, before_start),
        ReportError::NotRetrying {
            status: TaskStatus::NotStarted
        }
    );

    let now = at("2030-01-01T10:30:00Z");
    // Running: Recovered is refused; playlist reports on a live source are refused.
    assert_eq!(
        fx.report_refused(&live, StreamReport::Recovered, now),
        ReportError::NotRetrying {
            status: TaskStatus::Running
        }
    );
    assert_eq!(
        fx.report_refused(
            &live,
            StreamReport::Position {
                file_index: 0,
                offset: 5
            },
            now
        ),
        ReportError::NotAPlaylist
    );
    assert_eq!(
        fx.report_refused(&live, StreamReport::FileEnded, now),
        ReportError::NotAPlaylist
    );
    // No such file.
    let err = fx.report_refused(
        &list,
        StreamReport::Position {
            file_index: 3,
            offset: 0,
        },
        now,
    );
    assert_eq!(
        err,
        ReportError::NoSuchFile {
            file_index: 3,
            files: 3
        }
    );

    // Retrying: playlist progress is refused (only a running task plays).
    fx.report(&list, StreamReport::Failed, now).unwrap();
    for report in [
        StreamReport::Position {
            file_index: 1,
            offset: 0,
        },
        StreamReport::FileEnded,
    ] {
        assert_eq!(
            fx.report_refused(&list, report, now),
            ReportError::NotRunning {
                status: TaskStatus::Retrying
            }
        );
    }

    // Stopped and exited.
    fx.stop(&live, now).unwrap();
    assert_eq!(
        fx.report_refused(&live, StreamReport::PullFailed, now),
        ReportError::NotRunning {
            status: TaskStatus::Stopped
        }
    );
    fx.delete(&live, now).unwrap();
    assert_eq!(
        fx.report_refused(&live, StreamReport::PullFailed, now),
        ReportError::NotRunning {
            status: TaskStatus::Exited
        }
    );
    assert_eq!(
        fx.report_refused(&live, StreamReport::Recovered, now),
        ReportError::NotRetrying {
            status: TaskStatus::Exited
        }
    );
    // Gone after retention.
    let gone = now + secs(WEEK);
    assert_eq!(
        fx.report_refused(&live, StreamReport::PullFailed, gone),
        ReportError::UnknownTask
    );
}

// ---- 7. playlists ------------------------------------------------------------------------------

fn playing(repeat: Option<i64>, n: usize) -> (Fx, TaskId, DateTime<Utc>) {
    let mut fx = Fx::new();
    let req = with_hook(CreateLivePullToPushRequest {
        repeat_number: repeat,
        ..url_req("p", n)
    });
    let id = fx.create(&req, at(CREATED));
    let now = at("2030-01-01T10:30:00Z");
    fx.e.advance(now);
    fx.settle();
    (fx, id, now)
}

fn position(fx: &mut Fx, id: &TaskId, now: DateTime<Utc>) -> (u32, u32) {
    let v = fx.view(id, now);
    (v.current_file_index, v.current_offset)
}

#[test]
fn playlist_progress_and_file_ended_through_the_list() {
    let (mut fx, id, now) = playing(None, 3);
    assert_eq!(position(&mut fx, &id, now), (0, 0));
    fx.report(
        &id,
        StreamReport::Position {
            file_index: 0,
            offset: 42,
        },
        now,
    )
    .unwrap();
    assert_eq!(position(&mut fx, &id, now), (0, 42));
    fx.report(
        &id,
        StreamReport::Position {
            file_index: 1,
            offset: 7,
        },
        now,
    )
    .unwrap();
    assert_eq!(position(&mut fx, &id, now), (1, 7));
    assert_eq!(
        kinds(&fx.e.drain_events()),
        vec![
            kind("Progressed", "2030-01-01T10:30:00Z"),
            kind("Progressed", "2030-01-01T10:30:00Z")
        ]
    );
    fx.report(&id, StreamReport::FileEnded, now).unwrap();
    assert_eq!(position(&mut fx, &id, now), (2, 0));
    assert!(fx.e.drain_callbacks().is_empty());
    // The last file ends, RepeatNumber 0: the task stops, Offline, no reason.
    fx.report(&id, StreamReport::FileEnded, now + secs(5))
        .unwrap();
    let v = fx.view(&id, now + secs(5));
    assert_eq!(v.task_status.code(), 3);
    assert!(v.task_invalid_reason.is_none());
    assert_eq!(
        cbs(&fx.e.drain_callbacks()),
        vec![cb(HOOK, "Offline", "2030-01-01T10:30:05Z", None)]
    );
    // Stopped by the end of its playlist: Stop says so, Restart plays it again.
    let r = fx.refused(now + secs(6), |e, a| {
        e.stop_live_pull_to_push(a, &stop_req(id.as_str(), REGION), now + secs(6))
    });
    assert_rejected(&r, "CodeTaskHasStopped", 400);
    fx.restart(&id, now + secs(7)).unwrap();
    assert_eq!(fx.status(&id, now + secs(7)), 1);
    assert_eq!(position(&mut fx, &id, now + secs(7)), (0, 0));
}

/// Plays `files` FileEnded reports; returns how many were taken before the task stopped.
fn play_until_stopped(fx: &mut Fx, id: &TaskId, now: DateTime<Utc>, max: usize) -> usize {
    for taken in 1..=max {
        fx.report(id, StreamReport::FileEnded, now).unwrap();
        if fx.status(id, now) == 3 {
            return taken;
        }
    }
    max
}

#[test]
fn repeat_number_counts_extra_passes() {
    // 0: one pass of 3 files; 2: three passes; 1: two passes.
    for (repeat, files_played) in [(None, 3), (Some(0), 3), (Some(1), 6), (Some(2), 9)] {
        let (mut fx, id, now) = playing(repeat, 3);
        assert_eq!(
            play_until_stopped(&mut fx, &id, now, 50),
            files_played,
            "{repeat:?}"
        );
        // Only the final stop is a state entry.
        let calls = cbs(&fx.e.drain_callbacks());
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].1, "Offline");
    }
    // -1: forever.
    let (mut fx, id, now) = playing(Some(-1), 2);
    assert_eq!(play_until_stopped(&mut fx, &id, now, 200), 200);
    assert_eq!(fx.status(&id, now), 1);
    assert!(fx.e.drain_callbacks().is_empty());
}

#[test]
fn later_passes_start_from_the_first_file_at_zero() {
    let mut fx = Fx::new();
    let req = CreateLivePullToPushRequest {
        file_index: Some(1),
        offset: Some(30),
        repeat_number: Some(1),
        ..url_req("p", 3)
    };
    let id = fx.create(&req, at(CREATED));
    let now = at("2030-01-01T10:30:00Z");
    assert_eq!(position(&mut fx, &id, now), (1, 30));
    fx.report(&id, StreamReport::FileEnded, now).unwrap();
    assert_eq!(position(&mut fx, &id, now), (2, 0));
    fx.report(&id, StreamReport::FileEnded, now).unwrap();
    assert_eq!(position(&mut fx, &id, now), (0, 0));
    // The second pass plays all three files.
    for _ in 0..2 {
        fx.report(&id, StreamReport::FileEnded, now).unwrap();
    }
    assert_eq!(fx.status(&id, now), 1);
    fx.report(&id, StreamReport::FileEnded, now).unwrap();
    assert_eq!(fx.status(&id, now), 3);
}

#[test]
fn restart_rewinds_to_the_configured_file_and_offset() {
    let mut fx = Fx::new();
    let req = CreateLivePullToPushRequest {
        file_index: Some(1),
        offset: Some(30),
        ..url_req("p", 3)
    };
    let id = fx.create(&req, at(CREATED));
    let now = at("2030-01-01T10:30:00Z");
    fx.report(
        &id,
        StreamReport::Position {
            file_index: 2,
            offset: 50,
        },
        now,
    )
    .unwrap();
    assert_eq!(position(&mut fx, &id, now), (2, 50));
    // From running.
    fx.restart(&id, now).unwrap();
    assert_eq!(position(&mut fx, &id, now), (1, 30));
    // From retrying.
    fx.report(
        &id,
        StreamReport::Position {
            file_index: 2,
            offset: 9,
        },
        now,
    )
    .unwrap();
    fx.report(&id, StreamReport::Failed, now).unwrap();
    fx.restart(&id, now).unwrap();
    assert_eq!(position(&mut fx, &id, now), (1, 30));
    assert_eq!(fx.status(&id, now), 1);
    // A restart also restarts the pass count.
    let mut fx = Fx::new();
    let id = fx.create(&url_req("q", 2), at(CREATED));
    fx.report(&id, StreamReport::FileEnded, now).unwrap();
    fx.restart(&id, now).unwrap();
    assert_eq!(play_until_stopped(&mut fx, &id, now, 10), 2);
}

#[test]
fn update_while_stopped_takes_effect_at_the_next_restart() {
    let (mut fx, id, now) = playing(None, 3);
    fx.report(
        &id,
        StreamReport::Position {
            file_index: 1,
            offset: 12,
        },
        now,
    )
    .unwrap();
    fx.stop(&id, now).unwrap();
    let four: Vec<String> = (0..4)
        .map(|i| format!("https://cdn3.example.com/x{i}.flv"))
        .collect();
    let req = UpdateLivePullToPushRequest {
        file_index: Some(2),
        offset: Some(7),
        source_urls: Some(four.clone()),
        ..upd(&id)
    };
    fx.update(&req, now).unwrap();
    // TaskInfo shows the new settings; the position is where playback stood.
    let v = fx.view(&id, now);
    assert_eq!((v.task_info.file_index, v.task_info.offset), (2, 7));
    assert_eq!(v.task_info.source_urls, four);
    assert_eq!((v.current_file_index, v.current_offset), (1, 12));
    assert_eq!(v.task_status.code(), 3);
    // Restart plays the new list from file 2 at 7 s.
    fx.restart(&id, now).unwrap();
    assert_eq!(position(&mut fx, &id, now), (2, 7));
    fx.report(
        &id,
        StreamReport::Position {
            file_index: 3,
            offset: 1,
        },
        now,
    )
    .unwrap();
    fx.report(&id, StreamReport::FileEnded, now).unwrap();
    assert_eq!(fx.status(&id, now), 3);
}

#[test]
fn update_before_the_start_moves_the_position_at_once() {
    let (mut fx, id, now) = task_in(St::NotStarted);
    fx.update(
        &UpdateLivePullToPushRequest {
            file_index: Some(2),
            offset: Some(9),
            ..upd(&id)
        },
        now,
    )
    .unwrap();
    assert_eq!(position(&mut fx, &id, now), (2, 9));
    assert_eq!(position(&mut fx, &id, at(START)), (2, 9));
}

#[test]
fn repeat_number_update_while_running_takes_effect_immediately() {
    let (mut fx, id, now) = playing(Some(0), 2);
    fx.report(&id, StreamReport::FileEnded, now).unwrap();
    fx.update(
        &UpdateLivePullToPushRequest {
            repeat_number: Some(1),
            ..upd(&id)
        },
        now,
    )
    .unwrap();
    fx.report(&id, StreamReport::FileEnded, now).unwrap();
    assert_eq!(fx.status(&id, now), 1);
    assert_eq!(position(&mut fx, &id, now), (0, 0));
    // Back to 0 during the second pass: it ends with that pass.
    fx.update(
        &UpdateLivePullToPushRequest {
            repeat_number: Some(0),
            ..upd(&id)
        },
        now,
    )
    .unwrap();
    assert_eq!(play_until_stopped(&mut fx, &id, now, 10), 2);
}

// ---- 8. callbacks ------------------------------------------------------------------------------

#[test]
fn callbacks_one_per_state_entry_with_the_url_of_the_moment() {
    let mut fx = Fx::new();
    let id = fx.create(&with_hook(url_req("c", 2)), at(CREATED));
    // Creation sends nothing (no Idle callback).
    assert!(fx.e.drain_callbacks().is_empty());
    let t = |hm: &str| at(&format!("2030-01-01T{hm}:00Z"));

    // The first call after the start changes the URL: the start was before it.
    fx.update(
        &UpdateLivePullToPushRequest {
            callback_url: Some(HOOK2.into()),
            ..upd(&id)
        },
        t("10:10"),
    )
    .unwrap();
    fx.report(&id, StreamReport::PullFailed, t("10:20"))
        .unwrap();
    fx.report(&id, StreamReport::PushFailed, t("10:21"))
        .unwrap(); // still retrying: nothing
    fx.report(&id, StreamReport::Recovered, t("10:22")).unwrap();
    fx.report(&id, StreamReport::FileEnded, t("10:23")).unwrap(); // next file: nothing
    fx.report(
        &id,
        StreamReport::Position {
            file_index: 1,
            offset: 3,
        },
        t("10:24"),
    )
    .unwrap();
    fx.stop(&id, t("10:30")).unwrap();
    fx.stop(&id, t("10:31")).unwrap_err(); // refused: nothing
    fx.update(
        &UpdateLivePullToPushRequest {
            offset: Some(4),
            ..upd(&id)
        },
        t("10:32"),
    )
    .unwrap();
    fx.restart(&id, t("10:40")).unwrap();
    fx.restart(&id, t("10:41")).unwrap(); // running → running again: a new entry
    fx.report(&id, StreamReport::Failed, t("10:50")).unwrap();
    // Give-up at 10:53, then the URL is removed and nothing more is sent.
    fx.update(
        &UpdateLivePullToPushRequest {
            callback_url: Some(String::new()),
            ..upd(&id)
        },
        t("11:00"),
    )
    .unwrap();
    fx.restart(&id, t("11:01")).unwrap();
    fx.delete(&id, t("11:02")).unwrap();
    fx.e.advance(at(END) + secs(WEEK));

    assert_eq!(
        cbs(&fx.e.drain_callbacks()),
        vec![
            cb(HOOK, "Running", START, None),
            cb(
                HOOK2,
                "Recovering",
                "2030-01-01T10:20:00Z",
                Some("PullStreamFailed")
            ),
            cb(HOOK2, "Running", "2030-01-01T10:22:00Z", None),
            cb(HOOK2, "Offline", "2030-01-01T10:30:00Z", None),
            cb(HOOK2, "Running", "2030-01-01T10:40:00Z", None),
            cb(HOOK2, "Running", "2030-01-01T10:41:00Z", None),
            cb(
                HOOK2,
                "Recovering",
                "2030-01-01T10:50:00Z",
                Some("UnknownError")
            ),
            cb(
                HOOK2,
                "Offline",
                "2030-01-01T10:53:00Z",
                Some("UnknownError")
            ),
        ]
    );
}

#[test]
fn callback_bodies_carry_the_task_and_the_account() {
    let mut fx = Fx::new();
    let req = with_hook(CreateLivePullToPushRequest {
        task_name: Some("night show".into()),
        ..live_req("a")
    });
    let id = fx.create(&req, at(CREATED));
    fx.e.advance(at(START));
    let calls = fx.e.drain_callbacks();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].account, fx.a);
    assert_eq!(
        serde_json::to_value(&calls[0].body).unwrap(),
        json!({
            "TaskId": id.as_str(),
            "TaskName": "night show",
            "Region": REGION,
            "Status": "Running",
            "Time": START
        })
    );
    fx.delete(&id, at("2030-01-01T10:01:00Z")).unwrap();
    let body = serde_json::to_value(&fx.e.drain_callbacks()[0].body).unwrap();
    assert_eq!(
        (body["Status"].clone(), body["Reason"].clone()),
        (json!("Exit"), json!("TriggerByUser"))
    );
}

/// `drain_callbacks_into` and `drain_events_into` append what `drain_callbacks` and
/// `drain_events` would return to the caller's buffer, in the same order, and leave the
/// engine's own empty.
#[test]
fn draining_into_a_buffer_appends_in_order() {
    let run = |into: bool| {
        let mut fx = Fx::new();
        let (mut callbacks, mut events) = (Vec::new(), Vec::new());
        for (n, stream) in ["a", "b", "c"].iter().enumerate() {
            fx.create(&with_hook(live_req(stream)), at(CREATED));
            fx.e.advance(at(START) + secs(n as i64));
            if into {
                fx.e.drain_callbacks_into(&mut callbacks);
                fx.e.drain_events_into(&mut events);
            } else {
                callbacks.extend(fx.e.drain_callbacks());
                events.extend(fx.e.drain_events());
            }
        }
        assert!(fx.e.drain_callbacks().is_empty() && fx.e.drain_events().is_empty());
        (cbs(&callbacks), events)
    };
    let (callbacks, events) = run(true);
    assert_eq!(callbacks.len(), 3);
    assert_eq!(events.len(), 6); // three creations, three starts
    assert_eq!((callbacks, events), run(false));
}

#[test]
fn only_tasks_with_a_callback_url_get_callbacks() {
    let mut fx = Fx::new();
    let silent = fx.create(&live_req("silent"), at(CREATED));
    let loud = fx.create(&with_hook(live_req("loud")), at(CREATED));
    let now = at("2030-01-01T10:30:00Z");
    for id in [&silent, &loud] {
        fx.report(id, StreamReport::PullFailed, now).unwrap();
        fx.stop(id, now).unwrap();
        fx.restart(id, now).unwrap();
        fx.delete(id, now).unwrap();
    }
    let calls = fx.e.drain_callbacks();
    assert_eq!(calls.len(), 5);
    assert!(
        calls
            .iter()
            .all(|c| c.body.task_id == loud && c.url == HOOK)
    );
    // A URL set later by Update starts the callbacks from then.
    let late = fx.create(&live_req("late"), now);
    fx.update(
        &UpdateLivePullToPushRequest {
            callback_url: Some(HOOK2.into()),
            ..upd(&late)
        },
        now,
    )
    .unwrap();
    fx.stop(&late, now).unwrap();
    assert_eq!(
        cbs(&fx.e.drain_callbacks()),
        vec![cb(HOOK2, "Offline", "2030-01-01T10:30:00Z", None)]
    );
}

// ---- 9. atomicity, tenancy, DescribeList -------------------------------------------------------

/// One call to make against an engine, as a value.
type RawCall<'a> = Box<dyn Fn(&mut Engine, &AccountId) -> Result<Value, Rejection> + 'a>;

#[test]
fn every_refused_call_in_every_state_leaves_the_state_as_it_was() {
    let mut refusals = 0;
    for st in STATES {
        let (mut fx, id, now) = task_in(st);
        let i = id.as_str();
        let calls: Vec<RawCall<'_>> = vec![
            Box::new(move |e, a| run(e, a, Op::Stop, i, OTHER_REGION, now)),
            Box::new(move |e, a| run(e, a, Op::Restart, i, OTHER_REGION, now)),
            Box::new(move |e, a| run(e, a, Op::Delete, i, OTHER_REGION, now)),
            Box::new(move |e, a| run(e, a, Op::Describe, i, OTHER_REGION, now)),
            Box::new(move |e, a| run(e, a, Op::Stop, NO_SUCH_TASK, REGION, now)),
            Box::new(move |e, a| {
                let bad = UpdateLivePullToPushRequest {
                    repeat_number: Some(-2),
                    ..upd(&TaskId::try_from(i).unwrap())
                };
                e.update_live_pull_to_push(a, &bad, now).map(|r| js(&r))
            }),
            Box::new(move |e, a| {
                let bad = UpdateLivePullToPushRequest {
                    end_time: Some(CREATED.into()),
                    ..upd(&TaskId::try_from(i).unwrap())
                };
                e.update_live_pull_to_push(a, &bad, now).map(|r| js(&r))
            }),
            Box::new(move |e, a| {
                let beyond = CreateLivePullToPushRequest {
                    file_index: Some(1),
                    ..url_req("z", 1)
                };
                e.create_live_pull_to_push(a, &beyond, now).map(|r| js(&r))
            }),
            Box::new(move |e, a| {
                e.describe_live_pull_to_push_list(a, &list_req("mars-1"), now)
                    .map(|r| js(&r))
            }),
        ];
        for call in calls {
            fx.refused(now, call);
            refusals += 1;
        }
    }
    assert_eq!(refusals, 5 * 9);
}

#[test]
fn another_account_sees_nothing() {
    let (mut fx, id, now) = task_in(St::Running);
    let other = account("2002");
    let i = id.as_str();
    let before = fx.e.state().clone();
    for op in [Op::Stop, Op::Restart, Op::Delete, Op::Describe] {
        let r = run(&mut fx.e, &other, op, i, REGION, now).unwrap_err();
        assert_rejected(&r, "CodeTaskNotExist", 400);
    }
    let r =
        fx.e.update_live_pull_to_push(&other, &upd(&id), now)
            .unwrap_err();
    assert_rejected(&r, "CodeTaskNotExist", 400);
    let list =
        fx.e.describe_live_pull_to_push_list(&other, &list_req(REGION), now)
            .unwrap();
    assert_eq!((list.total, list.task_list.len()), (0, 0));
    let filtered = DescribeLivePullToPushListRequest {
        task_id: Some(i.into()),
        ..list_req(REGION)
    };
    assert_eq!(
        fx.e.describe_live_pull_to_push_list(&other, &filtered, now)
            .unwrap()
            .total,
        0
    );
    assert_eq!(fx.e.state(), &before);
    assert!(fx.e.drain_events().is_empty());
    // The owner still has it, untouched.
    assert_eq!(fx.status(&id, now), 1);
}

/// 12 tasks in cn-shanghai (names alternate `night_show_i` / `Morning_i`, DstUrl `…/s{i}`),
/// 2 in cn-beijing; created one second apart, except s10 and s11 created at the same second.
fn catalogue() -> (Fx, Vec<TaskId>, DateTime<Utc>) {
    let mut fx = Fx::new();
    let mut ids = Vec::new();
    for i in 0..12_i64 {
        let name = if i % 2 == 0 {
            format!("night_show_{i}")
        } else {
            format!("Morning_{i}")
        };
        let req = CreateLivePullToPushRequest {
            task_name: Some(name),
            ..live_req(&format!("s{i}"))
        };
        ids.push(fx.create(&req, at(CREATED) + secs(i.min(10))));
    }
    for i in 0..2 {
        let req = CreateLivePullToPushRequest {
            region: Some(OTHER_REGION.into()),
            task_name: Some(format!("night_show_bj{i}")),
            ..live_req(&format!("bj{i}"))
        };
        fx.create(&req, at(CREATED) + secs(20));
    }
    (fx, ids, at(CREATED) + secs(30))
}

fn listed_ids(r: &DescribeTaskListResponse) -> Vec<TaskId> {
    r.task_list.iter().map(|t| t.task_id.clone()).collect()
}

#[test]
fn list_is_newest_first_and_paged() {
    let (mut fx, ids, now) = catalogue();
    let newest_first: Vec<TaskId> = ids.iter().rev().cloned().collect();
    let all = fx.list(
        &DescribeLivePullToPushListRequest {
            page_size: Some(100),
            ..list_req(REGION)
        },
        now,
    );
    assert_eq!(all.total, 12);
    assert_eq!(listed_ids(&all), newest_first);
    // Defaults: page 1 of 10.
    let first = fx.list(&list_req(REGION), now);
    assert_eq!(
        (first.page_number, first.page_size, first.total),
        (1, 10, 12)
    );
    assert_eq!(listed_ids(&first), newest_first[..10]);
    for (page, expected) in [
        (1, &newest_first[0..5]),
        (2, &newest_first[5..10]),
        (3, &newest_first[10..12]),
        (4, &[][..]),
    ] {
        let r = fx.list(
            &DescribeLivePullToPushListRequest {
                page_size: Some(5),
                page_number: Some(page),
                ..list_req(REGION)
            },
            now,
        );
        assert_eq!((r.page_number, r.page_size, r.total), (page as u32, 5, 12));
        assert_eq!(listed_ids(&r), expected, "page {page}");
    }
    for (number, size) in [
        (Some(0), None),
        (None, Some(0)),
        (None, Some(101)),
        (Some(-1), None),
    ] {
        let req = DescribeLivePullToPushListRequest {
            page_number: number,
            page_size: size,
            ..list_req(REGION)
        };
        let r = fx.refused(now, |e, a| e.describe_live_pull_to_push_list(a, &req, now));
        assert_rejected(&r, "InvalidParameter", 400);
    }
}

#[test]
fn list_fuzzy_filters_ignore_case_and_combine() {
    let (mut fx, ids, now) = catalogue();
    let q = |task_id: Option<&str>, name: Option<&str>, dst: Option<&str>| {
        DescribeLivePullToPushListRequest {
            task_id: task_id.map(Into::into),
            task_name: name.map(Into::into),
            dst_url: dst.map(Into::into),
            page_size: Some(100),
            ..list_req(REGION)
        }
    };
    // TaskId: the whole id upper-cased, and a fragment of it.
    let target = &ids[4];
    let r = fx.list(&q(Some(&target.as_str().to_uppercase()), None, None), now);
    assert_eq!(listed_ids(&r), std::slice::from_ref(target));
    let fragment = &target.as_str()[9..18];
    let r = fx.list(&q(Some(fragment), None, None), now);
    assert!(listed_ids(&r).contains(target));
    assert!(
        r.task_list
            .iter()
            .all(|t| t.task_id.as_str().contains(fragment))
    );
    // TaskName.
    let r = fx.list(&q(None, Some("NIGHT"), None), now);
    assert_eq!(r.total, 6);
    let r = fx.list(&q(None, Some("morning_1"), None), now);
    assert_eq!(r.total, 2); // Morning_1, Morning_11
    // DstUrl.
    let r = fx.list(&q(None, None, Some("RTMP://PUSH.EXAMPLE.COM/LIVE/S1")), now);
    assert_eq!(r.total, 3); // s1, s10, s11
    // All three together.
    let r = fx.list(
        &q(Some(&ids[10].as_str()[..8]), Some("Night"), Some("/s1")),
        now,
    );
    assert_eq!(listed_ids(&r), [ids[10].clone()]);
    // Empty filters filter nothing; a miss is an empty page.
    assert_eq!(fx.list(&q(Some(""), Some(""), Some("")), now).total, 12);
    let miss = fx.list(&q(None, Some("nobody"), None), now);
    assert_eq!((miss.total, miss.task_list.len()), (0, 0));
    // Bad TaskId filters.
    for bad in ["has space", &"a".repeat(56), "semi;colon"] {
        let req = q(Some(bad), None, None);
        let r = fx.refused(now, |e, a| e.describe_live_pull_to_push_list(a, &req, now));
        assert_field(&r.error, "InvalidParameter", "TaskId");
    }
    let r = fx.list(&q(Some(&"a".repeat(55)), None, None), now);
    assert_eq!(r.total, 0);
}

#[test]
fn list_is_per_region_and_shows_exited_tasks_until_retention() {
    let (mut fx, ids, now) = catalogue();
    let bj = fx.list(&list_req(OTHER_REGION), now);
    assert_eq!(bj.total, 2);
    assert!(
        bj.task_list
            .iter()
            .all(|t| t.task_info.task_name.as_str().starts_with("night_show_bj"))
    );
    assert_eq!(fx.list(&list_req("cn-shenzhen"), now).total, 0);
    let missing = fx.refused(now, |e, a| {
        e.describe_live_pull_to_push_list(a, &DescribeLivePullToPushListRequest::default(), now)
    });
    assert_field(&missing.error, "MissingParameter", "Region");
    // Exited tasks stay listed (with their status) until the retention ends.
    fx.delete(&ids[0], now).unwrap();
    let r = fx.list(
        &DescribeLivePullToPushListRequest {
            page_size: Some(100),
            ..list_req(REGION)
        },
        now,
    );
    assert_eq!(r.total, 12);
    assert_eq!(r.task_list.last().unwrap().task_status.code(), -1);
    let r = fx.list(&list_req(REGION), now + secs(WEEK));
    assert_eq!(r.total, 11);
}

// ---- 10. replay and snapshots -----------------------------------------------------------------

/// Drives one engine through calls, time and stream reports of every kind.
fn eventful(fx: &mut Fx) -> DateTime<Utc> {
    let t = |hm: &str| at(&format!("2030-01-01T{hm}:00Z"));
    let a = fx.create(&with_hook(live_req("a")), at(CREATED));
    let b = fx.create(
        &CreateLivePullToPushRequest {
            repeat_number: Some(1),
            ..with_hook(url_req("b", 3))
        },
        t("09:05"),
    );
    let c = fx.create(
        &CreateLivePullToPushRequest {
            retry_count: Some(0),
            ..live_req("c")
        },
        t("09:10"),
    );
    fx.update(
        &UpdateLivePullToPushRequest {
            region: Some(OTHER_REGION.into()),
            ..upd(&c)
        },
        t("09:15"),
    )
    .unwrap();
    // a: faults, recovers, faults again and gives up; restarted, stopped.
    fx.report(&a, StreamReport::PullFailed, t("10:10")).unwrap();
    fx.report(&a, StreamReport::Recovered, t("10:11")).unwrap();
    fx.report(&a, StreamReport::PushFailed, t("10:20")).unwrap();
    // b: plays a whole pass and part of the next; stopped, updated, restarted.
    fx.report(
        &b,
        StreamReport::Position {
            file_index: 0,
            offset: 10,
        },
        t("10:05"),
    )
    .unwrap();
    for _ in 0..4 {
        fx.report(&b, StreamReport::FileEnded, t("10:06")).unwrap();
    }
    fx.restart(&a, t("10:30")).unwrap();
    fx.update(
        &UpdateLivePullToPushRequest {
            callback_url: Some(HOOK2.into()),
            ..upd(&a)
        },
        t("10:31"),
    )
    .unwrap();
    fx.stop(&b, t("10:32")).unwrap();
    fx.update(
        &UpdateLivePullToPushRequest {
            file_index: Some(2),
            offset: Some(3),
            ..upd(&b)
        },
        t("10:33"),
    )
    .unwrap();
    fx.restart(&b, t("10:34")).unwrap();
    fx.stop(&a, t("10:40")).unwrap();
    // c: runs in its new region; RetryCount 0 stops it at the first fault.
    fx.e.report_stream(&fx.a, &c, StreamReport::Failed, t("10:41"))
        .unwrap();
    // d: created after its start; deleted.
    let d = fx.create(&live_req("d"), t("10:45"));
    fx.delete(&d, t("11:00")).unwrap();
    // Some refusals, which must leave no trace in the log.
    fx.stop(&a, t("11:01")).unwrap_err();
    fx.update(
        &UpdateLivePullToPushRequest {
            region: Some(OTHER_REGION.into()),
            ..upd(&a)
        },
        t("11:02"),
    )
    .unwrap_err();
    t("11:30")
}

#[test]
fn replaying_the_event_log_rebuilds_the_state() {
    let mut fx = Fx::new();
    let mid = eventful(&mut fx);
    fx.e.advance(mid);
    let mut log = fx.e.drain_events();
    let seen: std::collections::BTreeSet<String> =
        kinds(&log).into_iter().map(|(k, _)| k).collect();
    for k in [
        "Created",
        "Updated",
        "Stopped",
        "Restarted",
        "Deleted",
        "Started",
        "Faulted",
        "Recovered",
        "GaveUp",
        "Progressed",
        "FileEnded",
    ] {
        assert!(seen.contains(k), "the scenario never produced {k}");
    }
    // The log survives JSON.
    let back: Vec<Event> = serde_json::from_str(&serde_json::to_string(&log).unwrap()).unwrap();
    assert_eq!(back, log);
    let replayed = Engine::replay(Config::default(), &back).unwrap();
    assert_eq!(replayed.state(), fx.e.state());
    assert_eq!(replayed.next_deadline(), fx.e.next_deadline());
    assert!(replayed.state().invariants_hold());

    // On through EndTime and the retention of everything.
    fx.e.advance(at(END) + secs(WEEK) + secs(3600));
    log.extend(fx.e.drain_events());
    let seen: std::collections::BTreeSet<String> =
        kinds(&log).into_iter().map(|(k, _)| k).collect();
    assert!(seen.contains("Ended") && seen.contains("Removed"));
    let mut replayed = Engine::replay(Config::default(), &log).unwrap();
    assert_eq!(replayed.state(), fx.e.state());
    assert_eq!(replayed.next_deadline(), None);
    // The replayed engine hands out the task id the original would.
    let later = at(END) + secs(WEEK) + secs(7200);
    let next = CreateLivePullToPushRequest {
        start_time: Some("2030-01-10T00:00:00Z".into()),
        end_time: Some("2030-01-11T00:00:00Z".into()),
        ..live_req("x")
    };
    let x = replayed
        .create_live_pull_to_push(&fx.a, &next, later)
        .unwrap();
    let y = fx.e.create_live_pull_to_push(&fx.a, &next, later).unwrap();
    assert_eq!(x.task_id, y.task_id);
    assert_eq!(replayed.state(), fx.e.state());

    // A log that is not this engine's history is refused, at the first event that fails.
    let mut broken = log.clone();
    broken.remove(0);
    let task_of = |e: &Event| match &e.change {
        live_lifecycle::Change::PullToPush(t) => t.task_id().clone(),
        other => panic!("not a pull-to-push event: {other:?}"),
    };
    let removed = task_of(&log[0]);
    let first_orphan = broken.iter().position(|e| task_of(e) == removed).unwrap();
    let err = Engine::replay(Config::default(), &broken)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(err.index, first_orphan);
    assert_eq!(err.error.code(), "CodeTaskNotExist");
}

/// The same follow-up on an engine: replies (with request ids), events, callbacks, deadlines.
fn follow_up(fx: &mut Fx) -> (Vec<Value>, Vec<Event>, Vec<Callback>) {
    let t = |hm: &str| at(&format!("2030-01-01T{hm}:00Z"));
    let mut replies = Vec::new();
    let created =
        fx.e.create_live_pull_to_push(&fx.a, &with_hook(url_req("e", 2)), t("11:35"))
            .unwrap();
    let e_id = created.task_id.clone();
    replies.push(js(&created));
    replies.push(js(&fx
        .e
        .describe_live_pull_to_push_list(&fx.a, &list_req(REGION), t("11:36"))
        .unwrap()));
    replies.push(json!(fx.e.next_deadline()));
    fx.report(&e_id, StreamReport::FileEnded, t("11:37"))
        .unwrap();
    fx.report(&e_id, StreamReport::PushFailed, t("11:38"))
        .unwrap();
    replies.push(json!(fx.e.next_deadline()));
    replies.push(js(&fx
        .e
        .describe_live_pull_to_push(&fx.a, &describe_req(e_id.as_str(), REGION), t("11:45"))
        .unwrap()));
    for id in fx
        .list(&list_req(REGION), t("11:46"))
        .task_list
        .iter()
        .map(|v| v.task_id.clone())
        .collect::<Vec<_>>()
    {
        replies.push(
            run(
                &mut fx.e,
                &fx.a.clone(),
                Op::Restart,
                id.as_str(),
                REGION,
                t("11:50"),
            )
            .unwrap_or_else(|r| js(&r)),
        );
    }
    replies.push(js(&fx
        .e
        .describe_live_pull_to_push_list(&fx.a, &list_req(REGION), at(END))
        .unwrap()));
    fx.e.advance(at(END) + secs(WEEK));
    replies.push(json!(fx.e.next_deadline()));
    replies.push(js(&fx
        .describe_in(&e_id, REGION, at(END) + secs(WEEK))
        .unwrap_err()));
    (replies, fx.e.drain_events(), fx.e.drain_callbacks())
}

/// README, "Pull-to-push: due changes": tasks that fall due at the same instant change in the
/// order they were created, whatever their ids and accounts, also after a snapshot (which
/// keeps the timers as `[deadline, account, id]` triples and reads the order back from the
/// tasks).
#[test]
fn tasks_due_at_one_instant_change_in_creation_order() {
    let mut e = Engine::new(Config::default());
    let mut created = Vec::new();
    for (n, who) in ["1003", "1001", "1002", "1001", "1003", "1002"]
        .iter()
        .enumerate()
    {
        let who = account(who);
        let id = e
            .create_live_pull_to_push(&who, &live_req(&format!("s{n}")), at(CREATED))
            .unwrap()
            .task_id;
        created.push((who, id));
    }
    // The ids alone would order them otherwise (and so would the accounts).
    let mut by_id = created.clone();
    by_id.sort_by(|a, b| a.1.cmp(&b.1));
    assert_ne!(by_id, created);
    drop(e.drain_events());
    let json = serde_json::to_string(&e.snapshot()).unwrap();
    let back: Snapshot = serde_json::from_str(&json).unwrap();
    assert_eq!(back, e.snapshot());
    let mut restored = Engine::restore(Config::default(), back);
    for engine in [&mut e, &mut restored] {
        assert_eq!(engine.advance(at(START)), created.len());
        let started: Vec<(AccountId, TaskId)> = engine
            .drain_events()
            .into_iter()
            .map(|event| match event.change {
                Change::PullToPush(TaskEvent::Started { task_id }) => (event.account, task_id),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(started, created);
        assert!(engine.state().invariants_hold());
    }
}

#[test]
fn snapshot_round_trip_restores_and_continues_identically() {
    let mut fx = Fx::new();
    let mid = eventful(&mut fx);
    fx.e.advance(mid);
    fx.settle();
    let json = serde_json::to_string(&fx.e.snapshot()).unwrap();
    let snap: Snapshot = serde_json::from_str(&json).unwrap();
    assert_eq!(snap.requests_answered, fx.e.snapshot().requests_answered);
    let restored = Engine::restore(Config::default(), snap);
    assert_eq!(restored.state(), fx.e.state());
    assert_eq!(restored.next_deadline(), fx.e.next_deadline());
    assert!(restored.state().invariants_hold());
    let mut twin = Fx {
        e: restored,
        a: fx.a.clone(),
    };

    let original = follow_up(&mut fx);
    let copy = follow_up(&mut twin);
    assert_eq!(original.0, copy.0);
    assert_eq!(original.1, copy.1);
    assert_eq!(original.2, copy.2);
    assert_eq!(fx.e.state(), twin.e.state());
    assert!(!original.1.is_empty() && !original.2.is_empty());
}

/// A task created after another was removed takes the removed one's place in storage (see
/// `src/pull_to_push/table.rs`); where tasks are stored is not part of the state: a restored
/// engine, which stores them in creation order, equals the original and goes on identically,
/// and the snapshot lists the tasks oldest first.
#[test]
fn a_removed_tasks_place_is_reused_without_changing_the_state() {
    let mut config = Config::default();
    config.task_limits.exited_retention_secs = 60;
    let mut fx = Fx::with(config.clone());
    let a = fx.create(&live_req("a"), at(CREATED));
    let b = fx.create(&live_req("b"), at(CREATED));
    let c = fx.create(&live_req("c"), at(CREATED));
    fx.delete(&b, at(CREATED)).unwrap();
    assert_eq!(fx.e.advance(at(CREATED) + secs(60)), 1);
    let d = fx.create(&live_req("d"), at(CREATED) + secs(120));
    let json = serde_json::to_string(&fx.e.snapshot()).unwrap();
    let place = |id: &TaskId| json.find(&format!("\"{id}\":{{")).unwrap();
    assert!(place(&a) < place(&c) && place(&c) < place(&d), "{json}");
    assert!(!json.contains(b.as_str()));
    let mut twin = Fx {
        e: Engine::restore(config, serde_json::from_str(&json).unwrap()),
        a: fx.a.clone(),
    };
    assert_eq!(twin.e.state(), fx.e.state());
    assert_eq!(serde_json::to_string(&twin.e.snapshot()).unwrap(), json);
    drop(fx.e.drain_events());
    for engine in [&mut fx.e, &mut twin.e] {
        assert_eq!(engine.advance(at(START)), 3);
        assert!(engine.state().invariants_hold());
    }
    assert_eq!(fx.e.drain_events(), twin.e.drain_events());
    for id in [&a, &c, &d] {
        assert_eq!(fx.status(id, at(START)), 1);
        assert_eq!(twin.status(id, at(START)), 1);
    }
    assert_eq!(twin.e.state(), fx.e.state());
}

#[test]
fn snapshot_in_the_middle_of_a_retry_keeps_the_give_up_time() {
    let (mut fx, id, now) = task_in(St::Running);
    fx.report(&id, StreamReport::PullFailed, now).unwrap();
    let json = serde_json::to_string(&fx.e.snapshot()).unwrap();
    let mut restored = Engine::restore(Config::default(), serde_json::from_str(&json).unwrap());
    assert_eq!(restored.next_deadline(), Some(now + secs(180)));
    assert_eq!(restored.advance(now + secs(179)), 0);
    assert_eq!(restored.advance(now + secs(180)), 1);
    fx.e.advance(now + secs(180));
    assert_eq!(restored.state(), fx.e.state());
}

// ---- 11. validation ---------------------------------------------------------------------------

fn valid() -> CreateLivePullToPushRequest {
    url_req("v", 3)
}

fn create_err(req: &CreateLivePullToPushRequest) -> ApiError {
    req.validate(at(CREATED)).unwrap_err()
}

fn create_ok(req: &CreateLivePullToPushRequest) {
    if let Err(e) = req.validate(at(CREATED)) {
        panic!("{req:?} was refused: {e}");
    }
}

/// A strict engine's refusal of `req` (`Config::strict`).
fn create_err_strict(req: &CreateLivePullToPushRequest) -> ApiError {
    req.validate_with(at(CREATED), true).unwrap_err()
}

/// A rule only a strict engine applies: `req` is refused by it, and taken by a default one.
fn strict_only(req: &CreateLivePullToPushRequest, field: &str) {
    assert_field(&create_err_strict(req), "InvalidParameter", field);
    create_ok(req);
}

#[test]
fn create_missing_fields_are_named() {
    create_ok(&valid());
    assert!(valid().validate_all(at(CREATED)).is_empty());
    let all = CreateLivePullToPushRequest::default().validate_all(at(CREATED));
    let fields: Vec<&str> = all.iter().map(|e| field_of(e).unwrap()).collect();
    assert_eq!(
        fields,
        [
            "Region",
            "StartTime",
            "EndTime",
            "SourceType",
            "SourceUrls",
            "DstUrl"
        ]
    );
    assert!(all.iter().all(|e| e.code() == "MissingParameter"));

    type Clear = fn(&mut CreateLivePullToPushRequest);
    let cases: [(&str, Clear, Clear); 5] = [
        (
            "Region",
            |r| r.region = None,
            |r| r.region = Some(String::new()),
        ),
        (
            "StartTime",
            |r| r.start_time = None,
            |r| r.start_time = Some(String::new()),
        ),
        (
            "EndTime",
            |r| r.end_time = None,
            |r| r.end_time = Some(String::new()),
        ),
        (
            "SourceType",
            |r| r.source_type = None,
            |r| r.source_type = Some(String::new()),
        ),
        (
            "DstUrl",
            |r| r.dst_url = None,
            |r| r.dst_url = Some(String::new()),
        ),
    ];
    for (field, absent, empty) in cases {
        for clear in [absent, empty] {
            let mut req = valid();
            clear(&mut req);
            assert_field(&create_err(&req), "MissingParameter", field);
        }
    }
    let req = CreateLivePullToPushRequest {
        source_urls: None,
        ..valid()
    };
    assert_field(&create_err(&req), "MissingParameter", "SourceUrls");
    let req = CreateLivePullToPushRequest {
        source_urls: Some(vec![]),
        ..valid()
    };
    assert_field(&create_err(&req), "InvalidParameter", "SourceUrls");
    let req = CreateLivePullToPushRequest {
        source_urls: Some(vec![String::new()]),
        ..valid()
    };
    assert_field(&create_err(&req), "InvalidParameter", "SourceUrls");
}

const BAD_TIMES: [&str; 14] = [
    "2030-01-01T10:00:00+08:00",
    "2030-01-01T10:00:00+00:00",
    "2030-01-01T10:00:00.5Z",
    "2030-01-01T10:00:00.000Z",
    "2030-02-30T10:00:00Z",
    "2031-02-29T10:00:00Z",
    "2030-01-01T24:00:00Z",
    "2030-01-01T10:00:60Z",
    "2030-01-01 10:00:00Z",
    "2030-01-01T10:00:00",
    "2030-01-01t10:00:00z",
    "2030-1-01T10:00:00Z",
    "2030-01-01T10:00Z",
    "20300101T100000Z",
];

#[test]
fn times_are_strict_utc_whole_seconds() {
    for bad in BAD_TIMES {
        let req = CreateLivePullToPushRequest {
            start_time: Some(bad.into()),
            ..valid()
        };
        assert_field(&create_err(&req), "InvalidParameter", "StartTime");
        let req = CreateLivePullToPushRequest {
            end_time: Some(bad.into()),
            ..valid()
        };
        assert_field(&create_err(&req), "InvalidParameter", "EndTime");
        let id = TaskId::try_from("t1").unwrap();
        let req = UpdateLivePullToPushRequest {
            start_time: Some(bad.into()),
            ..upd(&id)
        };
        assert_field(
            &req.validate(at(CREATED)).unwrap_err(),
            "InvalidParameter",
            "StartTime",
        );
        let req = UpdateLivePullToPushRequest {
            end_time: Some(bad.into()),
            ..upd(&id)
        };
        assert_field(
            &req.validate(at(CREATED)).unwrap_err(),
            "InvalidParameter",
            "EndTime",
        );
    }
    // A real 29 February, and the last second of a day.
    let req = CreateLivePullToPushRequest {
        start_time: Some("2032-02-29T10:00:00Z".into()),
        end_time: Some("2032-02-29T23:59:59Z".into()),
        ..valid()
    };
    create_ok(&req);
    // Update: an empty time is not "absent".
    let id = TaskId::try_from("t1").unwrap();
    let req = UpdateLivePullToPushRequest {
        start_time: Some(String::new()),
        ..upd(&id)
    };
    assert_field(
        &req.validate(at(CREATED)).unwrap_err(),
        "InvalidParameter",
        "StartTime",
    );
}

#[test]
fn source_protocol_is_required_iff_live() {
    let req = CreateLivePullToPushRequest {
        source_protocol: None,
        ..live_req("a")
    };
    assert_field(&create_err(&req), "MissingParameter", "SourceProtocol");
    let req = CreateLivePullToPushRequest {
        source_protocol: Some(String::new()),
        ..live_req("a")
    };
    assert_field(&create_err(&req), "MissingParameter", "SourceProtocol");
    let req = CreateLivePullToPushRequest {
        source_protocol: Some("RTMP".into()),
        ..live_req("a")
    };
    assert_field(&create_err(&req), "InvalidParameter", "SourceProtocol");
    let req = CreateLivePullToPushRequest {
        source_protocol: Some("webrtc".into()),
        ..live_req("a")
    };
    assert_field(&create_err(&req), "InvalidParameter", "SourceProtocol");
    // Not needed and not kept for a playlist.
    for kind in ["vod", "url"] {
        let urls = if kind == "vod" {
            vec!["a1b2c3d4".to_owned()]
        } else {
            files(1)
        };
        let req = CreateLivePullToPushRequest {
            source_type: Some(kind.into()),
            source_protocol: Some("rtmp".into()),
            source_urls: Some(urls.clone()),
            ..live_req("p")
        };
        let task = req.validate(at(CREATED)).unwrap();
        assert_eq!(task.source.protocol(), None);
        let req = CreateLivePullToPushRequest {
            source_protocol: None,
            ..req
        };
        create_ok(&req);
    }
    let req = CreateLivePullToPushRequest {
        source_type: Some("LIVE".into()),
        ..live_req("a")
    };
    assert_field(&create_err(&req), "InvalidParameter", "SourceType");
}

#[test]
fn a_live_source_is_exactly_one_url_of_its_protocol() {
    let ok = [
        ("rtmp", "rtmp://src.example.com/live/a"),
        ("rtsp", "rtsp://cam.example.com:554/stream"),
        ("srt", "srt://src.example.com:9000?streamid=live/a"),
        ("http-flv", "http://src.example.com/live/a.flv"),
        ("flv", "https://src.example.com/live/a.flv"),
        ("hls", "https://src.example.com/live/a.m3u8"),
    ];
    for (protocol, url) in ok {
        let req = CreateLivePullToPushRequest {
            source_protocol: Some(protocol.into()),
            source_urls: Some(vec![url.into()]),
            ..live_req("a")
        };
        create_ok(&req);
    }
    // An RTMP source without a stream, an SRT one without a port: only a strict engine.
    for (protocol, url) in [
        ("rtmp", "rtmp://src.example.com/onlyapp"),
        ("srt", "srt://src.example.com"),
    ] {
        let req = CreateLivePullToPushRequest {
            source_protocol: Some(protocol.into()),
            source_urls: Some(vec![url.into()]),
            ..live_req("a")
        };
        strict_only(&req, "SourceUrls");
    }
    let bad = [
        ("rtmp", vec!["http://src.example.com/live/a.flv"]),
        ("http-flv", vec!["rtmp://src.example.com/live/a"]),
        ("rtmp", vec!["a1b2c3d4"]),
        (
            "rtmp",
            vec![
                "rtmp://src.example.com/live/a",
                "rtmp://src.example.com/live/b",
            ],
        ),
    ];
    for (protocol, urls) in bad {
        let req = CreateLivePullToPushRequest {
            source_protocol: Some(protocol.into()),
            source_urls: Some(urls.iter().map(|u| (*u).to_owned()).collect()),
            ..live_req("a")
        };
        assert_field(&create_err(&req), "InvalidParameter", "SourceUrls");
    }
    // Playlist-only fields on a live source: effective only for vod and url sources, so a
    // default engine takes them and a strict one refuses them.
    for (field, req) in [
        (
            "RepeatNumber",
            CreateLivePullToPushRequest {
                repeat_number: Some(0),
                ..live_req("a")
            },
        ),
        (
            "Offset",
            CreateLivePullToPushRequest {
                offset: Some(5),
                ..live_req("a")
            },
        ),
        (
            "FileIndex",
            CreateLivePullToPushRequest {
                file_index: Some(0),
                ..live_req("a")
            },
        ),
    ] {
        strict_only(&req, field);
    }
}

#[test]
fn playlists_hold_up_to_thirty_entries() {
    assert_eq!(MAX_SOURCES, 30);
    let vod = |ids: Vec<String>| CreateLivePullToPushRequest {
        source_type: Some("vod".into()),
        source_urls: Some(ids),
        ..live_req("v")
    };
    let media = |n: usize| {
        (0..n)
            .map(|i| format!("a1b2c3d4e5f6{i:02}"))
            .collect::<Vec<_>>()
    };
    create_ok(&vod(media(30)));
    assert_field(
        &create_err(&vod(media(31))),
        "InvalidParameter",
        "SourceUrls",
    );
    // Media ids: no whitespace for any engine; VOD's shape for a strict one.
    assert_field(
        &create_err(&vod(vec!["has space".into()])),
        "InvalidParameter",
        "SourceUrls",
    );
    for bad in ["has/slash", &"a".repeat(65)] {
        strict_only(&vod(vec![bad.into()]), "SourceUrls");
    }
    create_ok(&vod(vec!["a".repeat(64)]));
    assert!(
        vod(vec!["a".repeat(64)])
            .validate_with(at(CREATED), true)
            .is_ok()
    );

    create_ok(&url_req("u", 30));
    assert_field(
        &create_err(&url_req("u", 31)),
        "InvalidParameter",
        "SourceUrls",
    );
    let url = |u: &str| CreateLivePullToPushRequest {
        source_urls: Some(vec![u.into()]),
        ..valid()
    };
    for good in [
        "http://cdn.example.com/a.mp4",
        "https://cdn.example.com/dir/a.flv",
        "https://cdn.example.com/A.MP4",
        "https://cdn.example.com/a.mp4?token=1",
    ] {
        create_ok(&url(good));
    }
    for bad in [
        "https://cdn.example.com/a.mkv",
        "https://cdn.example.com/a.txt",
        "ftp://cdn.example.com/a.mp4",
        "rtmp://cdn.example.com/live/a.flv",
        "cdn.example.com/a.mp4",
        "https://cdn.example.com/",
    ] {
        assert_field(&create_err(&url(bad)), "InvalidParameter", "SourceUrls");
    }
}

#[test]
fn dst_url_and_callback_url_rules() {
    let dst = |u: String| CreateLivePullToPushRequest {
        dst_url: Some(u),
        ..valid()
    };
    let prefix = "rtmp://push.example.com/live/";
    create_ok(&dst(format!("{prefix}{}", "a".repeat(2000 - prefix.len()))));
    assert_field(
        &create_err(&dst(format!("{prefix}{}", "a".repeat(2001 - prefix.len())))),
        "InvalidParameter",
        "DstUrl",
    );
    for bad in [
        "rtmps://push.example.com/live/a",
        "http://push.example.com/live/a",
        "srt://push.example.com:9000",
        "rtmp://push.example.com/live/a b",
        "not a url",
    ] {
        assert_field(&create_err(&dst(bad.into())), "InvalidParameter", "DstUrl");
    }
    for inferred in [
        "rtmp://push.example.com/onlyapp",
        "rtmp://user:secret@push.example.com/live/a",
        "rtmp://push.example.com/live/a#frag",
    ] {
        strict_only(&dst(inferred.into()), "DstUrl");
    }

    let hook = |u: String| CreateLivePullToPushRequest {
        callback_url: Some(u),
        ..valid()
    };
    create_ok(&hook("http://hooks.example.com/cb".into()));
    create_ok(&hook(HOOK.into()));
    // Empty on Create means none.
    assert_eq!(
        hook(String::new())
            .validate(at(CREATED))
            .unwrap()
            .callback_url,
        None
    );
    let long = format!("https://hooks.example.com/{}", "c".repeat(2001 - 26));
    assert_eq!(long.len(), 2001);
    for bad in [
        "ftp://hooks.example.com/cb".to_owned(),
        "rtmp://hooks.example.com/a/b".to_owned(),
        "hooks.example.com".to_owned(),
        long,
    ] {
        assert_field(&create_err(&hook(bad)), "InvalidParameter", "CallbackUrl");
    }
}

#[test]
fn numeric_bounds() {
    type Set = fn(&mut CreateLivePullToPushRequest, i64);
    let cases: [(&str, Set, Vec<i64>, Vec<i64>); 5] = [
        (
            "RepeatNumber",
            |r, n| r.repeat_number = Some(n),
            vec![-1, 0, 2, i64::from(i32::MAX)],
            vec![-2, i64::MIN, i64::from(i32::MAX) + 1],
        ),
        (
            "Offset",
            |r, n| r.offset = Some(n),
            vec![1, 3600, i64::from(i32::MAX)],
            vec![0, -1, i64::from(i32::MAX) + 1],
        ),
        (
            "FileIndex",
            |r, n| r.file_index = Some(n),
            vec![0, 1, 2],
            vec![-1, 3, 30],
        ),
        (
            "RetryInterval",
            |r, n| r.retry_interval = Some(n),
            vec![60, 61, 299, 300],
            vec![0, 59, 301, -60],
        ),
        (
            "RetryCount",
            |r, n| r.retry_count = Some(n),
            vec![0, 1, i64::from(MAX_RETRY_COUNT) + 1, i64::from(i32::MAX)],
            vec![-1, i64::from(i32::MAX) + 1],
        ),
    ];
    for (field, set, good, bad) in cases {
        for n in good {
            let mut req = valid();
            set(&mut req, n);
            create_ok(&req);
        }
        for n in bad {
            let mut req = valid();
            set(&mut req, n);
            assert_field(&create_err(&req), "InvalidParameter", field);
        }
    }
    let task = valid().validate(at(CREATED)).unwrap();
    assert_eq!((task.retry.count, task.retry.interval_secs), (3, 60));
    // The docs give RetryCount no bound: only a strict engine holds it to 30.
    let mut req = valid();
    req.retry_count = Some(i64::from(MAX_RETRY_COUNT) + 1);
    strict_only(&req, "RetryCount");
    req.retry_count = Some(i64::from(MAX_RETRY_COUNT));
    assert!(req.validate_with(at(CREATED), true).is_ok());
}

#[test]
fn task_name_and_region() {
    assert_eq!(MAX_TASK_NAME_CHARS, 128);
    let named = |n: String| CreateLivePullToPushRequest {
        task_name: Some(n),
        ..valid()
    };
    create_ok(&named("夜".repeat(128)));
    assert!(
        named("夜".repeat(128))
            .validate_with(at(CREATED), true)
            .is_ok()
    );
    create_ok(&named(String::new()));
    // The docs give TaskName no length: only a strict engine holds it to 128 characters.
    strict_only(&named("夜".repeat(129)), "TaskName");
    assert_field(
        &create_err(&named("tab\there".into())),
        "InvalidParameter",
        "TaskName",
    );

    for region in [
        "ap-southeast-1",
        "ap-southeast-5",
        "cn-beijing",
        "cn-shanghai",
        "cn-shenzhen",
    ] {
        create_ok(&CreateLivePullToPushRequest {
            region: Some(region.into()),
            ..valid()
        });
    }
    for bad in ["CN-SHANGHAI", "preregion", "cn-hangzhou", " cn-shanghai"] {
        let req = CreateLivePullToPushRequest {
            region: Some(bad.into()),
            ..valid()
        };
        assert_field(&create_err(&req), "InvalidParameter", "Region");
    }
}

#[test]
fn cn_shenzhen_is_served_by_every_operation() {
    let mut fx = Fx::new();
    let req = CreateLivePullToPushRequest {
        region: Some("cn-shenzhen".into()),
        ..live_req("sz")
    };
    let id = fx.create(&req, at(CREATED));
    let i = id.as_str();
    let sz = "cn-shenzhen";
    let now = at("2030-01-01T10:30:00Z");
    let mut e = &mut fx.e;
    let a = fx.a.clone();
    assert_eq!(
        e.describe_live_pull_to_push(&a, &describe_req(i, sz), now)
            .unwrap()
            .task
            .task_status
            .code(),
        1
    );
    assert_eq!(
        e.describe_live_pull_to_push_list(&a, &list_req(sz), now)
            .unwrap()
            .total,
        1
    );
    let u = UpdateLivePullToPushRequest {
        region: Some(sz.into()),
        callback_url: Some(HOOK.into()),
        ..upd(&id)
    };
    e.update_live_pull_to_push(&a, &u, now).unwrap();
    e.stop_live_pull_to_push(&a, &stop_req(i, sz), now).unwrap();
    e.restart_live_pull_to_push(&a, &restart_req(i, sz), now)
        .unwrap();
    e = &mut fx.e;
    e.delete_live_pull_to_push(&a, &delete_req(i, sz), now)
        .unwrap();
    assert_eq!(cbs(&fx.e.drain_callbacks()).len(), 3);
}

#[test]
fn validation_precedence_missing_then_malformed_then_cross_field() {
    let req = CreateLivePullToPushRequest {
        dst_url: None,
        retry_interval: Some(10),
        start_time: Some(END.into()),
        end_time: Some(START.into()),
        ..valid()
    };
    assert_field(&create_err(&req), "MissingParameter", "DstUrl");
    let all = req.validate_all(at(CREATED));
    let codes: Vec<&str> = all.iter().map(ApiError::code).collect();
    assert_eq!(
        codes,
        [
            "MissingParameter",
            "InvalidParameter",
            "InvalidParam.CodeIllegalDuration"
        ]
    );
    assert_eq!(field_of(&all[1]), Some("RetryInterval"));

    let req = CreateLivePullToPushRequest {
        dst_url: Some("http://x.example.com/a/b".into()),
        ..req
    };
    assert_field(&create_err(&req), "InvalidParameter", "DstUrl");
    let req = CreateLivePullToPushRequest {
        dst_url: Some("rtmp://x.example.com/a/b".into()),
        retry_interval: None,
        ..req
    };
    assert_eq!(create_err(&req).code(), "InvalidParam.CodeIllegalDuration");
    // EndTime not after now, with everything else valid.
    let req = CreateLivePullToPushRequest {
        start_time: Some("2030-01-01T07:00:00Z".into()),
        end_time: Some(CREATED.into()),
        ..valid()
    };
    assert_eq!(create_err(&req).code(), "InvalidParam.CodeIllegalDuration");
    assert!(req.validate(at(CREATED) - secs(1)).is_ok());
}

#[test]
fn update_validation() {
    let now = at(CREATED);
    let id = TaskId::try_from("t1").unwrap();
    assert!(upd(&id).validate(now).is_ok());
    let all = UpdateLivePullToPushRequest::default().validate_all(now);
    let fields: Vec<&str> = all.iter().map(|e| field_of(e).unwrap()).collect();
    assert_eq!(fields, ["TaskId", "Region"]);
    assert!(all.iter().all(|e| e.code() == "MissingParameter"));

    let check = |req: UpdateLivePullToPushRequest, code: &str, field: Option<&str>| {
        let e = req.validate(now).unwrap_err();
        assert_eq!(e.code(), code, "{e:?}");
        assert_eq!(field_of(&e), field, "{e:?}");
    };
    check(
        UpdateLivePullToPushRequest {
            task_id: Some("has space".into()),
            ..upd(&id)
        },
        "InvalidParameter",
        Some("TaskId"),
    );
    check(
        UpdateLivePullToPushRequest {
            region: Some("mars-1".into()),
            ..upd(&id)
        },
        "InvalidParameter",
        Some("Region"),
    );
    check(
        UpdateLivePullToPushRequest {
            end_time: Some(CREATED.into()),
            ..upd(&id)
        },
        "InvalidParam.CodeIllegalDuration",
        None,
    );
    check(
        UpdateLivePullToPushRequest {
            start_time: Some(END.into()),
            end_time: Some(START.into()),
            ..upd(&id)
        },
        "InvalidParam.CodeIllegalDuration",
        None,
    );
    check(
        UpdateLivePullToPushRequest {
            callback_url: Some("ftp://h.example.com/cb".into()),
            ..upd(&id)
        },
        "InvalidParameter",
        Some("CallbackUrl"),
    );
    check(
        UpdateLivePullToPushRequest {
            source_urls: Some(files(31)),
            ..upd(&id)
        },
        "InvalidParameter",
        Some("SourceUrls"),
    );
    check(
        UpdateLivePullToPushRequest {
            source_urls: Some(vec![]),
            ..upd(&id)
        },
        "InvalidParameter",
        Some("SourceUrls"),
    );
    check(
        UpdateLivePullToPushRequest {
            repeat_number: Some(-2),
            ..upd(&id)
        },
        "InvalidParameter",
        Some("RepeatNumber"),
    );
    check(
        UpdateLivePullToPushRequest {
            offset: Some(0),
            ..upd(&id)
        },
        "InvalidParameter",
        Some("Offset"),
    );
    check(
        UpdateLivePullToPushRequest {
            file_index: Some(-1),
            ..upd(&id)
        },
        "InvalidParameter",
        Some("FileIndex"),
    );
    // Every problem at once, in precedence order.
    let req = UpdateLivePullToPushRequest {
        task_id: None,
        offset: Some(0),
        end_time: Some(CREATED.into()),
        ..upd(&id)
    };
    let codes: Vec<&str> = req.validate_all(now).iter().map(ApiError::code).collect();
    assert_eq!(
        codes,
        [
            "MissingParameter",
            "InvalidParameter",
            "InvalidParam.CodeIllegalDuration"
        ]
    );
    // A CallbackUrl of "" is valid and means "remove".
    assert_eq!(
        UpdateLivePullToPushRequest {
            callback_url: Some(String::new()),
            ..upd(&id)
        }
        .validate(now)
        .unwrap()
        .callback_url,
        Some(None)
    );
}

#[test]
fn task_ref_validation_for_the_other_operations() {
    for (task_id, region, code, field) in [
        (None, Some(REGION), "MissingParameter", "TaskId"),
        (Some(""), Some(REGION), "MissingParameter", "TaskId"),
        (Some("t1"), None, "MissingParameter", "Region"),
        (Some("t1"), Some(""), "MissingParameter", "Region"),
        (Some("t 1"), Some(REGION), "InvalidParameter", "TaskId"),
        (Some("t1"), Some("preregion"), "InvalidParameter", "Region"),
    ] {
        let (t, r) = (task_id.map(str::to_owned), region.map(str::to_owned));
        let errs = [
            DeleteLivePullToPushRequest {
                task_id: t.clone(),
                region: r.clone(),
            }
            .validate()
            .unwrap_err(),
            DescribeLivePullToPushRequest {
                task_id: t.clone(),
                region: r.clone(),
            }
            .validate()
            .unwrap_err(),
            StopLivePullToPushRequest {
                task_id: t.clone(),
                region: r.clone(),
            }
            .validate()
            .unwrap_err(),
            RestartLivePullToPushRequest {
                task_id: t,
                region: r,
            }
            .validate()
            .unwrap_err(),
        ];
        for e in &errs {
            assert_field(e, code, field);
        }
    }
    // An id of 129 characters: only a strict engine refuses it; a default one looks it up.
    let long = StopLivePullToPushRequest {
        task_id: Some("x".repeat(129)),
        region: Some(REGION.into()),
    };
    assert_field(
        &long.validate_with(true).unwrap_err(),
        "InvalidParameter",
        "TaskId",
    );
    assert!(long.validate().is_ok());
    let both = StopLivePullToPushRequest::default().validate_all();
    assert_eq!(both.len(), 2);
    assert!(
        StopLivePullToPushRequest {
            task_id: Some("t1".into()),
            region: Some("cn-shenzhen".into())
        }
        .validate()
        .is_ok()
    );
}

#[test]
fn stop_restart_or_delete_while_retrying_cancel_the_give_up() {
    for op in [Op::Stop, Op::Restart, Op::Delete] {
        let (mut fx, id, now) = task_in(St::Running);
        fx.report(&id, StreamReport::PullFailed, now).unwrap();
        run(
            &mut fx.e,
            &fx.a.clone(),
            op,
            id.as_str(),
            REGION,
            now + secs(60),
        )
        .unwrap();
        fx.settle();
        assert_ne!(fx.e.next_deadline(), Some(now + secs(180)), "{op:?}");
        fx.e.advance(now + secs(600));
        assert!(fx.e.drain_events().is_empty(), "{op:?}");
        let v = fx.view(&id, now + secs(600));
        assert!(v.task_invalid_reason.is_none(), "{op:?}");
        let expected = match op {
            Op::Stop => 3,
            Op::Restart => 1,
            _ => -1,
        };
        assert_eq!(v.task_status.code(), expected, "{op:?}");
    }
}

#[test]
fn list_name_filter_ignores_case_beyond_ascii() {
    let mut fx = Fx::new();
    let req = CreateLivePullToPushRequest {
        task_name: Some("Ünïcode Straße".into()),
        ..live_req("u")
    };
    let id = fx.create(&req, at(CREATED));
    for filter in ["ÜNÏ", "ünï", "STRAßE", "CODE STR"] {
        let q = DescribeLivePullToPushListRequest {
            task_name: Some(filter.into()),
            ..list_req(REGION)
        };
        assert_eq!(
            listed_ids(&fx.list(&q, at(CREATED))),
            std::slice::from_ref(&id),
            "{filter}"
        );
    }
}

#[test]
fn a_restored_engine_with_the_same_id_generator_continues_the_ids() {
    let mut e = Engine::with_id_generator(Config::default(), Box::new(Plain));
    let a = account("1001");
    e.create_live_pull_to_push(&a, &live_req("a"), at(CREATED))
        .unwrap();
    let snap: Snapshot =
        serde_json::from_str(&serde_json::to_string(&e.snapshot()).unwrap()).unwrap();
    let mut restored = Engine::restore_with_id_generator(Config::default(), Box::new(Plain), snap);
    let r = restored
        .create_live_pull_to_push(&a, &live_req("b"), at(CREATED))
        .unwrap();
    assert_eq!(
        js(&r),
        json!({"RequestId": "req-1", "RetCode": 0, "Description": "OK", "TaskId": "task-1"})
    );
}

#[test]
fn a_refused_call_still_applies_what_fell_due_first() {
    let mut fx = Fx::new();
    let id = fx.create(&with_hook(live_req("a")), at(CREATED));
    fx.settle();
    let late = at("2030-01-01T13:00:00Z");
    let r =
        fx.e.stop_live_pull_to_push(&fx.a, &stop_req(NO_SUCH_TASK, REGION), late)
            .unwrap_err();
    assert_rejected(&r, "CodeTaskNotExist", 400);
    assert_eq!(
        kinds(&fx.e.drain_events()),
        vec![kind("Started", START), kind("Ended", END)]
    );
    assert_eq!(fx.e.drain_callbacks().len(), 2);
    assert_eq!(fx.status(&id, late), -1);
    // The same for a refused stream report and for a validation failure.
    let mut fx = Fx::new();
    let id = fx.create(&live_req("a"), at(CREATED));
    fx.settle();
    let err = fx
        .report(&id, StreamReport::Recovered, at(START))
        .unwrap_err();
    assert_eq!(
        err,
        ReportError::NotRetrying {
            status: TaskStatus::Running
        }
    );
    assert_eq!(kinds(&fx.e.drain_events()), vec![kind("Started", START)]);
    fx.e.describe_live_pull_to_push(&fx.a, &describe_req("", REGION), at(END))
        .unwrap_err();
    assert_eq!(kinds(&fx.e.drain_events()), vec![kind("Ended", END)]);
}
