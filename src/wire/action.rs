//! The 16 actions by their wire names, with the parameters each one reads.

use crate::throttle::Family;

/// How a parameter's text becomes a request field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Kept as text; the request's validation reads it.
    Text,
    /// A decimal integer (an optional sign, then digits) that fits in 64 bits.
    Int,
    /// A JSON array of strings in one parameter, as the SDKs send `SourceUrls`.
    List,
}

use Kind::{Int, List, Text};

macro_rules! actions {
    ($($(#[$doc:meta])* $name:ident, $family:ident, [$($param:literal: $kind:ident),* $(,)?];)+) => {
        /// The wire names of the 16 actions [`Engine::handle_rpc`](crate::Engine::handle_rpc)
        /// answers, edge transcoding first.
        ///
        /// ```
        /// assert_eq!(live_lifecycle::ACTIONS.len(), 16);
        /// assert!(live_lifecycle::ACTIONS.contains(&"RestartLivePullToPush"));
        /// ```
        pub const ACTIONS: &[&str] = &[$(stringify!($name),)+];

        /// One of the 16 operations, named exactly as on the wire.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub(crate) enum Action {
            $($(#[$doc])* $name,)+
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

            /// The parameters the action reads, by wire name, and how each is parsed.
            pub(crate) fn params(self) -> &'static [(&'static str, Kind)] {
                match self {
                    $(Self::$name => &[$(($param, $kind)),*],)+
                }
            }
        }
    };
}

actions! {
    CreateEdgeTranscodeJob, Edge,
        ["ClusterId": Text, "Name": Text, "TemplateId": Text, "StreamInput": Text, "StreamOutput": Text];
    GetEdgeTranscodeJob, Edge, ["ClusterId": Text, "JobId": Text];
    ListEdgeTranscodeJob, Edge,
        ["ClusterId": Text, "Keyword": Text, "Status": Int, "Type": Text, "PageNo": Int,
         "PageSize": Int, "SortBy": Text];
    UpdateEdgeTranscodeJob, Edge,
        ["ClusterId": Text, "JobId": Text, "Name": Text, "TemplateId": Text, "StreamInput": Text,
         "StreamOutput": Text];
    StartEdgeTranscodeJob, Edge, ["ClusterId": Text, "JobId": Text];
    StopEdgeTranscodeJob, Edge, ["ClusterId": Text, "JobId": Text];
    DeleteEdgeTranscodeJob, Edge, ["ClusterId": Text, "JobId": Text];
    GetEdgeTranscodeTemplate, Edge, ["ClusterId": Text, "TemplateId": Text];
    ListEdgeTranscodeTemplate, Edge,
        ["ClusterId": Text, "Keyword": Text, "Type": Text, "VideoCodec": Text, "PageNo": Int,
         "PageSize": Int, "SortBy": Text];
    CreateLivePullToPush, PullToPush,
        ["Region": Text, "TaskName": Text, "StartTime": Text, "EndTime": Text, "SourceType": Text,
         "SourceProtocol": Text, "SourceUrls": List, "DstUrl": Text, "CallbackUrl": Text,
         "RepeatNumber": Int, "Offset": Int, "FileIndex": Int, "RetryCount": Int,
         "RetryInterval": Int];
    UpdateLivePullToPush, PullToPush,
        ["TaskId": Text, "Region": Text, "StartTime": Text, "EndTime": Text, "SourceUrls": List,
         "RepeatNumber": Int, "Offset": Int, "CallbackUrl": Text, "FileIndex": Int];
    DeleteLivePullToPush, PullToPush, ["TaskId": Text, "Region": Text];
    DescribeLivePullToPush, PullToPush, ["TaskId": Text, "Region": Text];
    DescribeLivePullToPushList, PullToPush,
        ["Region": Text, "TaskId": Text, "TaskName": Text, "DstUrl": Text, "PageNumber": Int,
         "PageSize": Int];
    StopLivePullToPush, PullToPush, ["TaskId": Text, "Region": Text];
    RestartLivePullToPush, PullToPush, ["TaskId": Text, "Region": Text];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_exact_and_distinct() {
        assert_eq!(ACTIONS.len(), 16);
        let actions: std::collections::HashSet<Action> = ACTIONS
            .iter()
            .filter_map(|n| Action::from_name(n))
            .collect();
        assert_eq!(actions.len(), 16);
        for name in ACTIONS {
            assert_eq!(Action::from_name(&name.to_lowercase()), None);
        }
    }
}
