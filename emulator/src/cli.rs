//! The command line of `live-emulator`: each option, its `LIVE_EMULATOR_*` variable, and what
//! it sets in [`Options`].
//!
//! ```
//! let options = live_emulator::cli::parse_from([
//!     "live-emulator", "--listen", "127.0.0.1:0", "--max-tasks", "1", "--no-throttle",
//! ])
//! .expect("good options");
//! assert_eq!(options.listen.port(), 0);
//! assert_eq!(options.config.task_limits.max_tasks, 1);
//! assert_eq!(options.config.throttle, live_lifecycle::Throttle::off());
//!
//! let bad = live_emulator::cli::parse_from(["live-emulator", "--max-jobs", "0"]).unwrap_err();
//! assert_eq!(bad.exit_code(), 2);
//! assert!(live_emulator::cli::error_line(&bad).contains("--max-jobs"));
//! ```

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::builder::{BoolishValueParser, NonEmptyStringValueParser};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, CommandFactory, Parser};
use live_lifecycle::edge::EdgeLimits;
use live_lifecycle::ids::AccountId;
use live_lifecycle::pull_to_push::TaskLimits;
use live_lifecycle::time::parse_utc;
use live_lifecycle::{Config, Throttle};

use crate::Options;

/// The largest `--request-log`.
const MAX_REQUEST_LOG: usize = 1_000_000;

/// The options as clap reads them; [`parse_from`] turns them into [`Options`].
#[derive(Debug, Parser)]
#[command(
    name = "live-emulator",
    version,
    about = "A local emulator of Alibaba Cloud ApsaraVideo Live that Alibaba's own SDKs talk to.",
    after_help = "Each option can also be set by its environment variable, shown as [env: …]; \
        an option on the command line wins over its variable.\n\
        LIVE_EMULATOR_ACCESS_KEY (and --access-key) takes several keys separated by commas: \
        ID1:SECRET1,ID2:SECRET2.\n\
        LIVE_EMULATOR_NO_THROTTLE and LIVE_EMULATOR_STRICT take 1/0, true/false, yes/no or on/off."
)]
struct Cli {
    /// Where to listen, IP:PORT; port 0 picks a free one
    #[arg(
        long,
        value_name = "ADDR",
        env = "LIVE_EMULATOR_LISTEN",
        default_value_t = Options::default().listen
    )]
    listen: SocketAddr,

    /// A key it accepts (repeatable, or several separated by commas); each key is its own
    /// account, named by its id. None: the default pair, printed at start
    #[arg(
        long = "access-key",
        value_name = "ID:SECRET",
        env = "LIVE_EMULATOR_ACCESS_KEY",
        value_delimiter = ',',
        value_parser = access_key
    )]
    access_keys: Vec<(String, String)>,

    /// Time stands at TIME (yyyy-MM-ddTHH:mm:ssZ) until POST /_emulator/advance moves it;
    /// without it, the real clock
    #[arg(
        long,
        value_name = "TIME",
        env = "LIVE_EMULATOR_MANUAL_CLOCK",
        value_parser = manual_clock
    )]
    manual_clock: Option<DateTime<Utc>>,

    /// A snapshot loaded at start (if the file exists) and written at shutdown
    #[arg(long, value_name = "PATH", env = "LIVE_EMULATOR_STATE")]
    state: Option<PathBuf>,

    /// The HostId of error bodies
    #[arg(
        long,
        value_name = "HOST_ID",
        env = "LIVE_EMULATOR_HOST_ID",
        value_parser = NonEmptyStringValueParser::new(),
        default_value_t = Config::default().host_id
    )]
    host_id: String,

    /// Edge transcoding jobs an account may hold; one more is refused with UserQuotaExceed
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        env = "LIVE_EMULATOR_MAX_JOBS",
        value_parser = clap::value_parser!(u32).range(1..),
        default_value_t = Config::default().edge_limits.max_jobs
    )]
    max_jobs: u32,

    /// Edge transcoding jobs an account may run at once; one more Start is refused with
    /// UserTaskExceed
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        env = "LIVE_EMULATOR_MAX_RUNNING_JOBS",
        value_parser = clap::value_parser!(u32).range(1..),
        default_value_t = Config::default().edge_limits.max_running_jobs
    )]
    max_running_jobs: u32,

    /// Pull-to-push tasks an account may hold that have not exited; one more is refused with
    /// CodeTaskLimitExceeded
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        env = "LIVE_EMULATOR_MAX_TASKS",
        value_parser = clap::value_parser!(u32).range(1..),
        default_value_t = Config::default().task_limits.max_tasks
    )]
    max_tasks: u32,

    /// No rate limits (by default the documented ones, per account and operation, on the real
    /// clock)
    #[arg(
        long,
        env = "LIVE_EMULATOR_NO_THROTTLE",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new()
    )]
    no_throttle: bool,

    /// Also refuse what the crate infers is a mistake, not only what the documentation refuses
    #[arg(
        long,
        env = "LIVE_EMULATOR_STRICT",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new()
    )]
    strict: bool,

    /// Every call under /_emulator/ must carry `Authorization: Bearer TOKEN`, on any listener;
    /// without it, the control plane answers only on a loopback listener
    #[arg(
        long,
        value_name = "TOKEN",
        env = "LIVE_EMULATOR_CONTROL_TOKEN",
        hide_env_values = true,
        value_parser = control_token
    )]
    control_token: Option<String>,

    /// How many recent API requests GET /_emulator/requests keeps (0 to 1000000)
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        env = "LIVE_EMULATOR_REQUEST_LOG",
        value_parser = request_log,
        default_value_t = Options::default().request_log
    )]
    request_log: usize,
}

