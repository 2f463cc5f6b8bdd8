//! The emulator's own endpoints under `/_emulator/`.

use chrono::TimeDelta;
use live_lifecycle::Engine;
use live_lifecycle::ids::{AccountId, TaskId};
use live_lifecycle::pull_to_push::{ReportError, StreamReport};
use live_lifecycle::time::format_utc;

use crate::chaos;
use crate::http::{Handled, answered, json_response, param, refused};
use crate::shared::{Clock, Inner, Shared};

/// Whether a control call may go on: `None`, or the refusal. With a token, the call must
/// carry `Authorization: Bearer TOKEN` (401 otherwise), on any listener; without one, the
/// control plane answers on a loopback listener only (403 elsewhere).
pub(crate) fn admit(
    token: Option<&str>,
    authorization: Option<&str>,
    loopback: bool,
) -> Option<Handled> {
    let refusal = |status, code: &str, message: &str| Some(refused(status, code, message));
    match token {
        Some(token) => {
            let given = authorization.and_then(|a| a.strip_prefix("Bearer "));
            if given == Some(token) {
                None
            } else {
                refusal(
                    401,
                    "Unauthorized",
                    "The control plane needs Authorization: Bearer <the --control-token>.",
                )
            }
        }
        None if loopback => None,
        None => refusal(
            403,
            "Forbidden",
            "The control plane answers on a loopback listener only, unless --control-token is set.",
        ),
    }
}

/// The account an `AccessKeyId` parameter names: `Ok(None)` without one, a 404 for an
/// unknown key.
fn named_account(
    emulator: &Inner,
    params: &[(String, String)],
) -> Result<Option<AccountId>, Box<Handled>> {
    let Some(id) = param(params, "AccessKeyId") else {
        return Ok(None);
    };
    match emulator.keys.get(id) {
        Some(credential) => Ok(Some(credential.account.clone())),
        None => Err(Box::new(refused(
            404,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        ))),
    }
}

/// `GET /_emulator/health`: the emulator answers once its state is loaded and it listens.
pub(crate) fn health(shared: &Shared) -> Handled {
    let emulator = shared.lock();
    let clock = match emulator.clock {
        Clock::Real => "real",
        Clock::Manual(_) => "manual",
    };
    let body = serde_json::json!({
        "Status": "ready",
        "Version": env!("CARGO_PKG_VERSION"),
        "Clock": clock,
        "Now": format_utc(&emulator.now()),
    });
    answered(json_response(200, body.to_string()), "")
}

/// `POST /_emulator/reset[?AccessKeyId=ID]`: everything, or one account, back to empty, as
/// after a fresh start: jobs, tasks, rate-limit windows, the request journal and the chaos
/// rules (of that account: the rules of every account stay). The clock, the keys and the
/// used nonces stay.
pub(crate) fn reset(shared: &Shared, params: &[(String, String)]) -> Handled {
    let mut emulator = shared.lock();
    let account = match named_account(&emulator, params) {
        Ok(account) => account,
        Err(refusal) => return *refusal,
    };
    match &account {
        Some(account) => {
            emulator.engine.reset_account(account);
            emulator.journal.clear(Some(account.as_str()));
            emulator.chaos.forget_account(account.as_str());
        }
        None => {
            let config = emulator.config.clone();
            emulator.engine = Engine::new(config);
            emulator.journal.clear(None);
            emulator.chaos.remove(None);
        }
    }
    let body = serde_json::json!({ "Reset": account.as_ref().map_or("all", AccountId::as_str) });
    answered(json_response(200, body.to_string()), "")
}

/// `GET /_emulator/state[?AccessKeyId=ID]`: the snapshot (the `--state` file's format), or
/// the part of it that is one account's (its `accounts` entry and its `timers`).
pub(crate) fn state(shared: &Shared, params: &[(String, String)]) -> Handled {
    let emulator = shared.lock();
    let account = match named_account(&emulator, params) {
        Ok(account) => account,
        Err(refusal) => return *refusal,
    };
    let mut snapshot = match serde_json::to_value(emulator.engine.snapshot()) {
        Ok(value) => value,
        Err(e) => {
            return refused(
                500,
                "InternalError",
                &format!("the state could not be written: {e}"),
            );
        }
    };
    if let Some(account) = account {
        let state = &mut snapshot["state"];
        if let Some(accounts) = state["accounts"].as_object_mut() {
            accounts.retain(|id, _| id == account.as_str());
        }
        if let Some(timers) = state["timers"].as_array_mut() {
            timers.retain(|timer| timer[1] == account.as_str());
        }
    }
    answered(json_response(200, snapshot.to_string()), "")
}

/// `GET /_emulator/requests[?AccessKeyId=ID][&Limit=N]`: the most recent API requests,
/// oldest first (`Limit` 100 by default).
pub(crate) fn requests(shared: &Shared, params: &[(String, String)]) -> Handled {
    let emulator = shared.lock();
    let account = match named_account(&emulator, params) {
        Ok(account) => account,
        Err(refusal) => return *refusal,
    };
    let limit = match param(params, "Limit").map(str::parse::<usize>) {
        None => 100,
        Some(Ok(limit)) => limit,
        Some(Err(_)) => {
            return refused(
                400,
                "InvalidParameter",
                "Limit must be a whole number, 0 or more.",
            );
        }
    };
    let list = emulator
        .journal
        .recent(account.as_ref().map(AccountId::as_str), limit);
    let body = serde_json::json!({ "Requests": list });
    answered(json_response(200, body.to_string()), "")
}

