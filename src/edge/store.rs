//! One account's edge transcoding jobs, by id with their clusters, and the changes (events)
//! that move them.
//!
//! Each call is planned against the store without writing (`plan_*`), as the [`EdgeEvent`]
//! it would make; the engine then applies that event through [`EdgeStore::apply`], the one
//! method that writes, as a replay does. So a refused call changes nothing, and a replay
//! reproduces the state exactly.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use std::cmp::Reverse;
use std::collections::BTreeMap;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize};

use super::job::{Job, JobChanges, NewJob, TemplateChoice};
use super::request::{CreateJob, JobRef, ListJobs, UpdateJob};
use super::response::JobView;
use super::template::TemplateCatalogue;
use super::types::{JobStatus, Page, SortOrder};
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
        /// The new job (boxed, as the update's changes are: the largest variants).
        job: Box<NewJob>,
    },
    /// UpdateEdgeTranscodeJob succeeded.
    JobUpdated {
        /// The cluster.
        cluster_id: ClusterId,
        /// The job.
        job_id: JobId,
        /// What changed.
        changes: Box<JobChanges>,
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

/// A job and the cluster it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Placed {
    cluster: ClusterId,
    job: Job,
}

impl Placed {
    /// Whether the job is in `cluster`: a job named in another cluster is not found, and a
    /// list of one cluster shows only its jobs.
    fn is_in(&self, cluster: &ClusterId) -> bool {
        &self.cluster == cluster
    }
}

/// One account's jobs by id, each with its cluster, and the counts the quotas need. A job
/// id is unique in its account (the engine draws each one anew), so a job is found by its
/// id and then checked to be in the cluster the call names.
///
/// Serialized by cluster, as `{"clusters":{cluster:{job id:job}},"jobs":n,"running":n}`,
/// clusters and jobs sorted by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "StoreData")]
pub(crate) struct EdgeStore {
    jobs_by_id: Map<JobId, Placed>,
    jobs: u32,
    running: u32,
}

/// The stored form of an [`EdgeStore`].
#[derive(Deserialize)]
struct StoreData {
    clusters: Map<ClusterId, Map<JobId, Job>>,
    jobs: u32,
    running: u32,
}

impl TryFrom<StoreData> for EdgeStore {
    type Error = String;
    fn try_from(data: StoreData) -> Result<Self, String> {
        let mut jobs_by_id = Map::default();
        for (cluster, jobs) in data.clusters {
            for (id, job) in jobs {
                let placed = Placed {
                    cluster: cluster.clone(),
                    job,
                };
                if jobs_by_id.insert(id.clone(), placed).is_some() {
                    return Err(format!("job {id} is stored twice in one account"));
                }
            }
        }
        Ok(Self {
            jobs_by_id,
            jobs: data.jobs,
            running: data.running,
        })
    }
}

impl Serialize for EdgeStore {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut clusters: BTreeMap<&ClusterId, BTreeMap<&JobId, &Job>> = BTreeMap::new();
        for (id, placed) in &self.jobs_by_id {
            clusters
                .entry(&placed.cluster)
                .or_default()
                .insert(id, &placed.job);
        }
        let mut out = s.serialize_struct("EdgeStore", 3)?;
        out.serialize_field("clusters", &clusters)?;
        out.serialize_field("jobs", &self.jobs)?;
        out.serialize_field("running", &self.running)?;
        out.end()
    }
}

/// How many items there are, and this page of them in the order of their keys.
fn pick<K: Ord, T>(page: &Page, keyed: impl Iterator<Item = (K, T)>) -> (usize, Vec<T>) {
    let keyed: Vec<(K, T)> = keyed.collect();
    (keyed.len(), page.pick(keyed))
}

fn template_choice(
    catalogue: &TemplateCatalogue,
    id: &str,
) -> Result<Arc<TemplateChoice>, ApiError> {
    catalogue
        .choice(id)
        .cloned()
        .ok_or_else(|| ApiError::TemplateNotFound {
            template_id: id.to_owned(),
        })
}