/// `ID:SECRET`, split at the first colon; the id must be a valid account id.
fn access_key(text: &str) -> Result<(String, String), String> {
    let (id, secret) = text
        .trim()
        .split_once(':')
        .ok_or("takes ID:SECRET, with a colon between the id and the secret")?;
    if secret.is_empty() {
        return Err("the secret after the colon is empty".to_owned());
    }
    AccountId::try_from(id).map_err(|e| format!("bad access key id: {e}"))?;
    Ok((id.to_owned(), secret.to_owned()))
}

fn manual_clock(text: &str) -> Result<DateTime<Utc>, String> {
    parse_utc(text).map_err(str::to_owned)
}

/// What an `Authorization: Bearer` header can carry: visible ASCII, no spaces.
fn control_token(text: &str) -> Result<String, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("a token is one or more visible ASCII characters, no spaces".to_owned());
    }
    Ok(text.to_owned())
}

fn request_log(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n <= MAX_REQUEST_LOG => Ok(n),
        _ => Err(format!("takes a whole number from 0 to {MAX_REQUEST_LOG}")),
    }
}

/// Reads the command line `args` (the program's name first) and the `LIVE_EMULATOR_*`
/// variables into [`Options`]. `--help` and `--version` come back as an error of kind
/// `DisplayHelp` or `DisplayVersion` (`Error::exit` prints them and exits 0); any other error
/// is a bad option, exit code 2, told in one line by [`error_line`].
pub fn parse_from<I, T>(args: I) -> Result<Options, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = Cli::try_parse_from(&args).map_err(|e| from_variable(e, &args))?;
    let mut ids = BTreeSet::new();
    for (id, _) in &cli.access_keys {
        if !ids.insert(id.as_str()) {
            return Err(Cli::command().error(
                ErrorKind::ValueValidation,
                format!("--access-key: the key id {id} is given twice"),
            ));
        }
    }
    let defaults = Config::default();
    let config = Config {
        edge_limits: EdgeLimits {
            max_jobs: cli.max_jobs,
            max_running_jobs: cli.max_running_jobs,
        },
        task_limits: TaskLimits {
            max_tasks: cli.max_tasks,
            ..defaults.task_limits
        },
        throttle: if cli.no_throttle {
            Throttle::off()
        } else {
            defaults.throttle
        },
        host_id: cli.host_id,
        strict: cli.strict,
        ..defaults
    };
    Ok(Options {
        listen: cli.listen,
        keys: cli.access_keys,
        manual_clock: cli.manual_clock,
        state: cli.state,
        config,
        control_token: cli.control_token,
        request_log: cli.request_log,
    })
}

