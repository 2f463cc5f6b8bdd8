//! One account's edge transcoding jobs, by cluster, and the changes (events) that move them.
//!
//! Each change finds its job once, runs every check, and only then writes and returns the
//! [`EdgeEvent`] it made; a replay applies the same events through the same methods. So a
//! refused call changes nothing, and a replay reproduces the state exactly.

use std::cmp::Reverse;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize};

use super::job::{Job, JobChanges, NewJob, TemplateChoice};
use super::request::{CreateJob, JobKey, ListJobs, UpdateJob};
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
        /// The new job (boxed, as the larger changes are, so that an event of the small
        /// ones, Start and Stop, does not take the size of the largest: 80 bytes, not 216).
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

/// One cluster's jobs by id, with the cluster's own id (which events share).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cluster {
    id: ClusterId,
    jobs: Map<JobId, Job>,
}

impl Cluster {
    fn new(id: ClusterId) -> Self {
        Self {
            id,
            jobs: Map::default(),
        }
    }

    fn insert(&mut self, job: Job) {
        self.jobs.insert(job.id().clone(), job);
    }
}

impl EdgeEvent {
    /// The job the change is about.
    pub(crate) fn job_id(&self) -> &JobId {
        match self {
            Self::JobCreated { job, .. } => &job.id,
            Self::JobUpdated { job_id, .. }
            | Self::JobStarted { job_id, .. }
            | Self::JobStopped { job_id, .. }
            | Self::JobDeleted { job_id, .. } => job_id,
        }
    }
}

/// One account's jobs, by cluster then id, with the counts the quotas need.
///
/// Serialized as `{"clusters":{cluster:{job id:job}},"jobs":n,"running":n}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "StoreData")]
pub(crate) struct EdgeStore {
    clusters: Map<ClusterId, Cluster>,
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

impl From<StoreData> for EdgeStore {
    fn from(data: StoreData) -> Self {
        let clusters = data
            .clusters
            .into_iter()
            .map(|(id, jobs)| {
                let mut cluster = Cluster::new(id.clone());
                jobs.into_values().for_each(|job| cluster.insert(job));
                (id, cluster)
            })
            .collect();
        Self {
            clusters,
            jobs: data.jobs,
            running: data.running,
        }
    }
}

impl Serialize for EdgeStore {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        /// The clusters as a map of job maps, borrowed (a snapshot copies nothing).
        struct Clusters<'a>(&'a Map<ClusterId, Cluster>);
        impl Serialize for Clusters<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_map(self.0.iter().map(|(id, c)| (id, &c.jobs)))
            }
        }
        let mut out = s.serialize_struct("EdgeStore", 3)?;
        out.serialize_field("clusters", &Clusters(&self.clusters))?;
        out.serialize_field("jobs", &self.jobs)?;
        out.serialize_field("running", &self.running)?;
        out.end()
    }
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

/// The key of a job an event names.
fn key_of<'a>(cluster_id: &'a ClusterId, job_id: &'a JobId) -> JobKey<'a> {
    JobKey {
        cluster_id: cluster_id.as_str(),
        job_id: job_id.as_str(),
    }
}

impl EdgeStore {
    pub(crate) fn job(&self, key: JobKey<'_>) -> Result<&Job, ApiError> {
        self.clusters
            .get(key.cluster_id)
            .and_then(|c| c.jobs.get(key.job_id))
            .ok_or_else(|| key.not_found())
    }

    /// The job's cluster, to change in place; no such cluster is no such job.
    fn cluster_mut(&mut self, key: JobKey<'_>) -> Result<&mut Cluster, ApiError> {
        self.clusters
            .get_mut(key.cluster_id)
            .ok_or_else(|| key.not_found())
    }

