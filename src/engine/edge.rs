//! The nine edge transcoding operations: each validates, checks the account's entitlement,
//! plans its change against the account's jobs, and commits it.

use chrono::{DateTime, Utc};

use super::Engine;
use crate::Config;
use crate::edge::{
    CreateEdgeTranscodeJobRequest, DeleteEdgeTranscodeJobRequest, DeleteResponse, EdgeEvent,
    EdgeStore, GetEdgeTranscodeJobRequest, GetEdgeTranscodeTemplateRequest, GetJobResponse,
    GetTemplateResponse, JobIdResponse, JobList, ListEdgeTranscodeJobRequest,
    ListEdgeTranscodeTemplateRequest, ListJobsResponse, ListTemplatesResponse,
    StartEdgeTranscodeJobRequest, StopEdgeTranscodeJobRequest, TemplateList,
    UpdateEdgeTranscodeJobRequest,
};
use crate::error::{ApiError, Rejection};
use crate::event::Change;
use crate::ids::{AccountId, IdKind, JobId};

impl Engine {
    /// `Forbidden` unless the account may use edge transcoding.
    fn edge_access(&self, account: &AccountId) -> Result<(), ApiError> {
        if self.config.edge_access.allows(account) {
            Ok(())
        } else {
            Err(ApiError::Forbidden {
                service: "edge transcoding",
            })
        }
    }

    /// Reads the account's jobs (none, if the account has none yet) after the entitlement
    /// check.
    fn read_jobs<T>(
        &self,
        account: &AccountId,
        read: impl FnOnce(&EdgeStore) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.edge_access(account)?;
        self.state.read(account, |a| read(&a.edge))
    }

    /// Plans a change to the account's jobs and commits it; answers with the changed job's
    /// id.
    fn change_job(
        &mut self,
        account: &AccountId,
        now: DateTime<Utc>,
        plan: impl FnOnce(&EdgeStore, &Config) -> Result<EdgeEvent, ApiError>,
    ) -> Result<JobId, ApiError> {
        let config = &self.config;
        let event = self.read_jobs(account, |store| plan(store, config))?;
        self.record_job(account, event, now)
    }

    /// Commits a planned change to a job; answers with the job's id.
    fn record_job(
        &mut self,
        account: &AccountId,
        event: EdgeEvent,
        now: DateTime<Utc>,
    ) -> Result<JobId, ApiError> {
        let job_id = match &event {
            EdgeEvent::JobCreated { job, .. } => job.id.clone(),
            EdgeEvent::JobUpdated { job_id, .. }
            | EdgeEvent::JobStarted { job_id, .. }
            | EdgeEvent::JobStopped { job_id, .. }
            | EdgeEvent::JobDeleted { job_id, .. } => job_id.clone(),
        };
        self.commit(account, Change::Edge(event), now, None)?;
        Ok(job_id)
    }

