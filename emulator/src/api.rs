//! One API call: the gateway's checks, the signature, then the engine.

use chrono::Utc;
use live_lifecycle::auth;
use live_lifecycle::{ACTIONS, API_VERSION, Format, RpcCall, within_bounds};

use crate::http::{Handled, param, reply};
use crate::shared::{Inner, Shared};

/// One API call: the gateway's checks, the signature, then the engine.
///
/// The scheme decides where the action and version come from and the reply's default format:
/// a V3 request may name them in the `x-acs-action`/`x-acs-version` headers, which its
/// signature covers, and is answered in JSON; a V1 request signs its parameters only, so its
/// `Action` and `Version` parameters are read and any such header is ignored, and it is
/// answered in XML unless it asks for `Format=JSON`, as Live's common-parameters page says.
///
/// A call the gateway admits (a known action and version, a good signature) then meets the
/// chaos rules (`/_emulator/chaos`): one that fires may delay it and may answer it with an
/// error of its own, in the call's format, before the engine sees it.
pub(crate) async fn api(
    shared: &Shared,
    signed: &auth::Request,
    params: &[(String, String)],
) -> Handled {
    let scheme = auth::Scheme::of(signed);
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (action, version, default_format) = match scheme {
        auth::Scheme::V3 => (
            signed.header("x-acs-action").unwrap_or(""),
            signed.header("x-acs-version").unwrap_or(""),
            Format::Json,
        ),
        auth::Scheme::V1 => ("", "", Format::Xml),
    };
    if !version.is_empty() && !pairs.iter().any(|(k, _)| *k == "Version") {
        pairs.push(("Version", version));
    }
    let named = if action.is_empty() {
        param(params, "Action").unwrap_or("").to_owned()
    } else {
        action.to_owned()
    };
    let version_ok = param(params, "Version")
        .or((!version.is_empty()).then_some(version))
        .is_none_or(|v| v == API_VERSION);
    let format = Format::requested(&pairs, default_format);
    let (account, verdict) = {
        let mut emulator = shared.lock();
        // The gateway looks the API up before it checks the signature: an unknown action or
        // version is answered as such whatever the signature, and so is a parameter list
        // beyond the bounds (whose signature would cost in proportion to its size). The
        // engine answers those without looking at the account.
        let account = if !ACTIONS.contains(&named.as_str()) || !version_ok || !within_bounds(&pairs)
        {
            String::new()
        } else {
            let Inner { keys, nonces, .. } = &mut *emulator;
            // Signatures carry the client's real time: they are checked against the real
            // clock even when the engine runs on the manual one.
            match auth::verify(signed, keys, Utc::now(), nonces) {
                Ok(verified) => verified.account.as_str().to_owned(),
                Err(error) => {
                    let request_id = emulator.refusal_id();
                    let host_id = emulator.engine.config().host_id.clone();
                    let (format, body) = error.body(&request_id, &host_id, format);
                    return Handled {
                        code: error.code().to_owned(),
                        response: reply(error.http_status(), format, body),
                        action: named,
                        account: String::new(),
                    };
                }
            }
        };
        // A call the gateway admitted meets the chaos rules before the engine.
        let verdict = if account.is_empty() {
            None
        } else {
            emulator.chaos.decide(&named, &account)
        };
        (account, verdict)
    };
    let mut error = None;
    if let Some(verdict) = verdict {
        // The lock is not held while waiting.
        if !verdict.latency.is_zero() {
            tokio::time::sleep(verdict.latency).await;
        }
        error = verdict.error;
    }
    let mut emulator = shared.lock();
    if let Some(error) = error {
        // An injected error: the engine never sees the call, so nothing changes (no job, no
        // task, no rate-limit count), and its request id is the gateway's.
        let request_id = emulator.refusal_id();
        let (written, body) = error.body(&request_id, &emulator.engine.config().host_id, format);
        let (status, code) = if written == format {
            (error.status(), error.code())
        } else {
            (500, "InternalError")
        };
        return Handled {
            code: code.to_owned(),
            response: reply(status, written, body),
            action: named,
            account,
        };
    }
    let now = emulator.now();
    let account_or_none = if account.is_empty() { "-" } else { &account };
    // The rate limits count real calls: the real clock, whatever the lifecycle runs on.
    let call = RpcCall::new(account_or_none, action, &pairs, now)
        .arrived_at(Utc::now())
        .default_format(default_format);
    let answer = emulator.engine.handle(call);
    shared.ship_callbacks(&mut emulator);
    Handled {
        response: reply(answer.status(), answer.format(), answer.body().to_owned()),
        action: named,
        account,
        code: answer.code().unwrap_or_default().to_owned(),
    }
}