    /// The job and its cluster's id, to change in place: one lookup serves the checks and
    /// the write. Start and Stop take the event's job id from the key's text, equal to the
    /// stored id since it found it: reading the stored one would touch one more cache line
    /// of the job, a miss apiece among a million.
    fn find_mut(&mut self, key: JobKey<'_>) -> Result<(&ClusterId, &mut Job), ApiError> {
        let cluster = self.cluster_mut(key)?;
        let job = cluster
            .jobs
            .get_mut(key.job_id)
            .ok_or_else(|| key.not_found())?;
        Ok((&cluster.id, job))
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
            .is_some_and(|c| c.jobs.contains_key(&id))
        {
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

    /// UpdateEdgeTranscodeJob: every check (state, then template) runs before the write.
    pub(crate) fn update(
        &mut self,
        req: UpdateJob,
        catalogue: &TemplateCatalogue,
        at: DateTime<Utc>,
    ) -> Result<EdgeEvent, ApiError> {
        let (cluster_id, job) = self.find_mut(req.job.key())?;
        job.check_update()?;
        let template = req
            .template_id
            .map(|id| template_choice(catalogue, id.as_str()))
            .transpose()?;
        let changes = JobChanges {
            name: req.name,
            template,
            stream_input: req.stream_input,
            stream_output: req.stream_output,
        };
        job.update(changes.clone(), at)?;
        Ok(EdgeEvent::JobUpdated {
            cluster_id: cluster_id.clone(),
            job_id: job.id().clone(),
            changes: Box::new(changes),
        })
    }

    /// StartEdgeTranscodeJob: the job must not be running, and fewer than `max_running` of
    /// the account's jobs may be.
    pub(crate) fn start(
        &mut self,
        key: JobKey<'_>,
        max_running: u32,
        at: DateTime<Utc>,
    ) -> Result<EdgeEvent, ApiError> {
        let running = self.running;
        let (cluster_id, job) = self.find_mut(key)?;
        job.check_start()?;
        if running >= max_running {
            return Err(ApiError::UserTaskExceed { limit: max_running });
        }
        job.start(at)?;
        let event = EdgeEvent::JobStarted {
            cluster_id: cluster_id.clone(),
            job_id: JobId::known(key.job_id),
        };
        self.running = running.saturating_add(1);
        Ok(event)
    }

    /// StopEdgeTranscodeJob: the job must be running.
    pub(crate) fn stop(
        &mut self,
        key: JobKey<'_>,
        at: DateTime<Utc>,
    ) -> Result<EdgeEvent, ApiError> {
        let (cluster_id, job) = self.find_mut(key)?;
        job.stop(at)?;
        let event = EdgeEvent::JobStopped {
            cluster_id: cluster_id.clone(),
            job_id: JobId::known(key.job_id),
        };
        self.running = self.running.saturating_sub(1);
        Ok(event)
    }

    /// DeleteEdgeTranscodeJob: the job must not be running. An emptied cluster goes too, so
    /// create-then-delete leaves no trace.
    pub(crate) fn delete(&mut self, key: JobKey<'_>) -> Result<EdgeEvent, ApiError> {
        let cluster = self.cluster_mut(key)?;
        let job = cluster
            .jobs
            .get(key.job_id)
            .ok_or_else(|| key.not_found())?;
        job.check_delete()?;
        let event = EdgeEvent::JobDeleted {
            cluster_id: cluster.id.clone(),
            job_id: job.id().clone(),
        };
        cluster.jobs.remove(key.job_id);
        if cluster.jobs.is_empty() {
            self.clusters.remove(key.cluster_id);
        }
        self.jobs = self.jobs.saturating_sub(1);
        Ok(event)
    }

    /// Applies one recorded change (a replay, or a creation), all or nothing: every check
    /// runs before anything is written. Quotas are not checked again: they held when the
    /// change was first made.
    pub(crate) fn apply(&mut self, event: &EdgeEvent, at: DateTime<Utc>) -> Result<(), ApiError> {
        match event {
            EdgeEvent::JobCreated { cluster_id, job } => {
                if self
                    .clusters
                    .get(cluster_id)
                    .is_some_and(|c| c.jobs.contains_key(&job.id))
                {
                    return Err(ApiError::InternalError {
                        detail: format!("job {} already exists", job.id).into(),
                    });
                }
                self.clusters
                    .entry(cluster_id.clone())
                    .or_insert_with(|| Cluster::new(cluster_id.clone()))
                    .insert(Job::create(NewJob::clone(job), at));
                self.jobs = self.jobs.saturating_add(1);
            }
            EdgeEvent::JobUpdated {
                cluster_id,
                job_id,
                changes,
            } => self
                .find_mut(key_of(cluster_id, job_id))?
                .1
                .update(JobChanges::clone(changes), at)?,
            EdgeEvent::JobStarted { cluster_id, job_id } => {
                self.start(key_of(cluster_id, job_id), u32::MAX, at)?;
            }
            EdgeEvent::JobStopped { cluster_id, job_id } => {
                self.stop(key_of(cluster_id, job_id), at)?;
            }
            EdgeEvent::JobDeleted { cluster_id, job_id } => {
                self.delete(key_of(cluster_id, job_id))?;
            }
        }
        Ok(())
    }

    /// Points every job at the catalogue's shared template choices (after a restore).
    pub(crate) fn share_templates(&mut self, catalogue: &TemplateCatalogue) {
        self.clusters
            .values_mut()
            .flat_map(|c| c.jobs.values_mut())
            .for_each(|job| job.share_template(catalogue));
    }

    /// The matching jobs of one cluster (count of all matches, and the requested page) in
    /// creation order: only the matches that can be on the page are sorted, so every page
    /// costs the same (see [`Page::pick`](super::types::Page)).
    pub(crate) fn list(&self, q: &ListJobs, now: DateTime<Utc>) -> (u64, Vec<JobView>) {
        let Some(cluster) = self.clusters.get(&q.cluster_id) else {
            return (0, Vec::new());
        };
        let horizon = crate::time::saturating_sub(now, Duration::days(LIST_WINDOW_DAYS));
        let matches = |j: &&Job| {
            j.last_operated_at() >= horizon
                && q.status.is_none_or(|s| j.status() == s)
                && q.transcode_type.is_none_or(|t| j.transcode_type() == t)
                && q.keyword
                    .as_ref()
                    .is_none_or(|k| k.matches(j.id().as_str(), j.name().as_str()))
        };
        let hits: Vec<&Job> = cluster.jobs.values().filter(matches).collect();
        let key = |j: &&Job| (j.created_at(), j.seq());
        let page = match q.sort {
            SortOrder::Asc => q.page.pick(&hits, key),
            SortOrder::Desc => q.page.pick(&hits, |j| Reverse(key(j))),
        };
        let views = page.into_iter().map(Job::view).collect();
        (hits.len() as u64, views)
    }

    /// Whether the counters agree with the stored jobs (used by tests).
    pub(crate) fn counts_hold(&self) -> bool {
        let jobs = self.clusters.values().map(|c| c.jobs.len()).sum::<usize>();
        let running = self
            .clusters
            .values()
            .flat_map(|c| c.jobs.values())
            .filter(|j| j.status() == super::types::JobStatus::Running)
            .count();
        jobs == self.jobs as usize && running == self.running as usize
    }
}
