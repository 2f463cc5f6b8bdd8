//! The 16 operations as values: [`Request`] (any request), [`Response`] (any success), and the
//! wire's names of them. [`Engine::execute`] runs a `Request` through the same method a
//! typed caller uses, which is how the RPC wire runs every call.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::Engine;
use crate::edge::{
    CreateEdgeTranscodeJobRequest, DeleteEdgeTranscodeJobRequest, DeleteResponse,
    GetEdgeTranscodeJobRequest, GetEdgeTranscodeTemplateRequest, GetJobResponse,
    GetTemplateResponse, JobIdResponse, ListEdgeTranscodeJobRequest,
    ListEdgeTranscodeTemplateRequest, ListJobsResponse, ListTemplatesResponse,
    StartEdgeTranscodeJobRequest, StopEdgeTranscodeJobRequest, UpdateEdgeTranscodeJobRequest,
};
use crate::error::{ApiError, Rejection};
use crate::ids::AccountId;
use crate::pull_to_push::{
    CreateLivePullToPushRequest, CreateTaskResponse, DeleteLivePullToPushRequest,
    DescribeLivePullToPushListRequest, DescribeLivePullToPushRequest, DescribeTaskListResponse,
    DescribeTaskResponse, RestartLivePullToPushRequest, RetResponse, StopLivePullToPushRequest,
    TaskIdResponse, UpdateLivePullToPushRequest,
};
use crate::throttle::Family;
use crate::wire;

/// A request's own checks, at `now` for the two that take it, as an engine of the given
/// strictness checks.
macro_rules! checks {
    (stateless, $r:expr, $now:expr, $strict:expr) => {{
        let _ = $now;
        $r.validate_all_with($strict)
    }};
    (at_now, $r:expr, $now:expr, $strict:expr) => {
        $r.validate_all_with($now, $strict)
    };
}

