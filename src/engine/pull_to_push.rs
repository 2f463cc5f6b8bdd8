//! The seven pull-to-push operations and the stream reports: each validates, checks that the
//! account has the live service and a domain, plans its change against the account's tasks,
//! and commits it.

use chrono::{DateTime, Utc};

use super::Engine;
use crate::Config;
use crate::error::{ApiError, Rejection};
use crate::event::Change;
use crate::ids::{AccountId, IdKind, TaskId};
use crate::pull_to_push::{
    CreateLivePullToPushRequest, CreateTaskResponse, DeleteLivePullToPushRequest,
    DescribeLivePullToPushListRequest, DescribeLivePullToPushRequest, DescribeTaskListResponse,
    DescribeTaskResponse, ReportError, RestartLivePullToPushRequest, RetResponse,
    StopLivePullToPushRequest, StreamReport, TaskEvent, TaskIdResponse, TaskRef, TaskStore,
    UpdateLivePullToPushRequest,
};

impl Engine {
    /// `LiveServiceNotFound` or `CodeInvalidAliUid` unless the account may use pull-to-push.
    fn check_live_access(&self, account: &AccountId) -> Result<(), ApiError> {
        if !self.config.live_service.allows(account) {
            return Err(ApiError::LiveServiceNotFound);
        }
        if !self.config.live_domains.allows(account) {
            return Err(ApiError::InvalidAliUid);
        }
        Ok(())
    }

    /// Reads the account's tasks (none, if it has none yet) after the entitlement checks.
    fn read_tasks<T>(
        &self,
        account: &AccountId,
        read: impl FnOnce(&TaskStore, &Config) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.check_live_access(account)?;
        self.state.read(account, |a| read(&a.tasks, &self.config))
    }

    /// Plans a change to one task and commits it; `None` from the plan is a documented
    /// no-op.
    fn change_task(
        &mut self,
        account: &AccountId,
        now: DateTime<Utc>,
        plan: impl FnOnce(&TaskStore, &Config) -> Result<Option<TaskEvent>, ApiError>,
    ) -> Result<(), ApiError> {
        if let Some(event) = self.read_tasks(account, plan)? {
            self.commit(account, Change::PullToPush(event), now, None)?;
        }
        Ok(())
    }

    /// Stop or Restart: the task the request names, changed by `plan`; answers with its id.
    fn change_named_task(
        &mut self,
        account: &AccountId,
        validate: impl FnOnce(bool) -> Result<TaskRef, ApiError>,
        now: DateTime<Utc>,
        plan: fn(&TaskStore, TaskRef) -> Result<Option<TaskEvent>, ApiError>,
    ) -> Result<TaskIdResponse, Rejection> {
        self.run(
            now,
            |engine| {
                let task = validate(engine.config.strict)?;
                let task_id = task.task_id.clone();
                engine.change_task(account, now, |store, _| plan(store, task))?;
                Ok(task_id)
            },
            |task_id, request_id| TaskIdResponse {
                request_id,
                task_id,
            },
        )
    }

