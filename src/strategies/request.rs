//! Strategies of [`Request`] (a typed request of any of the 16 operations, the crate's own),
//! and what a property test needs of one: run it, the codes it can still get, its fields.

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use serde_json::{Map, Value};

use super::{Outcome, edge, pull_to_push};
pub use crate::Request;
use crate::ids::AccountId;
use crate::{Engine, Rejection};

/// What a request's ids name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Names {
    /// An edge transcoding job (`ClusterId` and `JobId`).
    Job,
    /// A pull-to-push task (`TaskId` and `Region`).
    Task,
    /// No single resource: a creation, a list, a template.
    Nothing,
}

/// The body of a success, or the refusal.
fn outcome<T: serde::Serialize>(result: Result<T, Rejection>) -> Outcome {
    match result {
        Ok(body) => Outcome::Success(serde_json::to_value(body).unwrap_or(Value::Null)),
        Err(rejection) => Outcome::Refused(rejection),
    }
}

macro_rules! requests {
    ($(
        $variant:ident, $names:ident, [$($code:literal),*];
    )+) => {
        impl Request {
            /// Runs the request through the engine as `account` at `now`: the success body
            /// as JSON, or the refusal.
            ///
            /// ```
            /// use live_lifecycle::Request;
            /// use live_lifecycle::{Config, Engine, edge::ListEdgeTranscodeTemplateRequest};
            /// let r = Request::from(ListEdgeTranscodeTemplateRequest {
            ///     cluster_id: Some("c1".into()),
            ///     ..Default::default()
            /// });
            /// let mut engine = Engine::new(Config::default());
            /// let outcome = r.apply(&mut engine, &"1001".try_into().unwrap(),
            ///     "2030-01-01T00:00:00Z".parse().unwrap());
            /// assert_eq!(outcome.body().unwrap()["TotalCount"], 8);
            /// ```
            pub fn apply(
                &self,
                engine: &mut Engine,
                account: &AccountId,
                now: DateTime<Utc>,
            ) -> Outcome {
                outcome(engine.execute(account, self, now))
            }

            /// The codes a request that passes [`Request::validate`] can still get from an
            /// engine with the default configuration, because of what the engine holds:
            /// the resource is unknown, in a state that refuses the call, or a quota is
            /// full; for UpdateLivePullToPush also the rules checked on the merged values
            /// (`InvalidParam.CodeIllegalDuration`, `InvalidParameter`). Template ids are
            /// assumed to be the default catalogue's, as the strategies draw them.
            ///
            /// ```
            /// use live_lifecycle::Request;
            /// let r = Request::from(live_lifecycle::pull_to_push::StopLivePullToPushRequest::default());
            /// assert_eq!(r.state_codes(), ["CodeTaskNotExist", "CodeTaskHasStopped"]);
            /// ```
            pub fn state_codes(&self) -> &'static [&'static str] {
                match self {
                    $(Self::$variant(_) => &[$($code),*],)+
                }
            }

            pub(crate) fn names(&self) -> Names {
                match self {
                    $(Self::$variant(_) => Names::$names,)+
                }
            }

            /// The fields under their wire names (absent ones left out).
            pub(crate) fn fields(&self) -> Map<String, Value> {
                let value = match self {
                    $(Self::$variant(r) => serde_json::to_value(r),)+
                };
                match value {
                    Ok(Value::Object(fields)) => fields,
                    _ => Map::new(),
                }
            }

            /// The same operation with these fields; `None` if they do not fit its types.
            pub(crate) fn with_fields(&self, fields: Map<String, Value>) -> Option<Self> {
                let value = Value::Object(fields);
                match self {
                    $(Self::$variant(_) => serde_json::from_value(value).ok().map(Self::$variant),)+
                }
            }
        }
    };
}

requests! {
    CreateEdgeTranscodeJob, Nothing, ["UserQuotaExceed"];
    GetEdgeTranscodeJob, Job, ["JobNotFound"];
    ListEdgeTranscodeJob, Nothing, [];
    UpdateEdgeTranscodeJob, Job, ["JobNotFound", "OperationDenied"];
    StartEdgeTranscodeJob, Job, ["JobNotFound", "OperationDenied", "UserTaskExceed"];
    StopEdgeTranscodeJob, Job, ["JobNotFound", "OperationDenied"];
    DeleteEdgeTranscodeJob, Job, ["JobNotFound"];
    GetEdgeTranscodeTemplate, Nothing, [];
    ListEdgeTranscodeTemplate, Nothing, [];
    CreateLivePullToPush, Nothing, ["CodeTaskLimitExceeded"];
    UpdateLivePullToPush, Task, ["CodeTaskNotExist", "CodeTaskHasStarted",
        "InvalidParam.CodeIllegalDuration", "InvalidParameter"];
    DeleteLivePullToPush, Task, ["CodeTaskNotExist"];
    DescribeLivePullToPush, Task, ["CodeTaskNotExist"];
    DescribeLivePullToPushList, Nothing, [];
    StopLivePullToPush, Task, ["CodeTaskNotExist", "CodeTaskHasStopped"];
    RestartLivePullToPush, Task, ["CodeTaskNotExist"];
}