macro_rules! operations {
    ($(
        $(#[$doc:meta])*
        $name:ident($request:ty) -> $response:ty, $method:ident, $family:ident, $checks:ident;
    )+) => {
        /// The wire names of the 16 actions [`Engine::handle_rpc`] answers, edge transcoding
        /// first.
        ///
        /// ```
        /// assert_eq!(live_lifecycle::ACTIONS.len(), 16);
        /// assert!(live_lifecycle::ACTIONS.contains(&"RestartLivePullToPush"));
        /// ```
        pub const ACTIONS: &[&str] = &[$(stringify!($name),)+];

        /// One of the 16 operations, named exactly as on the wire.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub(crate) enum Action {
            $($name,)+
        }

        impl Action {
            /// The action of a wire name (exact, case-sensitive), if there is one.
            pub(crate) fn from_name(name: &str) -> Option<Self> {
                match name {
                    $(stringify!($name) => Some(Self::$name),)+
                    _ => None,
                }
            }

            /// Which rate limit the action counts against.
            pub(crate) fn family(self) -> Family {
                match self {
                    $(Self::$name => Family::$family,)+
                }
            }

            /// The wire names of the parameters the action reads: its request's fields.
            #[cfg_attr(not(feature = "proptest"), allow(dead_code))]
            pub(crate) fn params(self) -> &'static [&'static str] {
                match self {
                    $(Self::$name => wire::field_names::<$request>(),)+
                }
            }

            /// The action's request read from the wire's parameters, or the first problem
            /// by the documented precedence.
            pub(crate) fn decode(
                self,
                params: &[(&str, &str)],
                now: DateTime<Utc>,
            ) -> Result<Request, ApiError> {
                match self {
                    // Only the missing parameters matter here, which strictness never changes.
                    $(Self::$name => wire::decode(params, |r: &$request| checks!($checks, r, now, false))
                        .map(Request::$name),)+
                }
            }
        }

        /// A request of any of the 16 operations, named after its action.
        ///
        /// ```
        /// use live_lifecycle::{Config, Engine, Request, edge::GetEdgeTranscodeJobRequest};
        ///
        /// let request = Request::from(GetEdgeTranscodeJobRequest {
        ///     cluster_id: Some("c1".into()),
        ///     job_id: Some("nope".into()),
        /// });
        /// assert_eq!(request.action(), "GetEdgeTranscodeJob");
        /// let now = "2030-01-01T00:00:00Z".parse().unwrap();
        /// assert!(request.validate(now).is_ok());
        /// let mut engine = Engine::new(Config::default());
        /// let refused = engine.execute(&"1001".try_into().unwrap(), &request, now).unwrap_err();
        /// assert_eq!(refused.code(), "JobNotFound");
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Request {
            $($(#[$doc])* $name($request),)+
        }

        $(
            impl From<$request> for Request {
                fn from(request: $request) -> Self {
                    Self::$name(request)
                }
            }
        )+

        impl Request {
            /// The action's wire name, as in [`ACTIONS`].
            ///
            /// ```
            /// use live_lifecycle::Request;
            /// let r = Request::from(live_lifecycle::edge::ListEdgeTranscodeJobRequest::default());
            /// assert_eq!(r.action(), "ListEdgeTranscodeJob");
            /// ```
            pub fn action(&self) -> &'static str {
                match self {
                    $(Self::$name(_) => stringify!($name),)+
                }
            }

            /// Every problem the request's own checks find, in precedence order (empty when
            /// it is valid), as a default engine checks; `now` matters to the two that take it
            /// (CreateLivePullToPush and UpdateLivePullToPush, whose windows must end after
            /// it).
            ///
            /// ```
            /// use live_lifecycle::Request;
            /// let r = Request::from(live_lifecycle::edge::ListEdgeTranscodeJobRequest::default());
            /// let problems = r.validate_all("2030-01-01T00:00:00Z".parse().unwrap());
            /// assert_eq!(problems[0].code(), "MissingParameter");
            /// ```
            pub fn validate_all(&self, now: DateTime<Utc>) -> Vec<ApiError> {
                self.validate_all_with(now, false)
            }

            /// [`Request::validate_all`] as an engine with
            /// [`Config::strict`](crate::Config::strict) set to `strict` checks.
            ///
            /// ```
            /// use live_lifecycle::Request;
            /// let r = Request::from(live_lifecycle::edge::ListEdgeTranscodeJobRequest {
            ///     cluster_id: Some("c".repeat(129)),
            ///     ..Default::default()
            /// });
            /// let now = "2030-01-01T00:00:00Z".parse().unwrap();
            /// assert!(r.validate_all_with(now, false).is_empty());
            /// assert_eq!(r.validate_all_with(now, true)[0].code(), "InvalidParameter");
            /// ```
            pub fn validate_all_with(&self, now: DateTime<Utc>, strict: bool) -> Vec<ApiError> {
                match self {
                    $(Self::$name(r) => checks!($checks, r, now, strict),)+
                }
            }
        }

        /// The success of any of the 16 operations; serializes as that operation's body.
        ///
        /// ```
        /// use live_lifecycle::{Config, Engine, Request, Response};
        /// use live_lifecycle::edge::ListEdgeTranscodeJobRequest;
        /// let mut engine = Engine::new(Config::default());
        /// let request = Request::from(ListEdgeTranscodeJobRequest {
        ///     cluster_id: Some("c1".into()),
        ///     ..Default::default()
        /// });
        /// let now = "2030-01-01T00:00:00Z".parse().unwrap();
        /// let response = engine.execute(&"1001".try_into().unwrap(), &request, now).unwrap();
        /// assert!(matches!(response, Response::ListEdgeTranscodeJob(ref list) if list.total_count == 0));
        /// assert!(serde_json::to_string(&response).unwrap().starts_with(r#"{"JobList":"#));
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        #[serde(untagged)]
        pub enum Response {
            $($(#[$doc])* $name($response),)+
        }

        impl Response {
            /// The wire name of the action this answers, as in [`ACTIONS`].
            ///
            /// ```
            /// use live_lifecycle::{Config, Engine, Request};
            /// let mut engine = Engine::new(Config::default());
            /// let request = Request::from(live_lifecycle::edge::ListEdgeTranscodeTemplateRequest {
            ///     cluster_id: Some("c1".into()),
            ///     ..Default::default()
            /// });
            /// let now = "2030-01-01T00:00:00Z".parse().unwrap();
            /// let response = engine.execute(&"1001".try_into().unwrap(), &request, now).unwrap();
            /// assert_eq!(response.action(), "ListEdgeTranscodeTemplate");
            /// ```
            pub fn action(&self) -> &'static str {
                match self {
                    $(Self::$name(_) => stringify!($name),)+
                }
            }
        }

        impl Engine {
            /// Runs any request through its operation's method (the same one a typed caller
            /// calls), as `account` at `now`.
            pub fn execute(
                &mut self,
                account: &AccountId,
                request: &Request,
                now: DateTime<Utc>,
            ) -> Result<Response, Rejection> {
                match request {
                    $(Request::$name(r) => self.$method(account, r, now).map(Response::$name),)+
                }
            }
        }
    };
}

operations! {
    /// CreateEdgeTranscodeJob.
    CreateEdgeTranscodeJob(CreateEdgeTranscodeJobRequest) -> JobIdResponse,
        create_edge_transcode_job, Edge, stateless;
    /// GetEdgeTranscodeJob.
    GetEdgeTranscodeJob(GetEdgeTranscodeJobRequest) -> GetJobResponse,
        get_edge_transcode_job, Edge, stateless;
    /// ListEdgeTranscodeJob.
    ListEdgeTranscodeJob(ListEdgeTranscodeJobRequest) -> ListJobsResponse,
        list_edge_transcode_job, Edge, stateless;
    /// UpdateEdgeTranscodeJob.
    UpdateEdgeTranscodeJob(UpdateEdgeTranscodeJobRequest) -> JobIdResponse,
        update_edge_transcode_job, Edge, stateless;
    /// StartEdgeTranscodeJob.
    StartEdgeTranscodeJob(StartEdgeTranscodeJobRequest) -> JobIdResponse,
        start_edge_transcode_job, Edge, stateless;
    /// StopEdgeTranscodeJob.
    StopEdgeTranscodeJob(StopEdgeTranscodeJobRequest) -> JobIdResponse,
        stop_edge_transcode_job, Edge, stateless;
    /// DeleteEdgeTranscodeJob.
    DeleteEdgeTranscodeJob(DeleteEdgeTranscodeJobRequest) -> DeleteResponse,
        delete_edge_transcode_job, Edge, stateless;
    /// GetEdgeTranscodeTemplate.
    GetEdgeTranscodeTemplate(GetEdgeTranscodeTemplateRequest) -> GetTemplateResponse,
        get_edge_transcode_template, Edge, stateless;
    /// ListEdgeTranscodeTemplate.
    ListEdgeTranscodeTemplate(ListEdgeTranscodeTemplateRequest) -> ListTemplatesResponse,
        list_edge_transcode_template, Edge, stateless;
    /// CreateLivePullToPush.
    CreateLivePullToPush(CreateLivePullToPushRequest) -> CreateTaskResponse,
        create_live_pull_to_push, PullToPush, at_now;
    /// UpdateLivePullToPush.
    UpdateLivePullToPush(UpdateLivePullToPushRequest) -> RetResponse,
        update_live_pull_to_push, PullToPush, at_now;
    /// DeleteLivePullToPush.
    DeleteLivePullToPush(DeleteLivePullToPushRequest) -> RetResponse,
        delete_live_pull_to_push, PullToPush, stateless;
    /// DescribeLivePullToPush.
    DescribeLivePullToPush(DescribeLivePullToPushRequest) -> DescribeTaskResponse,
        describe_live_pull_to_push, PullToPush, stateless;
    /// DescribeLivePullToPushList.
    DescribeLivePullToPushList(DescribeLivePullToPushListRequest) -> DescribeTaskListResponse,
        describe_live_pull_to_push_list, PullToPush, stateless;
    /// StopLivePullToPush.
    StopLivePullToPush(StopLivePullToPushRequest) -> TaskIdResponse,
        stop_live_pull_to_push, PullToPush, stateless;
    /// RestartLivePullToPush.
    RestartLivePullToPush(RestartLivePullToPushRequest) -> TaskIdResponse,
        restart_live_pull_to_push, PullToPush, stateless;
}

impl Request {
    /// The request's own checks, as a client can run them before sending: the first problem
    /// by the documented precedence (missing → malformed → cross-field), if any, as a
    /// default engine checks.
    ///
    /// ```
    /// use live_lifecycle::Request;
    /// let r = Request::from(live_lifecycle::edge::ListEdgeTranscodeJobRequest::default());
    /// let err = r.validate("2030-01-01T00:00:00Z".parse().unwrap()).unwrap_err();
    /// assert_eq!(err.code(), "MissingParameter");
    /// ```
    pub fn validate(&self, now: DateTime<Utc>) -> Result<(), ApiError> {
        self.validate_with(now, false)
    }

    /// [`Request::validate`] as an engine with [`Config::strict`](crate::Config::strict) set
    /// to `strict` checks.
    ///
    /// ```
    /// use live_lifecycle::Request;
    /// let r = Request::from(live_lifecycle::edge::GetEdgeTranscodeJobRequest {
    ///     cluster_id: Some("c1".into()),
    ///     job_id: Some("j\u{e9}".into()),
    /// });
    /// let now = "2030-01-01T00:00:00Z".parse().unwrap();
    /// assert!(r.validate_with(now, false).is_ok()); // no such job: JobNotFound from an engine
    /// assert!(r.validate_with(now, true).is_err()); // not printable ASCII
    /// ```
    pub fn validate_with(&self, now: DateTime<Utc>, strict: bool) -> Result<(), ApiError> {
        match self.validate_all_with(now, strict).into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_exact_and_distinct() {
        let actions: std::collections::HashSet<Action> = ACTIONS
            .iter()
            .filter_map(|n| Action::from_name(n))
            .collect();
        assert_eq!(actions.len(), 16);
        for name in ACTIONS {
            assert_eq!(Action::from_name(&name.to_lowercase()), None);
        }
    }

    #[test]
    fn validate_gives_the_first_problem_or_none() {
        let now = "2030-01-01T00:00:00Z".parse().unwrap_or_default();
        let empty = Request::from(crate::edge::ListEdgeTranscodeJobRequest::default());
        let first = empty.validate(now).err().map(|e| e.code());
        assert_eq!(first, Some("MissingParameter"));
        let valid = Request::from(crate::edge::ListEdgeTranscodeJobRequest {
            cluster_id: Some("c1".into()),
            ..Default::default()
        });
        assert_eq!(valid.validate(now), Ok(()));
        assert!(valid.validate_all(now).is_empty());
    }

    #[test]
    fn every_action_reads_the_parameters_of_its_request() {
        let create = Action::CreateLivePullToPush.params();
        assert_eq!(create.len(), 14);
        assert!(create.contains(&"SourceUrls") && create.contains(&"RetryInterval"));
        assert_eq!(Action::GetEdgeTranscodeJob.params(), ["ClusterId", "JobId"]);
    }
}
