//! Valid requests of the seven pull-to-push operations, by the README's parameter rules.
//!
//! Create and Update carry times, which are valid only relative to a `now`: their
//! strategies take it, and every window they draw is valid at that `now` (StartTime before
//! EndTime, EndTime after `now`, at most the default longest window of seven days).

use chrono::{DateTime, Utc};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::Index;

use super::fields::{self, at};
use crate::pull_to_push::{
    CreateLivePullToPushRequest, DeleteLivePullToPushRequest, DescribeLivePullToPushListRequest,
    DescribeLivePullToPushRequest, RestartLivePullToPushRequest, SourceType,
    StopLivePullToPushRequest, UpdateLivePullToPushRequest,
};

/// Valid CreateLivePullToPush requests at `now`: a live source with its protocol or a
/// playlist of media ids or video files (`RepeatNumber`, `Offset` and `FileIndex` only for a
/// playlist, `FileIndex` within it), a window valid at `now` (StartTime may be past: the
/// task starts at once), an RTMP destination with a random stream name, and the optional
/// fields each absent or in range. On a fresh engine with the default configuration each
/// one succeeds.
///
/// ```
/// use live_lifecycle::strategies::create_live_pull_to_push;
/// use proptest::strategy::{Strategy, ValueTree};
/// let now = "2030-01-01T00:00:00Z".parse().unwrap();
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let req = create_live_pull_to_push(now).new_tree(&mut runner).unwrap().current();
/// assert!(req.validate(now).is_ok());
/// ```
pub fn create_live_pull_to_push(now: DateTime<Utc>) -> BoxedStrategy<CreateLivePullToPushRequest> {
    let playlist_fields = (
        option::of(fields::repeat_number()),
        option::of(fields::offset()),
        option::of(any::<Index>()),
    );
    (
        (
            fields::region(),
            option::of(fields::task_name()),
            fields::window(),
            fields::source(),
            fields::dst_url(),
            option::of(prop_oneof![1 => Just(String::new()), 4 => fields::callback_url()]),
        ),
        playlist_fields,
        option::of(fields::retry_count()),
        option::of(fields::retry_interval()),
    )
        .prop_map(
            move |(
                (region, task_name, (start, end), source, dst_url, callback_url),
                (repeat, offset, file_index),
                retry_count,
                retry_interval,
            )| {
                let playlist = source.kind != SourceType::Live;
                let files = source.urls.len();
                let file_index = file_index
                    .filter(|_| playlist && files > 0)
                    .and_then(|i| i64::try_from(i.index(files)).ok());
                CreateLivePullToPushRequest {
                    region: Some(region),
                    task_name,
                    start_time: Some(at(now, start)),
                    end_time: Some(at(now, end)),
                    source_type: Some(source.kind.as_str().to_owned()),
                    source_protocol: source.protocol.map(|p| p.as_str().to_owned()),
                    source_urls: Some(source.urls),
                    dst_url: Some(dst_url),
                    callback_url,
                    repeat_number: repeat.filter(|_| playlist),
                    offset: offset.filter(|_| playlist),
                    file_index,
                    retry_count,
                    retry_interval,
                }
            },
        )
        .boxed()
}

/// Valid UpdateLivePullToPush requests at `now`: an arbitrary task id and a region, and any
/// of the fields to change, each absent or well formed (times valid at `now`, a list of one
/// source type, `CallbackUrl` empty to remove it, a small `FileIndex`). Whether the task's
/// state and stored values allow the change is the engine's to say (the update table).
///
/// ```
/// use live_lifecycle::strategies::update_live_pull_to_push;
/// use proptest::strategy::{Strategy, ValueTree};
/// let now = "2030-01-01T00:00:00Z".parse().unwrap();
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let req = update_live_pull_to_push(now).new_tree(&mut runner).unwrap().current();
/// assert!(req.validate(now).is_ok());
/// ```
pub fn update_live_pull_to_push(now: DateTime<Utc>) -> BoxedStrategy<UpdateLivePullToPushRequest> {
    let urls =
        proptest::sample::select(SourceType::ALL.to_vec()).prop_flat_map(fields::source_urls);
    (
        fields::resource_id(),
        fields::region(),
        fields::update_times(),
        option::weighted(0.2, urls),
        option::weighted(0.3, fields::repeat_number()),
        option::weighted(0.2, fields::offset()),
        option::weighted(
            0.3,
            prop_oneof![1 => Just(String::new()), 3 => fields::callback_url()],
        ),
        option::weighted(0.2, 0..=2i64),
    )
        .prop_map(
            move |(task_id, region, (start, end), urls, repeat, offset, callback, index)| {
                UpdateLivePullToPushRequest {
                    task_id: Some(task_id),
                    region: Some(region),
                    start_time: start.map(|s| at(now, s)),
                    end_time: end.map(|e| at(now, e)),
                    source_urls: urls,
                    repeat_number: repeat,
                    offset,
                    callback_url: callback,
                    file_index: index,
                }
            },
        )
        .boxed()
}

macro_rules! task_ref_strategy {
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
            (fields::resource_id(), fields::region())
                .prop_map(|(task_id, region)| $request {
                    task_id: Some(task_id),
                    region: Some(region),
                })
                .boxed()
        }
    };
}

task_ref_strategy!(
    /// Valid DeleteLivePullToPush requests (an arbitrary task id: `CodeTaskNotExist` on a
    /// fresh engine).
    delete_live_pull_to_push,
    DeleteLivePullToPushRequest
);
task_ref_strategy!(
    /// Valid DescribeLivePullToPush requests (an arbitrary task id).
    describe_live_pull_to_push,
    DescribeLivePullToPushRequest
);
task_ref_strategy!(
    /// Valid StopLivePullToPush requests (an arbitrary task id).
    stop_live_pull_to_push,
    StopLivePullToPushRequest
);
task_ref_strategy!(
    /// Valid RestartLivePullToPush requests (an arbitrary task id).
    restart_live_pull_to_push,
    RestartLivePullToPushRequest
);

/// Valid DescribeLivePullToPushList requests: the filters each absent, empty, or within
/// their rules (`TaskId` at most 55 letters, digits, `_`, `-`), paging in range.
///
/// ```
/// use live_lifecycle::strategies::describe_live_pull_to_push_list;
/// use proptest::strategy::{Strategy, ValueTree};
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let req = describe_live_pull_to_push_list().new_tree(&mut runner).unwrap().current();
/// assert!(req.validate().is_ok());
/// ```
pub fn describe_live_pull_to_push_list() -> BoxedStrategy<DescribeLivePullToPushListRequest> {
    (
        fields::region(),
        option::of(fields::task_id_filter()),
        option::of(fields::task_name()),
        option::of(fields::dst_url_filter()),
        option::of(fields::page_number()),
        option::of(fields::page_size()),
    )
        .prop_map(
            |(region, task_id, task_name, dst_url, page_number, page_size)| {
                DescribeLivePullToPushListRequest {
                    region: Some(region),
                    task_id,
                    task_name,
                    dst_url,
                    page_number,
                    page_size,
                }
            },
        )
        .boxed()
}
