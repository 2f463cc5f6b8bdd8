//! The pull-to-push family's enumerations and constrained values, each parsed from its wire
//! text once.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Detail;

macro_rules! wire_enum {
    (
        $(#[$doc:meta])*
        $name:ident, $all:literal, $expect:literal {
            $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in documentation order.
            ///
            /// ```
            #[doc = concat!("assert_eq!(live_lifecycle::pull_to_push::", stringify!($name), "::ALL.len(), ", $all, ");")]
            /// ```
            pub const ALL: [Self; $all] = [$(Self::$variant,)+];

            /// The wire text.
            ///
            /// ```
            #[doc = concat!("use live_lifecycle::pull_to_push::", stringify!($name), ";")]
            #[doc = concat!("for v in ", stringify!($name), "::ALL { assert_eq!(v.as_str().parse::<", stringify!($name), ">(), Ok(v)); }")]
            /// ```
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = Detail;
            fn from_str(text: &str) -> Result<Self, Detail> {
                Self::ALL
                    .into_iter()
                    .find(|v| v.as_str() == text)
                    .ok_or(Detail::Borrowed($expect))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum!(
    /// Where a task runs (`Region`).
    ///
    /// `cn-shenzhen` appears only on CreateLivePullToPush in the newest docs; it is accepted on
    /// every operation, because a task created there must stay reachable.
    Region, 5, "must be one of ap-southeast-1, ap-southeast-5, cn-beijing, cn-shanghai, cn-shenzhen" {
        /// Singapore.
        ApSoutheast1 = "ap-southeast-1",
        /// Indonesia (Jakarta).
        ApSoutheast5 = "ap-southeast-5",
        /// China (Beijing).
        CnBeijing = "cn-beijing",
        /// China (Shanghai).
        CnShanghai = "cn-shanghai",
        /// China (Shenzhen).
        CnShenzhen = "cn-shenzhen",
    }
);

wire_enum!(
    /// What a task pulls (`SourceType`).
    SourceType, 3, "must be one of live, vod, url" {
        /// One live stream.
        Live = "live",
        /// Up to 30 ApsaraVideo VOD media ids, played as a list.
        Vod = "vod",
        /// Up to 30 third-party MP4 or FLV files, played as a list.
        Url = "url",
    }
);

wire_enum!(
    /// How a live source is pulled (`SourceProtocol`): the union of the older and newest
    /// docs, so clients written against either are served.
    SourceProtocol, 6, "must be one of rtmp, rtsp, srt, http-flv, flv, hls" {
        /// RTMP.
        Rtmp = "rtmp",
        /// RTSP (older docs only).
        Rtsp = "rtsp",
        /// SRT.
        Srt = "srt",
        /// FLV over HTTP.
        HttpFlv = "http-flv",
        /// FLV (older docs only; treated as FLV over HTTP).
        Flv = "flv",
        /// HLS (newest docs only).
        Hls = "hls",
    }
);

wire_enum!(
    /// Why a stopped task stopped on its own (`TaskInvalidReason`).
    InvalidReason, 3, "must be one of PullStreamFailed, PushStreamFailed, UnknownError" {
        /// The source could not be pulled.
        PullStreamFailed = "PullStreamFailed",
        /// The destination refused the push.
        PushStreamFailed = "PushStreamFailed",
        /// Anything else.
        UnknownError = "UnknownError",
    }
);

wire_enum!(
    /// Why a task exited (`TaskExitReason`).
    ExitReason, 2, "must be TriggerByUser or OverEndTime" {
        /// DeleteLivePullToPush.
        TriggerByUser = "TriggerByUser",
        /// EndTime passed.
        OverEndTime = "OverEndTime",
    }
);

wire_enum!(
    /// The state names of callbacks: what a task just entered.
    CallbackState, 4, "must be one of Running, Recovering, Offline, Exit" {
        /// Started at StartTime, restarted, or recovered.
        Running = "Running",
        /// Retrying after a stream fault.
        Recovering = "Recovering",
        /// Stopped: retries exhausted, StopLivePullToPush, or the playlist ended.
        Offline = "Offline",
        /// Exited: deleted, or EndTime passed.
        Exit = "Exit",
    }
);

/// What the outside sees of a task's state (`TaskStatus`, an integer on the wire).
///
/// ```
/// use live_lifecycle::pull_to_push::TaskStatus;
/// assert_eq!(serde_json::to_string(&TaskStatus::Exited).unwrap(), "-1");
/// assert_eq!(TaskStatus::Retrying.code(), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaskStatus {
    /// `0`: StartTime not reached.
    NotStarted,
    /// `1`: pulling and pushing.
    Running,
    /// `2`: running abnormally, retrying after a stream fault.
    Retrying,
    /// `3`: stopped by StopLivePullToPush, by exhausted retries, or by the end of its playlist.
    Stopped,
    /// `-1`: deleted or past EndTime; never runs again.
    Exited,
}

impl TaskStatus {
    /// Every status.
    ///
    /// ```
    /// assert_eq!(live_lifecycle::pull_to_push::TaskStatus::ALL.len(), 5);
    /// ```
    pub const ALL: [Self; 5] = [
        Self::NotStarted,
        Self::Running,
        Self::Retrying,
        Self::Stopped,
        Self::Exited,
    ];

    /// The wire integer.
    ///
    /// ```
    /// assert_eq!(live_lifecycle::pull_to_push::TaskStatus::Stopped.code(), 3);
    /// ```
    pub fn code(self) -> i32 {
        match self {
            Self::NotStarted => 0,
            Self::Running => 1,
            Self::Retrying => 2,
            Self::Stopped => 3,
            Self::Exited => -1,
        }
    }
}

impl Serialize for TaskStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(self.code())
    }
}

impl<'de> Deserialize<'de> for TaskStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = i32::deserialize(d)?;
        Self::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| serde::de::Error::custom("TaskStatus must be 0, 1, 2, 3 or -1"))
    }
}