/// A bad value that came from an option's variable, not from the command line, says so: its
/// message gains `(from LIVE_EMULATOR_…)`.
fn from_variable(error: clap::Error, args: &[OsString]) -> clap::Error {
    if !matches!(
        error.kind(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation
    ) {
        return error;
    }
    let Some(ContextValue::String(invalid)) = error.get(ContextKind::InvalidArg) else {
        return error;
    };
    // `--max-tasks <N>`: the option's long name.
    let long = invalid
        .split_whitespace()
        .next()
        .and_then(|flag| flag.strip_prefix("--"))
        .unwrap_or_default();
    let command = Cli::command();
    let Some(variable) = command
        .get_arguments()
        .find(|arg| arg.get_long() == Some(long))
        .and_then(|arg| arg.get_env())
    else {
        return error;
    };
    let flag = format!("--{long}");
    let on_command_line = args.iter().skip(1).any(|arg| {
        arg.to_str().is_some_and(|arg| {
            arg == flag
                || arg
                    .strip_prefix(flag.as_str())
                    .is_some_and(|v| v.starts_with('='))
        })
    });
    if on_command_line || std::env::var_os(variable).is_none() {
        return error;
    }
    let message = error_line(&error);
    let message = message
        .strip_prefix("live-emulator: ")
        .unwrap_or(&message)
        .strip_suffix("; see --help")
        .unwrap_or(&message);
    let message = format!("{message} (from {})", variable.to_string_lossy());
    Cli::command().error(error.kind(), message)
}

/// A bad option in one line, `live-emulator: …`, with clap's suggestion of a similar option
/// if it has one (clap's own rendering adds a usage and a tip on lines of their own).
pub fn error_line(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let first = rendered
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("bad command line");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let mut line = format!("live-emulator: {first}");
    match error.get(ContextKind::SuggestedArg) {
        Some(ContextValue::String(similar)) => {
            line.push_str(&format!(" (did you mean '{similar}'?)"));
        }
        Some(ContextValue::Strings(similar)) if !similar.is_empty() => {
            line.push_str(&format!(" (did you mean '{}'?)", similar.join("' or '")));
        }
        _ => {}
    }
    line.push_str("; see --help");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, clap::Error> {
        parse_from(std::iter::once("live-emulator").chain(args.iter().copied()))
    }

    #[test]
    fn no_option_keeps_the_defaults() {
        let options = parse(&[]).expect("no options");
        let defaults = Options::default();
        assert_eq!(options.listen, defaults.listen);
        assert!(options.keys.is_empty());
        assert_eq!(options.manual_clock, None);
        assert_eq!(options.state, None);
        assert_eq!(options.config, defaults.config);
        assert_eq!(options.control_token, None);
        assert_eq!(options.request_log, defaults.request_log);
    }

    #[test]
    fn every_option_sets_its_field() {
        let options = parse(&[
            "--listen=0.0.0.0:9000",
            "--access-key",
            "LTAIa:s1,LTAIb:s:2",
            "--access-key",
            "LTAIc:s3",
            "--manual-clock",
            "2030-01-01T00:00:00Z",
            "--state",
            "s.json",
            "--host-id",
            "h",
            "--max-jobs",
            "3",
            "--max-running-jobs",
            "2",
            "--max-tasks",
            "1",
            "--no-throttle",
            "--strict",
            "--control-token",
            "t0k",
            "--request-log",
            "0",
        ])
        .expect("good options");
        assert_eq!(options.listen, "0.0.0.0:9000".parse().expect("an address"));
        let keys: Vec<(&str, &str)> = options
            .keys
            .iter()
            .map(|(i, s)| (i.as_str(), s.as_str()))
            .collect();
        assert_eq!(keys, [("LTAIa", "s1"), ("LTAIb", "s:2"), ("LTAIc", "s3")]);
        assert_eq!(
            options.manual_clock,
            Some(parse_utc("2030-01-01T00:00:00Z").expect("a time"))
        );
        assert_eq!(options.state, Some(PathBuf::from("s.json")));
        assert_eq!(options.config.host_id, "h");
        assert_eq!(options.config.edge_limits.max_jobs, 3);
        assert_eq!(options.config.edge_limits.max_running_jobs, 2);
        assert_eq!(options.config.task_limits.max_tasks, 1);
        assert_eq!(options.config.throttle, Throttle::off());
        assert!(options.config.strict);
        assert_eq!(options.control_token.as_deref(), Some("t0k"));
        assert_eq!(options.request_log, 0);
    }

    #[test]
    fn bad_values_are_one_line_errors_naming_the_option() {
        for args in [
            &["--listen", "localhost"][..],
            &["--access-key", "nocolon"],
            &["--access-key", "id:"],
            &["--access-key", ":secret"],
            &["--access-key", "a:1", "--access-key", "a:2"],
            &["--manual-clock", "2030-01-01"],
            &["--state", ""],
            &["--host-id", ""],
            &["--max-jobs", "0"],
            &["--max-running-jobs", "-1"],
            &["--max-tasks", "many"],
            &["--control-token", "a b"],
            &["--request-log", "1000001"],
        ] {
            let error = parse(args).expect_err("a bad value");
            assert_eq!(error.exit_code(), 2, "{args:?}");
            let line = error_line(&error);
            assert!(!line.contains('\n'), "{line}");
            assert!(line.contains(args[0]), "{args:?}: {line}");
        }
        let error = parse(&["--max-job", "1"]).expect_err("a misspelled option");
        assert!(error_line(&error).contains("did you mean '--max-jobs'?"));
    }
}