impl EdgeStore {
    /// The job and the id it is stored under; a job in another cluster is not found.
    pub(crate) fn job(&self, key: &JobRef) -> Result<(&JobId, &Job), ApiError> {
        self.placed(key).map(|(id, placed)| (id, &placed.job))
    }

    /// The stored id and the placed job `key` names.
    fn placed(&self, key: &JobRef) -> Result<(&JobId, &Placed), ApiError> {
        self.jobs_by_id
            .get_key_value(&key.job_id)
            .filter(|(_, placed)| placed.is_in(&key.cluster_id))
            .ok_or_else(|| key.not_found())
    }

    /// The job an event names, to change.
    fn job_mut(&mut self, cluster_id: &ClusterId, job_id: &JobId) -> Result<&mut Job, ApiError> {
        match self.jobs_by_id.get_mut(job_id) {
            Some(placed) if placed.is_in(cluster_id) => Ok(&mut placed.job),
            _ => Err(ApiError::JobNotFound {
                cluster_id: cluster_id.to_string(),
                job_id: job_id.to_string(),
            }),
        }
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
        if self.jobs_by_id.contains_key(&id) {
            return Err(ApiError::InternalError {
                detail: format!("the id generator repeated the job id {id}").into(),
            });
        }
        Ok(EdgeEvent::JobCreated {
            cluster_id: req.cluster_id,
            job: Box::new(NewJob {
                id,
                name: req.name,
                template,
                stream_input: req.stream_input,
                stream_output: req.stream_output,
                seq,
            }),
        })
    }

    /// The job `key` names as the store holds its ids: an event names a job by these, so
    /// that it shares the stored text.
    fn stored(&self, key: &JobRef) -> Result<(JobRef, &Job), ApiError> {
        let (id, placed) = self.placed(key)?;
        let stored = JobRef {
            cluster_id: placed.cluster.clone(),
            job_id: id.clone(),
        };
        Ok((stored, &placed.job))
    }

    /// Plans UpdateEdgeTranscodeJob: the job's state, then the template.
    pub(crate) fn plan_update(
        &self,
        req: UpdateJob,
        catalogue: &TemplateCatalogue,
    ) -> Result<EdgeEvent, ApiError> {
        let (key, job) = self.stored(&req.job)?;
        job.check_update()?;
        let template = req
            .template_id
            .map(|id| template_choice(catalogue, id.as_str()))
            .transpose()?;
        Ok(EdgeEvent::JobUpdated {
            cluster_id: key.cluster_id,
            job_id: key.job_id,
            changes: Box::new(JobChanges {
                name: req.name,
                template,
                stream_input: req.stream_input,
                stream_output: req.stream_output,
            }),
        })
    }

    /// Plans StartEdgeTranscodeJob: the job must not be running, and fewer than
    /// `max_running` of the account's jobs may be.
    pub(crate) fn plan_start(&self, key: &JobRef, max_running: u32) -> Result<EdgeEvent, ApiError> {
        let (key, job) = self.stored(key)?;
        job.check_start()?;
        if self.running >= max_running {
            return Err(ApiError::UserTaskExceed { limit: max_running });
        }
        Ok(EdgeEvent::JobStarted {
            cluster_id: key.cluster_id,
            job_id: key.job_id,
        })
    }

    /// Plans StopEdgeTranscodeJob: the job must be running.
    pub(crate) fn plan_stop(&self, key: &JobRef) -> Result<EdgeEvent, ApiError> {
        let (key, job) = self.stored(key)?;
        job.check_stop()?;
        Ok(EdgeEvent::JobStopped {
            cluster_id: key.cluster_id,
            job_id: key.job_id,
        })
    }

    /// Plans DeleteEdgeTranscodeJob. The docs do not say whether a running job may be
    /// deleted: a default engine deletes it (it stops as it goes, as a pull-to-push task
    /// does); a strict one asks that it be stopped first.
    pub(crate) fn plan_delete(&self, key: &JobRef, strict: bool) -> Result<EdgeEvent, ApiError> {
        let (key, job) = self.stored(key)?;
        if strict {
            job.check_delete()?;
        }
        Ok(EdgeEvent::JobDeleted {
            cluster_id: key.cluster_id,
            job_id: key.job_id,
        })
    }