impl Request {
    /// The parameters as the RPC wire carries them, without `Action`: each field that is
    /// present under its wire name, integers in decimal, `SourceUrls` as a JSON array.
    /// [`Engine::handle_rpc`] reads them back into this very request.
    ///
    /// ```
    /// use live_lifecycle::Request;
    /// use live_lifecycle::pull_to_push::UpdateLivePullToPushRequest;
    /// let r = Request::from(UpdateLivePullToPushRequest {
    ///     task_id: Some("t1".into()),
    ///     region: Some("cn-beijing".into()),
    ///     repeat_number: Some(-1),
    ///     source_urls: Some(vec!["a1".into()]),
    ///     ..Default::default()
    /// });
    /// let params = r.params();
    /// assert!(params.contains(&("RepeatNumber".into(), "-1".into())));
    /// assert!(params.contains(&("SourceUrls".into(), r#"["a1"]"#.into())));
    /// ```
    pub fn params(&self) -> Vec<(String, String)> {
        self.fields()
            .into_iter()
            .map(|(name, value)| {
                let text = match value {
                    Value::String(text) => text,
                    other => other.to_string(),
                };
                (name, text)
            })
            .collect()
    }

    /// The same request naming another job or task: `ClusterId` and `JobId`, or `TaskId`
    /// and `Region`; `None` keeps the request's own `ClusterId` or `Region`. A request that
    /// names no single resource is returned as it is.
    pub(crate) fn naming(&self, id: &str, place: Option<&str>) -> Self {
        let (id_field, place_field) = match self.names() {
            Names::Job => ("JobId", "ClusterId"),
            Names::Task => ("TaskId", "Region"),
            Names::Nothing => return self.clone(),
        };
        let mut fields = self.fields();
        fields.insert(id_field.to_owned(), Value::from(id));
        if let Some(place) = place {
            fields.insert(place_field.to_owned(), Value::from(place));
        }
        self.with_fields(fields).unwrap_or_else(|| self.clone())
    }
}

/// Valid requests of all 16 operations at `now`, equally often: each passes
/// [`Request::validate`] at `now`, and on a fresh engine with the default configuration the
/// creations, lists and template reads succeed while the calls on one job or task find
/// nothing (`JobNotFound`, `CodeTaskNotExist`).
///
/// ```
/// use live_lifecycle::strategies::valid_request;
/// use proptest::strategy::{Strategy, ValueTree};
/// let now = "2030-01-01T00:00:00Z".parse().unwrap();
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let request = valid_request(now).new_tree(&mut runner).unwrap().current();
/// assert!(request.validate(now).is_ok());
/// ```
pub fn valid_request(now: DateTime<Utc>) -> BoxedStrategy<Request> {
    fn of<R: Into<Request> + std::fmt::Debug + 'static>(
        requests: BoxedStrategy<R>,
    ) -> BoxedStrategy<Request> {
        requests.prop_map(Into::into).boxed()
    }
    prop_oneof![
        of(edge::create_edge_transcode_job()),
        of(edge::get_edge_transcode_job()),
        of(edge::list_edge_transcode_job()),
        of(edge::update_edge_transcode_job()),
        of(edge::start_edge_transcode_job()),
        of(edge::stop_edge_transcode_job()),
        of(edge::delete_edge_transcode_job()),
        of(edge::get_edge_transcode_template()),
        of(edge::list_edge_transcode_template()),
        of(pull_to_push::create_live_pull_to_push(now)),
        of(pull_to_push::update_live_pull_to_push(now)),
        of(pull_to_push::delete_live_pull_to_push()),
        of(pull_to_push::describe_live_pull_to_push()),
        of(pull_to_push::describe_live_pull_to_push_list()),
        of(pull_to_push::stop_live_pull_to_push()),
        of(pull_to_push::restart_live_pull_to_push()),
    ]
    .boxed()
}