/// `POST /_emulator/chaos` with a rule as a JSON body, `{"Action", "AccessKeyId"?, "Code"?,
/// "Count"? | "Probability"?, "LatencyMs"?}`: adds it; the reply is the rule as listed.
pub(crate) fn add_chaos(shared: &Shared, body: &[u8]) -> Handled {
    let rule: serde_json::Value = match serde_json::from_slice(body) {
        Ok(rule) => rule,
        Err(e) => {
            return refused(
                400,
                "InvalidParameter",
                &format!("The body must be a chaos rule in JSON: {e}."),
            );
        }
    };
    let mut emulator = shared.lock();
    let parsed = {
        let Inner { keys, config, .. } = &*emulator;
        let account = |id: &str| keys.get(id).map(|c| c.account.as_str().to_owned());
        chaos::parse(&rule, account, config)
    };
    match parsed.and_then(|rule| emulator.chaos.add(rule)) {
        Ok(listed) => answered(json_response(200, listed.to_string()), ""),
        Err(r) => refused(r.status, r.code, &r.message),
    }
}

/// `GET /_emulator/chaos`: the rules, in the order they apply, `{"Rules": […]}`.
pub(crate) fn list_chaos(shared: &Shared) -> Handled {
    let body = serde_json::json!({ "Rules": shared.lock().chaos.list() });
    answered(json_response(200, body.to_string()), "")
}

/// `DELETE /_emulator/chaos[?Id=N]`: every rule, or the one of that id; `{"Removed": n}`.
pub(crate) fn clear_chaos(shared: &Shared, params: &[(String, String)]) -> Handled {
    let id = match param(params, "Id").map(str::parse::<u64>) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => {
            return refused(
                400,
                "InvalidParameter",
                "Id must be a rule's id, a whole number.",
            );
        }
    };
    let removed = shared.lock().chaos.remove(id);
    if id.is_some() && removed == 0 {
        return refused(404, "ChaosRuleNotFound", "No chaos rule has that Id.");
    }
    let body = serde_json::json!({ "Removed": removed });
    answered(json_response(200, body.to_string()), "")
}

/// `POST /_emulator/advance?Seconds=N`: moves the manual clock and applies what fell due.
pub(crate) fn advance(shared: &Shared, params: &[(String, String)]) -> Handled {
    let mut emulator = shared.lock();
    let Clock::Manual(now) = emulator.clock else {
        return refused(
            400,
            "OperationDenied",
            "The emulator runs on the real clock; start it with --manual-clock.",
        );
    };
    let Some(seconds) = param(params, "Seconds").and_then(|s| s.parse::<u32>().ok()) else {
        return refused(
            400,
            "InvalidParameter",
            "Seconds must be a whole number of seconds, 0 or more.",
        );
    };
    let Some(now) = now.checked_add_signed(TimeDelta::seconds(i64::from(seconds))) else {
        return refused(
            400,
            "InvalidParameter",
            "Seconds would move the clock past the last representable time.",
        );
    };
    emulator.clock = Clock::Manual(now);
    let applied = emulator.engine.advance(now);
    shared.ship_callbacks(&mut emulator);
    let body = serde_json::json!({ "Now": format_utc(&now), "Applied": applied });
    answered(json_response(200, body.to_string()), "")
}

/// `POST /_emulator/fault?[AccessKeyId=ID&]TaskId=…&Kind=…`: a stream report for one task
/// (of the named account), for tests.
pub(crate) fn fault(shared: &Shared, params: &[(String, String)]) -> Handled {
    let report = match param(params, "Kind") {
        Some("pull") => StreamReport::PullFailed,
        Some("push") => StreamReport::PushFailed,
        Some("failed") => StreamReport::Failed,
        Some("recover") => StreamReport::Recovered,
        Some("file-ended") => StreamReport::FileEnded,
        _ => {
            return refused(
                400,
                "InvalidParameter",
                "Kind must be pull, push, failed, recover or file-ended.",
            );
        }
    };
    let Some(task_id) = param(params, "TaskId").and_then(|t| TaskId::try_from(t).ok()) else {
        return refused(400, "MissingParameter", "TaskId is mandatory.");
    };
    let mut emulator = shared.lock();
    let now = emulator.now();
    // The task belongs to the named account, or else to one of the keys' accounts (the
    // fault endpoint takes no signature).
    let accounts: Vec<AccountId> = match named_account(&emulator, params) {
        Ok(Some(account)) => vec![account],
        Ok(None) => emulator.keys.values().map(|c| c.account.clone()).collect(),
        Err(refusal) => return *refusal,
    };
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
        Err(e) => refused(400, "OperationDenied", &e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::admit;

    #[test]
    fn without_a_token_only_loopback_is_admitted_and_with_one_only_its_bearer() {
        assert!(admit(None, None, true).is_none());
        let off_loopback = admit(None, None, false).map(|h| h.code);
        assert_eq!(off_loopback.as_deref(), Some("Forbidden"));
        assert!(admit(Some("t"), Some("Bearer t"), false).is_none());
        for given in [None, Some("Bearer x"), Some("t"), Some("bearer t")] {
            let refused = admit(Some("t"), given, true).map(|h| h.code);
            assert_eq!(refused.as_deref(), Some("Unauthorized"), "{given:?}");
        }
    }
}
