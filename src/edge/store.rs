//! One account's edge transcoding jobs, by cluster, and the changes (events) that move them.
//!
//! Every change goes through [`EdgeStore::apply`]: the live path plans an [`EdgeEvent`]
//! without touching anything, then applies it; a replay applies the same events. So a
//! refused call changes nothing, and a replay reproduces the state exactly.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::job::{Job, JobChanges, NewJob, TemplateChoice};
use super::request::{CreateJob, JobRef, ListJobs, UpdateJob};
use super::response::JobView;
use super::template::TemplateCatalogue;
use super::types::SortOrder;
use crate::Map;
use crate::error::ApiError;
use crate::ids::{ClusterId, JobId};

/// How far back ListEdgeTranscodeJob looks: jobs created or last operated within 180 days.
pub const LIST_WINDOW_DAYS: i64 = 180;

/// The per-account limits of the edge family.
///
/// ```
/// let limits = live_lifecycle::edge::EdgeLimits::default();
/// assert_eq!((limits.max_jobs, limits.max_running_jobs), (500, 50));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdgeLimits {
    /// Jobs an account may hold over all clusters; one more → `UserQuotaExceed` (403).
    pub max_jobs: u32,
    /// Jobs an account may run at once; one more Start → `UserTaskExceed` (400).
    pub max_running_jobs: u32,
}

impl Default for EdgeLimits {
    fn default() -> Self {
        Self {
            max_jobs: 500,
            max_running_jobs: 50,
        }
    }
}

/// A change to one account's edge jobs, as recorded in the event log.
///
/// ```
/// use live_lifecycle::edge::EdgeEvent;
/// let e = EdgeEvent::JobStarted { cluster_id: "c1".try_into().unwrap(), job_id: "j1".try_into().unwrap() };
/// let json = serde_json::to_string(&e).unwrap();
/// assert_eq!(serde_json::from_str::<EdgeEvent>(&json).unwrap(), e);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "Kind")]
pub enum EdgeEvent {
    /// CreateEdgeTranscodeJob succeeded.
    JobCreated {
        /// The cluster.
        cluster_id: ClusterId,
        /// The new job.
        job: NewJob,
    },
    /// UpdateEdgeTranscodeJob succeeded.
    JobUpdated {
        /// The cluster.
        cluster_id: ClusterId,
        /// The job.
        job_id: JobId,
        /// What changed.
        changes: JobChanges,
    },
    /// StartEdgeTranscodeJob succeeded.
    JobStarted {
        /// The cluster.
        cluster_id: ClusterId,
        /// The job.
        job_id: JobId,
    },
    /// StopEdgeTranscodeJob succeeded.
    JobStopped {
        /// The cluster.
        cluster_id: ClusterId,
        /// The job.
        job_id: JobId,
    },
    /// DeleteEdgeTranscodeJob succeeded.
    JobDeleted {
        /// The cluster.
        cluster_id: ClusterId,
        /// The job.
        job_id: JobId,
    },
}

/// One account's jobs, by cluster then id, with the counts the quotas need.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct EdgeStore {
    clusters: Map<ClusterId, Map<JobId, Job>>,
    jobs: u32,
    running: u32,
}

fn template_choice(catalogue: &TemplateCatalogue, id: &str) -> Result<TemplateChoice, ApiError> {
    let t = catalogue
        .get(id)
        .ok_or_else(|| ApiError::TemplateNotFound {
            template_id: id.to_owned(),
        })?;
    Ok(TemplateChoice {
        id: t.template_id.clone(),
        name: t.name.clone(),
        transcode_type: t.transcode_type,
    })
}

fn not_found(cluster_id: &ClusterId, job_id: &JobId) -> ApiError {
    ApiError::JobNotFound {
        cluster_id: cluster_id.to_string(),
        job_id: job_id.to_string(),
    }
}

impl EdgeStore {
    pub(crate) fn job(&self, r: &JobRef) -> Result<&Job, ApiError> {
        self.clusters
            .get(&r.cluster_id)
            .and_then(|jobs| jobs.get(&r.job_id))
            .ok_or_else(|| not_found(&r.cluster_id, &r.job_id))
    }

    fn job_mut(&mut self, cluster_id: &ClusterId, job_id: &JobId) -> Result<&mut Job, ApiError> {
        self.clusters
            .get_mut(cluster_id)
            .and_then(|jobs| jobs.get_mut(job_id))
            .ok_or_else(|| not_found(cluster_id, job_id))
    }

    /// Plans a creation; `new_id` is asked only once every other check has passed, so a
    /// refused call draws no id.
    pub(crate) fn plan_create(
        &self,
        req: CreateJob,
        catalogue: &TemplateCatalogue,
        limits: EdgeLimits,
        new_id: impl FnOnce() -> Result<(JobId, u64), ApiError>,
    ) -> Result<EdgeEvent, ApiError> {
        let template = template_choice(catalogue, req.template_id.as_str())?;
        if self.jobs >= limits.max_jobs {
            return Err(ApiError::UserQuotaExceed {
                limit: limits.max_jobs,
            });
        }
        let (id, seq) = new_id()?;
        if self
            .clusters
            .get(&req.cluster_id)
            .is_some_and(|jobs| jobs.contains_key(&id))
        {
            return Err(ApiError::InternalError {
                detail: format!("the id generator repeated the job id {id}").into(),
            });
        }
        Ok(EdgeEvent::JobCreated {
            cluster_id: req.cluster_id,
            job: NewJob {
                id,
                name: req.name,
                template,
                stream_input: req.stream_input,
                stream_output: req.stream_output,
                seq,
            },
        })
    }