    /// CreateLivePullToPush: a new task, not started until its StartTime.
    ///
    /// Errors: MissingParameter, InvalidParameter, InvalidParam.CodeIllegalDuration,
    /// LiveServiceNotFound, CodeInvalidAliUid, CodeTaskLimitExceeded, CodeDstUrlOccupied
    /// (only with `Config::strict`), InternalError (the id generator made a bad or repeated
    /// id).
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::CreateLivePullToPushRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = CreateLivePullToPushRequest {
    ///     region: Some("cn-shanghai".into()),
    ///     start_time: Some("2030-01-01T12:00:00Z".into()),
    ///     end_time: Some("2030-01-01T10:00:00Z".into()),
    ///     source_type: Some("url".into()),
    ///     source_urls: Some(vec!["https://cdn.example.com/a.mp4".into()]),
    ///     dst_url: Some("rtmp://push.example.com/live/a".into()),
    ///     ..Default::default()
    /// };
    /// let err = engine
    ///     .create_live_pull_to_push(&"1001".try_into().unwrap(), &req, "2030-01-01T00:00:00Z".parse().unwrap())
    ///     .unwrap_err();
    /// assert_eq!((err.code(), err.http_status()), ("InvalidParam.CodeIllegalDuration", 400));
    /// ```
    pub fn create_live_pull_to_push(
        &mut self,
        account: &AccountId,
        req: &CreateLivePullToPushRequest,
        now: DateTime<Utc>,
    ) -> Result<CreateTaskResponse, Rejection> {
        self.run(
            now,
            |engine| {
                let spec = req.validate_with(now, engine.config.strict)?;
                engine
                    .config
                    .task_limits
                    .window_check(spec.start, spec.end)?;
                engine.check_live_access(account)?;
                let seq = engine.state.tasks_created();
                let (state, limits, strict, ids) = (
                    &engine.state,
                    &engine.config.task_limits,
                    engine.config.strict,
                    &mut engine.ids,
                );
                let event = state.read(account, |a| {
                    a.tasks.plan_create(spec, limits, strict, || {
                        Ok((Self::new_id(ids.as_mut(), IdKind::Task, seq)?, seq))
                    })
                })?;
                let task_id = event.task_id().clone();
                engine.commit(account, Change::PullToPush(event), now, None)?;
                Ok(task_id)
            },
            |task_id, request_id| CreateTaskResponse::ok(request_id, task_id),
        )
    }

    /// UpdateLivePullToPush: changes the given fields, as far as the task's state allows
    /// (before the start: all, Region too; running or retrying: CallbackUrl and
    /// RepeatNumber; stopped: all but Region).
    ///
    /// Errors: MissingParameter, InvalidParameter, InvalidParam.CodeIllegalDuration,
    /// LiveServiceNotFound, CodeInvalidAliUid, CodeTaskNotExist, CodeTaskHasStarted.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::UpdateLivePullToPushRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = UpdateLivePullToPushRequest {
    ///     task_id: Some("nope".into()), region: Some("cn-beijing".into()), ..Default::default()
    /// };
    /// let err = engine
    ///     .update_live_pull_to_push(&"1001".try_into().unwrap(), &req, "2030-01-01T00:00:00Z".parse().unwrap())
    ///     .unwrap_err();
    /// assert_eq!((err.code(), err.http_status()), ("CodeTaskNotExist", 400));
    /// ```
    pub fn update_live_pull_to_push(
        &mut self,
        account: &AccountId,
        req: &UpdateLivePullToPushRequest,
        now: DateTime<Utc>,
    ) -> Result<RetResponse, Rejection> {
        self.run(
            now,
            |engine| {
                let u = req.validate_with(now, engine.config.strict)?;
                engine.change_task(account, now, |store, config| {
                    store
                        .plan_update(u, &config.task_limits, config.strict, now)
                        .map(Some)
                })
            },
            |(), request_id| RetResponse::ok(request_id),
        )
    }

    /// DeleteLivePullToPush: the task exits at once (TriggerByUser) and can never run again;
    /// it stays describable for the configured retention.
    ///
    /// Errors: MissingParameter, InvalidParameter, LiveServiceNotFound, CodeInvalidAliUid,
    /// CodeTaskNotExist.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::DeleteLivePullToPushRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = DeleteLivePullToPushRequest { task_id: Some("t1".into()), region: None };
    /// let err = engine
    ///     .delete_live_pull_to_push(&"1001".try_into().unwrap(), &req, "2030-01-01T00:00:00Z".parse().unwrap())
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "MissingParameter");
    /// ```
    pub fn delete_live_pull_to_push(
        &mut self,
        account: &AccountId,
        req: &DeleteLivePullToPushRequest,
        now: DateTime<Utc>,
    ) -> Result<RetResponse, Rejection> {
        self.run(
            now,
            |engine| {
                let r = req.validate_with(engine.config.strict)?;
                engine.change_task(account, now, |store, _| store.plan_delete(r).map(Some))
            },
            |(), request_id| RetResponse::ok(request_id),
        )
    }