    /// CreateEdgeTranscodeJob: a new job, not started.
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden, TemplateNotFound,
    /// UserQuotaExceed, InternalError (the id generator made a bad or repeated id).
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::CreateEdgeTranscodeJobRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = CreateEdgeTranscodeJobRequest {
    ///     cluster_id: Some("cluster-1".into()),
    ///     name: Some("my_job".into()),
    ///     template_id: Some("no-such-template".into()),
    ///     stream_input: Some("rtmp://mydomain/app/stream1".into()),
    ///     stream_output: Some("rtmp://testdomain/app/stream2".into()),
    /// };
    /// let err = engine
    ///     .create_edge_transcode_job(&"1001".try_into().unwrap(), &req, "2024-01-01T00:00:00Z".parse().unwrap())
    ///     .unwrap_err();
    /// assert_eq!((err.code(), err.http_status()), ("TemplateNotFound", 404));
    /// ```
    pub fn create_edge_transcode_job(
        &mut self,
        account: &AccountId,
        req: &CreateEdgeTranscodeJobRequest,
        now: DateTime<Utc>,
    ) -> Result<JobIdResponse, Rejection> {
        self.run(
            now,
            |engine| {
                let valid = req.validate_with(engine.config.strict)?;
                engine.edge_access(account)?;
                let seq = engine.state.jobs_created();
                let (state, config, ids) = (&engine.state, &engine.config, &mut engine.ids);
                let event = state.read(account, |a| {
                    a.edge
                        .plan_create(valid, &config.templates, config.edge_limits, || {
                            Ok((Self::new_id(ids.as_mut(), IdKind::Job, seq)?, seq))
                        })
                })?;
                engine.record_job(account, event, now)
            },
            |job_id, request_id| JobIdResponse { job_id, request_id },
        )
    }

    /// GetEdgeTranscodeJob: one job of the account in that cluster.
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden, JobNotFound.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::GetEdgeTranscodeJobRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = GetEdgeTranscodeJobRequest { cluster_id: Some("c1".into()), job_id: Some("nope".into()) };
    /// let err = engine.get_edge_transcode_job(&"1001".try_into().unwrap(), &req,
    ///     "2024-01-01T00:00:00Z".parse().unwrap()).unwrap_err();
    /// assert_eq!(err.code(), "JobNotFound");
    /// ```
    pub fn get_edge_transcode_job(
        &mut self,
        account: &AccountId,
        req: &GetEdgeTranscodeJobRequest,
        now: DateTime<Utc>,
    ) -> Result<GetJobResponse, Rejection> {
        self.run(
            now,
            |engine| {
                let key = req.validate_with(engine.config.strict)?;
                engine.read_jobs(account, |store| {
                    store.job(&key).map(|(id, job)| job.view(id))
                })
            },
            |job, request_id| GetJobResponse { job, request_id },
        )
    }

    /// ListEdgeTranscodeJob: the account's jobs in one cluster, filtered, sorted by creation
    /// time and paged; only jobs created or operated within the last 180 days.
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::ListEdgeTranscodeJobRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = ListEdgeTranscodeJobRequest { cluster_id: Some("c1".into()), ..Default::default() };
    /// let list = engine.list_edge_transcode_job(&"1001".try_into().unwrap(), &req,
    ///     "2024-01-01T00:00:00Z".parse().unwrap()).unwrap();
    /// assert_eq!(list.total_count, 0);
    /// ```
    pub fn list_edge_transcode_job(
        &mut self,
        account: &AccountId,
        req: &ListEdgeTranscodeJobRequest,
        now: DateTime<Utc>,
    ) -> Result<ListJobsResponse, Rejection> {
        self.run(
            now,
            |engine| {
                let q = req.validate_with(engine.config.strict)?;
                engine.read_jobs(account, |store| Ok(store.list(&q, now)))
            },
            |(total_count, job), request_id| ListJobsResponse {
                job_list: JobList { job },
                request_id,
                total_count,
            },
        )
    }

    /// UpdateEdgeTranscodeJob: changes the given fields of a job that is not running.
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden, JobNotFound, OperationDenied
    /// (running), TemplateNotFound.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::UpdateEdgeTranscodeJobRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = UpdateEdgeTranscodeJobRequest {
    ///     cluster_id: Some("c1".into()), job_id: Some("j1".into()), name: Some("new name".into()),
    ///     ..Default::default()
    /// };
    /// let err = engine.update_edge_transcode_job(&"1001".try_into().unwrap(), &req,
    ///     "2024-01-01T00:00:00Z".parse().unwrap()).unwrap_err();
    /// assert_eq!(err.code(), "InvalidParameter"); // a space is not allowed in a name
    /// ```
    pub fn update_edge_transcode_job(
        &mut self,
        account: &AccountId,
        req: &UpdateEdgeTranscodeJobRequest,
        now: DateTime<Utc>,
    ) -> Result<JobIdResponse, Rejection> {
        self.run(
            now,
            |engine| {
                let update = req.validate_with(engine.config.strict)?;
                engine.change_job(account, now, |store, config| {
                    store.plan_update(update, &config.templates)
                })
            },
            |job_id, request_id| JobIdResponse { job_id, request_id },
        )
    }

    /// StartEdgeTranscodeJob: a job that is not running starts.
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden, JobNotFound, OperationDenied
    /// (already running), UserTaskExceed.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::StartEdgeTranscodeJobRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = StartEdgeTranscodeJobRequest { cluster_id: Some("c1".into()), job_id: None };
    /// let err = engine.start_edge_transcode_job(&"1001".try_into().unwrap(), &req,
    ///     "2024-01-01T00:00:00Z".parse().unwrap()).unwrap_err();
    /// assert_eq!(err.code(), "MissingParameter");
    /// ```
    pub fn start_edge_transcode_job(
        &mut self,
        account: &AccountId,
        req: &StartEdgeTranscodeJobRequest,
        now: DateTime<Utc>,
    ) -> Result<JobIdResponse, Rejection> {
        self.run(
            now,
            |engine| {
                let key = req.validate_with(engine.config.strict)?;
                engine.change_job(account, now, |store, config| {
                    store.plan_start(&key, config.edge_limits.max_running_jobs)
                })
            },
            |job_id, request_id| JobIdResponse { job_id, request_id },
        )
    }

    /// StopEdgeTranscodeJob: a running job stops (back to not started).
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden, JobNotFound, OperationDenied
    /// (not running).
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::StopEdgeTranscodeJobRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = StopEdgeTranscodeJobRequest { cluster_id: Some("c1".into()), job_id: Some("j1".into()) };
    /// let err = engine.stop_edge_transcode_job(&"1001".try_into().unwrap(), &req,
    ///     "2024-01-01T00:00:00Z".parse().unwrap()).unwrap_err();
    /// assert_eq!(err.http_status(), 404);
    /// ```
    pub fn stop_edge_transcode_job(
        &mut self,
        account: &AccountId,
        req: &StopEdgeTranscodeJobRequest,
        now: DateTime<Utc>,
    ) -> Result<JobIdResponse, Rejection> {
        self.run(
            now,
            |engine| {
                let key = req.validate_with(engine.config.strict)?;
                engine.change_job(account, now, |store, _| store.plan_stop(&key))
            },
            |job_id, request_id| JobIdResponse { job_id, request_id },
        )
    }

    /// DeleteEdgeTranscodeJob: removes a job; a running one stops as it goes (a strict
    /// engine refuses to delete a running job: OperationDenied, stop it first).
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden, JobNotFound, OperationDenied
    /// (strict engine, running).
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::DeleteEdgeTranscodeJobRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = DeleteEdgeTranscodeJobRequest { cluster_id: Some("c1".into()), job_id: Some("j1".into()) };
    /// let err = engine.delete_edge_transcode_job(&"1001".try_into().unwrap(), &req,
    ///     "2024-01-01T00:00:00Z".parse().unwrap()).unwrap_err();
    /// assert_eq!(err.code(), "JobNotFound");
    /// ```
    pub fn delete_edge_transcode_job(
        &mut self,
        account: &AccountId,
        req: &DeleteEdgeTranscodeJobRequest,
        now: DateTime<Utc>,
    ) -> Result<DeleteResponse, Rejection> {
        self.run(
            now,
            |engine| {
                let key = req.validate_with(engine.config.strict)?;
                engine.change_job(account, now, |store, config| {
                    store.plan_delete(&key, config.strict)
                })
            },
            |_, request_id| DeleteResponse { request_id },
        )
    }

    /// GetEdgeTranscodeTemplate: one template of the catalogue.
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden, TemplateNotFound.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::GetEdgeTranscodeTemplateRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = GetEdgeTranscodeTemplateRequest {
    ///     cluster_id: Some("c1".into()),
    ///     template_id: Some("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c08".into()),
    /// };
    /// let t = engine.get_edge_transcode_template(&"1001".try_into().unwrap(), &req,
    ///     "2024-01-01T00:00:00Z".parse().unwrap()).unwrap();
    /// assert_eq!(t.template.resolution, "3840*2160");
    /// ```
    pub fn get_edge_transcode_template(
        &mut self,
        account: &AccountId,
        req: &GetEdgeTranscodeTemplateRequest,
        now: DateTime<Utc>,
    ) -> Result<GetTemplateResponse, Rejection> {
        self.run(
            now,
            |engine| {
                let r = req.validate_with(engine.config.strict)?;
                engine.edge_access(account)?;
                engine
                    .config
                    .templates
                    .get(r.template_id.as_str())
                    .cloned()
                    .ok_or_else(|| ApiError::TemplateNotFound {
                        template_id: r.template_id.to_string(),
                    })
            },
            |template, request_id| GetTemplateResponse {
                request_id,
                template,
            },
        )
    }

    /// ListEdgeTranscodeTemplate: the catalogue, filtered, sorted by creation time and paged.
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::ListEdgeTranscodeTemplateRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = ListEdgeTranscodeTemplateRequest {
    ///     cluster_id: Some("c1".into()), video_codec: Some("H.265".into()), ..Default::default()
    /// };
    /// let list = engine.list_edge_transcode_template(&"1001".try_into().unwrap(), &req,
    ///     "2024-01-01T00:00:00Z".parse().unwrap()).unwrap();
    /// assert!(list.template_list.template.iter().all(|t| t.codec.as_str() == "H.265"));
    /// ```
    pub fn list_edge_transcode_template(
        &mut self,
        account: &AccountId,
        req: &ListEdgeTranscodeTemplateRequest,
        now: DateTime<Utc>,
    ) -> Result<ListTemplatesResponse, Rejection> {
        self.run(
            now,
            |engine| {
                let q = req.validate_with(engine.config.strict)?;
                engine.edge_access(account)?;
                Ok(engine.config.templates.list(&q))
            },
            |(total_count, template), request_id| ListTemplatesResponse {
                request_id,
                template_list: TemplateList { template },
                total_count,
            },
        )
    }
}
