//! One edge transcoding job and its lifecycle.
//!
//! ```text
//!            CreateEdgeTranscodeJob
//!                     │
//!                     ▼
//!   ┌──────────── NotStarted "0" ◀──────────┐
//!   │  Update,        │                     │
//!   │  Delete ──▶ (gone)                    │
//!   └────────────────▶│ StartEdgeTranscodeJob│ StopEdgeTranscodeJob
//!                     ▼                     │
//!                 Running "1" ──────────────┘
//!                     │ Delete (a strict engine: OperationDenied)
//!                     ▼
//!                  (gone)
//! ```
//!
//! Start needs NotStarted, Stop needs Running, Update needs NotStarted; every other pair is
//! `OperationDenied` with the reason. Delete takes either state; a strict engine
//! (`Config::strict`) also wants NotStarted, as the docs do not say. The state enum is private: only the
//! methods below move it, each named after the operation that triggers it.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::response::JobView;
use super::types::{JobName, JobStatus, TranscodeType};
use crate::error::ApiError;
use crate::ids::{JobId, TemplateId};
use crate::stream_url::StreamUrl;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum JobState {
    NotStarted,
    Running,
}

/// What a job keeps of its template: the id it names, and the name and type it had when the
/// job last chose it (templates are read-only, so these do not drift).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateChoice {
    /// The template's id.
    pub id: TemplateId,
    /// The template's name.
    pub name: String,
    /// The template's type, which is the job's `Type`.
    pub transcode_type: TranscodeType,
}

/// The fields an update may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobChanges {
    /// A new name.
    pub name: Option<JobName>,
    /// A new template.
    pub template: Option<Arc<TemplateChoice>>,
    /// A new input URL.
    pub stream_input: Option<StreamUrl>,
    /// A new output URL.
    pub stream_output: Option<StreamUrl>,
}

/// A stored job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Job {
    state: JobState,
    /// The last time any call changed the job; List shows only the last 180 days.
    last_operated_at: DateTime<Utc>,
    last_start_at: Option<DateTime<Utc>>,
    last_stop_at: Option<DateTime<Utc>>,
    // No id: the store's key is the job's id.
    name: JobName,
    template: Arc<TemplateChoice>,
    stream_input: StreamUrl,
    stream_output: StreamUrl,
    created_at: DateTime<Utc>,
    /// Creation order, the tie-break when two jobs share a creation second.
    seq: u64,
}

/// The fields of a new job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewJob {
    /// The id the engine gave it.
    pub id: JobId,
    /// Its name.
    pub name: JobName,
    /// Its template.
    pub template: Arc<TemplateChoice>,
    /// Input URL.
    pub stream_input: StreamUrl,
    /// Output URL.
    pub stream_output: StreamUrl,
    /// Creation order within the engine.
    pub seq: u64,
}

impl Job {
    /// A new job starts not running; the store keeps it under `new.id`.
    pub(crate) fn create(new: NewJob, at: DateTime<Utc>) -> Self {
        Self {
            name: new.name,
            template: new.template,
            stream_input: new.stream_input,
            stream_output: new.stream_output,
            created_at: at,
            seq: new.seq,
            last_start_at: None,
            last_stop_at: None,
            last_operated_at: at,
            state: JobState::NotStarted,
        }
    }

    pub(crate) fn status(&self) -> JobStatus {
        match self.state {
            JobState::NotStarted => JobStatus::NotStarted,
            JobState::Running => JobStatus::Running,
        }
    }

    pub(crate) fn name(&self) -> &JobName {
        &self.name
    }

    pub(crate) fn transcode_type(&self) -> TranscodeType {
        self.template.transcode_type
    }

    /// Where the job sorts in a list: by creation time to the second, then creation order.
    pub(crate) fn order_key(&self) -> (i64, u64) {
        (self.created_at.timestamp(), self.seq)
    }

    pub(crate) fn last_operated_at(&self) -> DateTime<Utc> {
        self.last_operated_at
    }

    /// Points the job at the catalogue's shared copy of its template when the two agree: a
    /// restored or replayed job arrives with a copy of its own.
    pub(crate) fn share_template(&mut self, catalogue: &super::template::TemplateCatalogue) {
        if let Some(shared) = catalogue.choice(self.template.id.as_str())
            && **shared == *self.template
        {
            self.template = Arc::clone(shared);
        }
    }

    /// Whether StartEdgeTranscodeJob may run now.
    pub(crate) fn check_start(&self) -> Result<(), ApiError> {
        match self.state {
            JobState::NotStarted => Ok(()),
            JobState::Running => Err(ApiError::denied("The job is already running")),
        }
    }

    pub(crate) fn start(&mut self, at: DateTime<Utc>) -> Result<(), ApiError> {
        self.check_start()?;
        self.state = JobState::Running;
        self.last_start_at = Some(at);
        self.last_operated_at = at;
        Ok(())
    }

    /// Whether StopEdgeTranscodeJob may run now.
    pub(crate) fn check_stop(&self) -> Result<(), ApiError> {
        match self.state {
            JobState::Running => Ok(()),
            JobState::NotStarted => Err(ApiError::denied("The job is not running")),
        }
    }

    pub(crate) fn stop(&mut self, at: DateTime<Utc>) -> Result<(), ApiError> {
        self.check_stop()?;
        self.state = JobState::NotStarted;
        self.last_stop_at = Some(at);
        self.last_operated_at = at;
        Ok(())
    }

    /// Whether UpdateEdgeTranscodeJob may run now.
    pub(crate) fn check_update(&self) -> Result<(), ApiError> {
        match self.state {
            JobState::NotStarted => Ok(()),
            JobState::Running => Err(ApiError::denied(
                "The job is running and can be updated only when not running; stop it first",
            )),
        }
    }

    pub(crate) fn update(
        &mut self,
        changes: JobChanges,
        at: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        self.check_update()?;
        let JobChanges {
            name,
            template,
            stream_input,
            stream_output,
        } = changes;
        if let Some(name) = name {
            self.name = name;
        }
        if let Some(template) = template {
            self.template = template;
        }
        if let Some(url) = stream_input {
            self.stream_input = url;
        }
        if let Some(url) = stream_output {
            self.stream_output = url;
        }
        self.last_operated_at = at;
        Ok(())
    }

    /// Whether a strict engine's DeleteEdgeTranscodeJob may run now: a running job must be
    /// stopped first (a default engine deletes it as it is).
    pub(crate) fn check_delete(&self) -> Result<(), ApiError> {
        match self.state {
            JobState::NotStarted => Ok(()),
            JobState::Running => Err(ApiError::denied(
                "The job is running and cannot be deleted; stop it first",
            )),
        }
    }

    /// The job, stored under `id`, as Get/List show it.
    pub(crate) fn view(&self, id: &JobId) -> JobView {
        JobView {
            create_time: self.created_at,
            job_id: id.clone(),
            last_start_at: self.last_start_at,
            last_stop_at: self.last_stop_at,
            name: self.name.clone(),
            status: self.status(),
            stream_input: self.stream_input.clone(),
            stream_output: self.stream_output.clone(),
            template_id: self.template.id.clone(),
            template_name: self.template.name.clone(),
            transcode_type: self.template.transcode_type,
        }
    }
}
