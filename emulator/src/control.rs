//! The emulator's own endpoints under `/_emulator/`.

use chrono::TimeDelta;
use live_lifecycle::ids::{AccountId, TaskId};
use live_lifecycle::pull_to_push::{ReportError, StreamReport};
use live_lifecycle::time::format_utc;

use crate::http::{Handled, answered, emulator_error, json_response, param};
use crate::shared::{Clock, Shared};

/// `POST /_emulator/advance?Seconds=N`: moves the manual clock and applies what fell due.
pub(crate) fn advance(shared: &Shared, params: &[(String, String)]) -> Handled {
    let mut emulator = shared.lock();
    let Clock::Manual(now) = emulator.clock else {
        return answered(
            emulator_error(
                400,
                "OperationDenied",
                "The emulator runs on the real clock; start it with --manual-clock.",
            ),
            "OperationDenied",
        );
    };
    let Some(seconds) = param(params, "Seconds").and_then(|s| s.parse::<u32>().ok()) else {
        return answered(
            emulator_error(
                400,
                "InvalidParameter",
                "Seconds must be a whole number of seconds, 0 or more.",
            ),
            "InvalidParameter",
        );
    };
    let now = now + TimeDelta::seconds(i64::from(seconds));
    emulator.clock = Clock::Manual(now);
    let applied = emulator.engine.advance(now);
    shared.ship_callbacks(&mut emulator);
    let body = serde_json::json!({ "Now": format_utc(&now), "Applied": applied });
    answered(json_response(200, body.to_string()), "")
}

/// `POST /_emulator/fault?TaskId=…&Kind=…`: a stream report for one task, for tests.
pub(crate) fn fault(shared: &Shared, params: &[(String, String)]) -> Handled {
    let report = match param(params, "Kind") {
        Some("pull") => StreamReport::PullFailed,
        Some("push") => StreamReport::PushFailed,
        Some("failed") => StreamReport::Failed,
        Some("recover") => StreamReport::Recovered,
        Some("file-ended") => StreamReport::FileEnded,
        _ => {
            return answered(
                emulator_error(
                    400,
                    "InvalidParameter",
                    "Kind must be pull, push, failed, recover or file-ended.",
                ),
                "InvalidParameter",
            );
        }
    };
    let Some(task_id) = param(params, "TaskId").and_then(|t| TaskId::try_from(t).ok()) else {
        return answered(
            emulator_error(400, "MissingParameter", "TaskId is mandatory."),
            "MissingParameter",
        );
    };
    let mut emulator = shared.lock();
    let now = emulator.now();
    // The task belongs to one of the keys' accounts; the fault endpoint takes no signature.
    let accounts: Vec<AccountId> = emulator.keys.values().map(|c| c.account.clone()).collect();
    let mut outcome = Err(ReportError::UnknownTask);
    for account in &accounts {
        outcome = emulator
            .engine
            .report_stream(account, &task_id, report, now);
        if !matches!(outcome, Err(ReportError::UnknownTask)) {
            break;
        }
    }
    shared.ship_callbacks(&mut emulator);
    match outcome {
        Ok(()) => answered(
            json_response(
                200,
                serde_json::json!({"TaskId": task_id.as_str()}).to_string(),
            ),
            "",
        ),
        Err(e) => answered(
            emulator_error(400, "OperationDenied", &e.to_string()),
            "OperationDenied",
        ),
    }
}