    /// Applies one change, all or nothing: each transition checks before it writes. Quotas
    /// are not checked again: they held when the change was planned. Create-then-delete
    /// leaves no trace (a cluster is only a field of its jobs).
    pub(crate) fn apply(&mut self, event: &EdgeEvent, at: DateTime<Utc>) -> Result<(), ApiError> {
        match event {
            EdgeEvent::JobCreated { cluster_id, job } => {
                if self.jobs_by_id.contains_key(&job.id) {
                    return Err(ApiError::InternalError {
                        detail: format!("job {} already exists", job.id).into(),
                    });
                }
                let placed = Placed {
                    cluster: cluster_id.clone(),
                    job: Job::create(NewJob::clone(job), at),
                };
                self.jobs_by_id.insert(job.id.clone(), placed);
                self.jobs = self.jobs.saturating_add(1);
            }
            EdgeEvent::JobUpdated {
                cluster_id,
                job_id,
                changes,
            } => self
                .job_mut(cluster_id, job_id)?
                .update(JobChanges::clone(changes), at)?,
            EdgeEvent::JobStarted { cluster_id, job_id } => {
                self.job_mut(cluster_id, job_id)?.start(at)?;
                self.running = self.running.saturating_add(1);
            }
            EdgeEvent::JobStopped { cluster_id, job_id } => {
                self.job_mut(cluster_id, job_id)?.stop(at)?;
                self.running = self.running.saturating_sub(1);
            }
            EdgeEvent::JobDeleted { cluster_id, job_id } => {
                let running = self.job_mut(cluster_id, job_id)?.status() == JobStatus::Running;
                self.jobs_by_id.remove(job_id);
                self.jobs = self.jobs.saturating_sub(1);
                if running {
                    self.running = self.running.saturating_sub(1);
                }
            }
        }
        Ok(())
    }

    /// Points every job at the catalogue's shared template choices (after a restore).
    pub(crate) fn share_templates(&mut self, catalogue: &TemplateCatalogue) {
        self.jobs_by_id
            .values_mut()
            .for_each(|placed| placed.job.share_template(catalogue));
    }

    /// The matching jobs of one cluster (count of all matches, and the requested page) in
    /// creation order.
    pub(crate) fn list(&self, q: &ListJobs, now: DateTime<Utc>) -> (u64, Vec<JobView>) {
        let horizon = crate::time::saturating_sub(now, Duration::days(LIST_WINDOW_DAYS));
        let matches = |&(id, j): &(&JobId, &Job)| {
            j.last_operated_at() >= horizon
                && q.status.is_none_or(|s| j.status() == s)
                && q.transcode_type.is_none_or(|t| j.transcode_type() == t)
                && q.keyword
                    .as_ref()
                    .is_none_or(|k| k.matches(id.as_str(), j.name().as_str()))
        };
        let hits = self
            .jobs_by_id
            .iter()
            .filter(|(_, placed)| placed.is_in(&q.cluster_id))
            .map(|(id, placed)| (id, &placed.job))
            .filter(matches);
        let (total, page) = match q.sort {
            SortOrder::Asc => pick(&q.page, hits.map(|hit| (hit.1.order_key(), hit))),
            SortOrder::Desc => pick(&q.page, hits.map(|hit| (Reverse(hit.1.order_key()), hit))),
        };
        let views = page.into_iter().map(|(id, job)| job.view(id)).collect();
        (total as u64, views)
    }

    /// Whether the counters agree with the stored jobs (used by tests).
    pub(crate) fn counts_hold(&self) -> bool {
        let jobs = self.jobs_by_id.len();
        let running = self
            .jobs_by_id
            .values()
            .filter(|placed| placed.job.status() == JobStatus::Running)
            .count();
        jobs == self.jobs as usize && running == self.running as usize
    }
}