    /// DescribeLivePullToPush: one task, its state and its configuration.
    ///
    /// Errors: MissingParameter, InvalidParameter, LiveServiceNotFound, CodeInvalidAliUid,
    /// CodeTaskNotExist.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::DescribeLivePullToPushRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = DescribeLivePullToPushRequest {
    ///     task_id: Some("t1".into()), region: Some("cn-beijing".into()),
    /// };
    /// let err = engine
    ///     .describe_live_pull_to_push(&"1001".try_into().unwrap(), &req, "2030-01-01T00:00:00Z".parse().unwrap())
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "CodeTaskNotExist");
    /// ```
    pub fn describe_live_pull_to_push(
        &mut self,
        account: &AccountId,
        req: &DescribeLivePullToPushRequest,
        now: DateTime<Utc>,
    ) -> Result<DescribeTaskResponse, Rejection> {
        self.run(
            now,
            |engine| {
                let r = req.validate_with(engine.config.strict)?;
                engine.read_tasks(account, |store, _| store.describe(&r))
            },
            |task, request_id| DescribeTaskResponse {
                request_id,
                ret_code: 0,
                description: "OK".to_owned(),
                task,
            },
        )
    }

    /// DescribeLivePullToPushList: the account's tasks in one region, newest first, filtered
    /// by parts of the task id, task name or destination URL, and paged.
    ///
    /// Errors: MissingParameter, InvalidParameter, LiveServiceNotFound, CodeInvalidAliUid.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::DescribeLivePullToPushListRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = DescribeLivePullToPushListRequest { region: Some("cn-beijing".into()), ..Default::default() };
    /// let list = engine
    ///     .describe_live_pull_to_push_list(&"1001".try_into().unwrap(), &req, "2030-01-01T00:00:00Z".parse().unwrap())
    ///     .unwrap();
    /// assert_eq!((list.total, list.page_number, list.page_size), (0, 1, 10));
    /// ```
    pub fn describe_live_pull_to_push_list(
        &mut self,
        account: &AccountId,
        req: &DescribeLivePullToPushListRequest,
        now: DateTime<Utc>,
    ) -> Result<DescribeTaskListResponse, Rejection> {
        self.run(
            now,
            |engine| {
                let q = req.validate_with(engine.config.strict)?;
                let (total, task_list) =
                    engine.read_tasks(account, |store, _| Ok(store.list(&q)))?;
                Ok((q.page, total, task_list))
            },
            |(page, total, task_list), request_id| DescribeTaskListResponse {
                request_id,
                total,
                page_number: page.number(),
                page_size: page.size(),
                task_list,
            },
        )
    }

    /// StopLivePullToPush: a running or retrying task stops (Offline). On a task that has
    /// not started it succeeds and changes nothing (documented "no effect").
    ///
    /// Errors: MissingParameter, InvalidParameter, LiveServiceNotFound, CodeInvalidAliUid,
    /// CodeTaskNotExist, CodeTaskHasStopped.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::StopLivePullToPushRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = StopLivePullToPushRequest { task_id: Some("t1".into()), region: Some("preregion".into()) };
    /// let err = engine
    ///     .stop_live_pull_to_push(&"1001".try_into().unwrap(), &req, "2030-01-01T00:00:00Z".parse().unwrap())
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "InvalidParameter"); // not a region
    /// ```
    pub fn stop_live_pull_to_push(
        &mut self,
        account: &AccountId,
        req: &StopLivePullToPushRequest,
        now: DateTime<Utc>,
    ) -> Result<TaskIdResponse, Rejection> {
        self.change_named_task(
            account,
            |strict| req.validate_with(strict),
            now,
            TaskStore::plan_stop,
        )
    }

    /// RestartLivePullToPush: a running, retrying or stopped task runs again with its latest
    /// configuration, from the configured start of its playlist. Before StartTime it
    /// succeeds and changes nothing (documented "no effect").
    ///
    /// Errors: MissingParameter, InvalidParameter, LiveServiceNotFound, CodeInvalidAliUid,
    /// CodeTaskNotExist.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::RestartLivePullToPushRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = RestartLivePullToPushRequest { task_id: Some("t1".into()), region: Some("cn-beijing".into()) };
    /// let err = engine
    ///     .restart_live_pull_to_push(&"1001".try_into().unwrap(), &req, "2030-01-01T00:00:00Z".parse().unwrap())
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "CodeTaskNotExist");
    /// ```
    pub fn restart_live_pull_to_push(
        &mut self,
        account: &AccountId,
        req: &RestartLivePullToPushRequest,
        now: DateTime<Utc>,
    ) -> Result<TaskIdResponse, Rejection> {
        self.change_named_task(
            account,
            |strict| req.validate_with(strict),
            now,
            TaskStore::plan_restart,
        )
    }

    /// Takes a report from the part of the embedder that really pulls and pushes: a stream
    /// failed, recovered, or a playlist progressed. Whatever fell due up to `now` happens
    /// first. A report that does not apply is refused and changes nothing.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::*};
    /// let mut engine = Engine::new(Config::default());
    /// let account = "1001".try_into().unwrap();
    /// let err = engine.report_stream(&account, &"nope".try_into().unwrap(),
    ///     StreamReport::PullFailed, "2030-01-01T00:00:00Z".parse().unwrap()).unwrap_err();
    /// assert_eq!(err, ReportError::UnknownTask);
    /// ```
    pub fn report_stream(
        &mut self,
        account: &AccountId,
        task_id: &TaskId,
        report: StreamReport,
        now: DateTime<Utc>,
    ) -> Result<(), ReportError> {
        self.advance(now);
        let planned = self
            .state
            .read(account, |a| a.tasks.plan_report(task_id, report));
        if let Some(event) = planned? {
            self.commit(account, Change::PullToPush(event), now, None)
                .map_err(ReportError::Internal)?;
        }
        self.advance(now);
        Ok(())
    }
}
