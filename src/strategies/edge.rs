//! Valid requests of the nine edge transcoding operations, by the README's parameter rules.
//!
//! Template ids are those of the default catalogue, so a valid request never meets
//! `TemplateNotFound` on an engine built with `Config::default()`. Job ids are arbitrary:
//! on a fresh engine they name no job.

use proptest::option;
use proptest::prelude::*;

use super::fields;
use crate::edge::{
    CreateEdgeTranscodeJobRequest, DeleteEdgeTranscodeJobRequest, GetEdgeTranscodeJobRequest,
    GetEdgeTranscodeTemplateRequest, ListEdgeTranscodeJobRequest, ListEdgeTranscodeTemplateRequest,
    StartEdgeTranscodeJobRequest, StopEdgeTranscodeJobRequest, UpdateEdgeTranscodeJobRequest,
};

/// Valid CreateEdgeTranscodeJob requests: every field present and well formed, the template
/// from the default catalogue. On a fresh engine each one succeeds.
///
/// ```
/// use live_lifecycle::strategies::create_edge_transcode_job;
/// use proptest::strategy::{Strategy, ValueTree};
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let req = create_edge_transcode_job().new_tree(&mut runner).unwrap().current();
/// assert!(req.validate().is_ok());
/// ```
pub fn create_edge_transcode_job() -> BoxedStrategy<CreateEdgeTranscodeJobRequest> {
    (
        fields::cluster_id(),
        fields::job_name(),
        fields::template_id(),
        fields::edge_input(),
        fields::edge_output(),
    )
        .prop_map(
            |(cluster_id, name, template_id, input, output)| CreateEdgeTranscodeJobRequest {
                cluster_id: Some(cluster_id),
                name: Some(name),
                template_id: Some(template_id),
                stream_input: Some(input),
                stream_output: Some(output),
            },
        )
        .boxed()
}

macro_rules! job_ref_strategy {
    ($(#[$doc:meta])* $name:ident, $request:ident) => {
        $(#[$doc])*
        ///
        /// ```
        #[doc = concat!("use live_lifecycle::strategies::", stringify!($name), ";")]
        /// use proptest::strategy::{Strategy, ValueTree};
        /// let mut runner = proptest::test_runner::TestRunner::deterministic();
        #[doc = concat!("let req = ", stringify!($name), "().new_tree(&mut runner).unwrap().current();")]
        /// assert!(req.validate().is_ok());
        /// ```
        pub fn $name() -> BoxedStrategy<$request> {
            (fields::cluster_id(), fields::resource_id())
                .prop_map(|(cluster_id, job_id)| $request {
                    cluster_id: Some(cluster_id),
                    job_id: Some(job_id),
                })
                .boxed()
        }
    };
}

job_ref_strategy!(
    /// Valid GetEdgeTranscodeJob requests (an arbitrary job id: `JobNotFound` on a fresh
    /// engine).
    get_edge_transcode_job,
    GetEdgeTranscodeJobRequest
);
job_ref_strategy!(
    /// Valid StartEdgeTranscodeJob requests (an arbitrary job id).
    start_edge_transcode_job,
    StartEdgeTranscodeJobRequest
);
job_ref_strategy!(
    /// Valid StopEdgeTranscodeJob requests (an arbitrary job id).
    stop_edge_transcode_job,
    StopEdgeTranscodeJobRequest
);
job_ref_strategy!(
    /// Valid DeleteEdgeTranscodeJob requests (an arbitrary job id).
    delete_edge_transcode_job,
    DeleteEdgeTranscodeJobRequest
);

/// Valid UpdateEdgeTranscodeJob requests: any of the four fields to change, each absent or
/// well formed (never empty); none at all is valid too.
///
/// ```
/// use live_lifecycle::strategies::update_edge_transcode_job;
/// use proptest::strategy::{Strategy, ValueTree};
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let req = update_edge_transcode_job().new_tree(&mut runner).unwrap().current();
/// assert!(req.validate().is_ok());
/// ```
pub fn update_edge_transcode_job() -> BoxedStrategy<UpdateEdgeTranscodeJobRequest> {
    (
        fields::cluster_id(),
        fields::resource_id(),
        option::of(fields::job_name()),
        option::of(fields::template_id()),
        option::of(fields::edge_input()),
        option::of(fields::edge_output()),
    )
        .prop_map(|(cluster_id, job_id, name, template_id, input, output)| {
            UpdateEdgeTranscodeJobRequest {
                cluster_id: Some(cluster_id),
                job_id: Some(job_id),
                name,
                template_id,
                stream_input: input,
                stream_output: output,
            }
        })
        .boxed()
}

/// Valid ListEdgeTranscodeJob requests: filters, paging and order each absent, empty where
/// empty means "no filter", or in range.
///
/// ```
/// use live_lifecycle::strategies::list_edge_transcode_job;
/// use proptest::strategy::{Strategy, ValueTree};
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let req = list_edge_transcode_job().new_tree(&mut runner).unwrap().current();
/// assert!(req.validate().is_ok());
/// ```
pub fn list_edge_transcode_job() -> BoxedStrategy<ListEdgeTranscodeJobRequest> {
    (
        fields::cluster_id(),
        option::of(fields::keyword()),
        option::of(0..=1i64),
        option::of(fields::transcode_type()),
        option::of(fields::page_number()),
        option::of(fields::page_size()),
        option::of(fields::sort_by()),
    )
        .prop_map(
            |(cluster_id, keyword, status, kind, page_no, page_size, sort_by)| {
                ListEdgeTranscodeJobRequest {
                    cluster_id: Some(cluster_id),
                    keyword,
                    status,
                    transcode_type: kind,
                    page_no,
                    page_size,
                    sort_by,
                }
            },
        )
        .boxed()
}

/// Valid GetEdgeTranscodeTemplate requests, for templates of the default catalogue.
///
/// ```
/// use live_lifecycle::strategies::get_edge_transcode_template;
/// use proptest::strategy::{Strategy, ValueTree};
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let req = get_edge_transcode_template().new_tree(&mut runner).unwrap().current();
/// assert!(req.validate().is_ok());
/// ```
pub fn get_edge_transcode_template() -> BoxedStrategy<GetEdgeTranscodeTemplateRequest> {
    (fields::cluster_id(), fields::template_id())
        .prop_map(
            |(cluster_id, template_id)| GetEdgeTranscodeTemplateRequest {
                cluster_id: Some(cluster_id),
                template_id: Some(template_id),
            },
        )
        .boxed()
}

/// Valid ListEdgeTranscodeTemplate requests.
///
/// ```
/// use live_lifecycle::strategies::list_edge_transcode_template;
/// use proptest::strategy::{Strategy, ValueTree};
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let req = list_edge_transcode_template().new_tree(&mut runner).unwrap().current();
/// assert!(req.validate().is_ok());
/// ```
pub fn list_edge_transcode_template() -> BoxedStrategy<ListEdgeTranscodeTemplateRequest> {
    (
        fields::cluster_id(),
        option::of(fields::keyword()),
        option::of(fields::transcode_type()),
        option::of(fields::video_codec()),
        option::of(fields::page_number()),
        option::of(fields::page_size()),
        option::of(fields::sort_by()),
    )
        .prop_map(
            |(cluster_id, keyword, kind, codec, page_no, page_size, sort_by)| {
                ListEdgeTranscodeTemplateRequest {
                    cluster_id: Some(cluster_id),
                    keyword,
                    transcode_type: kind,
                    video_codec: codec,
                    page_no,
                    page_size,
                    sort_by,
                }
            },
        )
        .boxed()
}