    pub(crate) fn plan_update(
        &self,
        req: UpdateJob,
        catalogue: &TemplateCatalogue,
    ) -> Result<EdgeEvent, ApiError> {
        self.job(&req.job)?.check_update()?;
        let template = req
            .template_id
            .map(|id| template_choice(catalogue, id.as_str()))
            .transpose()?;
        Ok(EdgeEvent::JobUpdated {
            cluster_id: req.job.cluster_id,
            job_id: req.job.job_id,
            changes: JobChanges {
                name: req.name,
                template,
                stream_input: req.stream_input,
                stream_output: req.stream_output,
            },
        })
    }

    pub(crate) fn plan_start(&self, r: JobRef, limits: EdgeLimits) -> Result<EdgeEvent, ApiError> {
        self.job(&r)?.check_start()?;
        if self.running >= limits.max_running_jobs {
            return Err(ApiError::UserTaskExceed {
                limit: limits.max_running_jobs,
            });
        }
        Ok(EdgeEvent::JobStarted {
            cluster_id: r.cluster_id,
            job_id: r.job_id,
        })
    }

    pub(crate) fn plan_stop(&self, r: JobRef) -> Result<EdgeEvent, ApiError> {
        self.job(&r)?.check_stop()?;
        Ok(EdgeEvent::JobStopped {
            cluster_id: r.cluster_id,
            job_id: r.job_id,
        })
    }

    pub(crate) fn plan_delete(&self, r: JobRef) -> Result<EdgeEvent, ApiError> {
        self.job(&r)?.check_delete()?;
        Ok(EdgeEvent::JobDeleted {
            cluster_id: r.cluster_id,
            job_id: r.job_id,
        })
    }

    /// Applies one change, all or nothing: every check runs before anything is written.
    pub(crate) fn apply(&mut self, event: &EdgeEvent, at: DateTime<Utc>) -> Result<(), ApiError> {
        match event {
            EdgeEvent::JobCreated { cluster_id, job } => {
                let jobs = self.clusters.entry(cluster_id.clone()).or_default();
                if jobs.contains_key(&job.id) {
                    return Err(ApiError::InternalError {
                        detail: format!("job {} already exists", job.id).into(),
                    });
                }
                jobs.insert(job.id.clone(), Job::create(job.clone(), at));
                self.jobs = self.jobs.saturating_add(1);
            }
            EdgeEvent::JobUpdated {
                cluster_id,
                job_id,
                changes,
            } => self
                .job_mut(cluster_id, job_id)?
                .update(changes.clone(), at)?,
            EdgeEvent::JobStarted { cluster_id, job_id } => {
                self.job_mut(cluster_id, job_id)?.start(at)?;
                self.running = self.running.saturating_add(1);
            }
            EdgeEvent::JobStopped { cluster_id, job_id } => {
                self.job_mut(cluster_id, job_id)?.stop(at)?;
                self.running = self.running.saturating_sub(1);
            }
            EdgeEvent::JobDeleted { cluster_id, job_id } => {
                self.job_mut(cluster_id, job_id)?.check_delete()?;
                if let Some(jobs) = self.clusters.get_mut(cluster_id) {
                    jobs.remove(job_id);
                    // An emptied cluster goes too, so create-then-delete leaves no trace.
                    if jobs.is_empty() {
                        self.clusters.remove(cluster_id);
                    }
                }
                self.jobs = self.jobs.saturating_sub(1);
            }
        }
        Ok(())
    }

    /// The matching jobs of one cluster (count of all matches, and the requested page).
    pub(crate) fn list(&self, q: &ListJobs, now: DateTime<Utc>) -> (u64, Vec<JobView>) {
        let Some(jobs) = self.clusters.get(&q.cluster_id) else {
            return (0, Vec::new());
        };
        let horizon = crate::time::saturating_sub(now, Duration::days(LIST_WINDOW_DAYS));
        let mut hits: Vec<&Job> = jobs
            .values()
            .filter(|j| j.last_operated_at() >= horizon)
            .filter(|j| q.status.is_none_or(|s| j.status() == s))
            .filter(|j| q.transcode_type.is_none_or(|t| j.transcode_type() == t))
            .filter(|j| {
                q.keyword
                    .as_ref()
                    .is_none_or(|k| k.matches(j.id().as_str(), j.name().as_str()))
            })
            .collect();
        hits.sort_unstable_by_key(|j| (j.created_at(), j.seq()));
        if q.sort == SortOrder::Desc {
            hits.reverse();
        }
        let total = hits.len();
        let page = hits
            .get(q.page.range(total))
            .unwrap_or_default()
            .iter()
            .map(|j| j.view())
            .collect();
        (total as u64, page)
    }

    /// Whether the counters agree with the stored jobs (used by tests).
    pub(crate) fn counts_hold(&self) -> bool {
        let jobs = self.clusters.values().map(Map::len).sum::<usize>();
        let running = self
            .clusters
            .values()
            .flat_map(Map::values)
            .filter(|j| j.status() == super::types::JobStatus::Running)
            .count();
        jobs == self.jobs as usize && running == self.running as usize
    }
}