/// The longest `TaskName` a strict engine accepts, in characters (the docs give no length).
pub const MAX_TASK_NAME_CHARS: usize = 128;

/// A task name: any text without control characters; empty by default. (A strict engine
/// also holds a Create's name to [`MAX_TASK_NAME_CHARS`].)
///
/// ```
/// use live_lifecycle::pull_to_push::TaskName;
/// assert!(TaskName::try_from("夜间 直播 #1").is_ok());
/// assert!(TaskName::try_from("bad\u{0}name").is_err());
/// assert_eq!(TaskName::default().as_str(), "");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TaskName(String);

impl TaskName {
    /// The name as text.
    ///
    /// ```
    /// # use live_lifecycle::pull_to_push::TaskName;
    /// assert_eq!(TaskName::try_from("t").unwrap().as_str(), "t");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for TaskName {
    type Error = Detail;
    fn try_from(text: &str) -> Result<Self, Detail> {
        if text.chars().any(char::is_control) {
            return Err(Detail::Borrowed("must not contain control characters"));
        }
        Ok(Self(text.to_owned()))
    }
}

impl TryFrom<String> for TaskName {
    type Error = Detail;
    fn try_from(text: String) -> Result<Self, Detail> {
        Self::try_from(text.as_str())
    }
}

impl From<TaskName> for String {
    fn from(name: TaskName) -> String {
        name.0
    }
}

/// `RepeatNumber`: how often a vod/url playlist plays.
///
/// ```
/// use live_lifecycle::pull_to_push::Repeat;
/// assert_eq!(Repeat::try_from(-1), Ok(Repeat::Forever));
/// assert_eq!(Repeat::try_from(2), Ok(Repeat::Times(2)));
/// assert!(Repeat::try_from(-2).is_err());
/// assert_eq!(Repeat::Times(0).wire(), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub enum Repeat {
    /// `-1`: loop forever.
    Forever,
    /// `N ≥ 0`: play once, then N more times (0, the default, plays once).
    Times(u32),
}

impl Default for Repeat {
    fn default() -> Self {
        Self::Times(0)
    }
}

impl Repeat {
    /// The wire integer.
    ///
    /// ```
    /// assert_eq!(live_lifecycle::pull_to_push::Repeat::Forever.wire(), -1);
    /// ```
    pub fn wire(self) -> i64 {
        match self {
            Self::Forever => -1,
            Self::Times(n) => i64::from(n),
        }
    }

    /// Whether another pass may follow `passes_done` completed passes.
    pub(crate) fn allows_pass_after(self, passes_done: u32) -> bool {
        match self {
            Self::Forever => true,
            Self::Times(n) => passes_done <= n,
        }
    }
}

impl TryFrom<i64> for Repeat {
    type Error = Detail;
    fn try_from(n: i64) -> Result<Self, Detail> {
        match n {
            -1 => Ok(Self::Forever),
            _ => u32::try_from(n)
                .ok()
                .filter(|n| i32::try_from(*n).is_ok())
                .map(Self::Times)
                .ok_or(Detail::Borrowed("must be -1 or between 0 and 2147483647")),
        }
    }
}

impl From<Repeat> for i64 {
    fn from(r: Repeat) -> i64 {
        r.wire()
    }
}
