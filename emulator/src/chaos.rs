//! Injected API errors and latency: the rules of `/_emulator/chaos`.
//!
//! A rule names an action (or `*`), optionally an account, and what to do to the calls that
//! match: answer a documented error code with its documented status, wait, or both. It fires
//! on the first `Count` matching calls, or on each with a `Probability`. The first rule, in
//! the order they were added, that matches a call and fires decides it; a call no rule fires
//! on goes on as usual. The rules are bounded ([`MAX_RULES`]); a rule whose count is spent is
//! dropped.

use std::time::Duration;

use live_lifecycle::auth::AuthError;
use live_lifecycle::{ACTIONS, ApiError, Config, Format, Rejection};
use serde_json::{Value, json};

/// The most rules held at once; one more is refused.
pub(crate) const MAX_RULES: usize = 100;
/// The longest latency a rule may add: under the 10 s a request may take.
pub(crate) const MAX_LATENCY_MS: u64 = 9_000;

/// The fields a rule may have.
const FIELDS: [&str; 6] = [
    "Action",
    "AccessKeyId",
    "Code",
    "Count",
    "Probability",
    "LatencyMs",
];

/// A documented error, of the API or of its gateway, that a rule answers with.
#[derive(Debug, Clone)]
pub(crate) enum Injected {
    Api(ApiError),
    Auth(AuthError),
}

impl Injected {
    /// The documented error of `code`, its limits those of `config`.
    fn of(code: &str, config: &Config) -> Option<Self> {
        ApiError::injected(code, config)
            .map(Self::Api)
            .or_else(|| AuthError::injected(code).map(Self::Auth))
    }

    pub(crate) fn code(&self) -> &'static str {
        match self {
            Self::Api(e) => e.code(),
            Self::Auth(e) => e.code(),
        }
    }

    pub(crate) fn status(&self) -> u16 {
        match self {
            Self::Api(e) => e.http_status(),
            Self::Auth(e) => e.http_status(),
        }
    }

    /// The error body in `format`, as the engine or the gateway writes it: the format, and
    /// the body (a JSON `InternalError` in the one case the format cannot be written).
    pub(crate) fn body(&self, request_id: &str, host_id: &str, format: Format) -> (Format, String) {
        match self {
            Self::Api(error) => Rejection {
                request_id: request_id.into(),
                host_id: host_id.to_owned(),
                error: error.clone(),
            }
            .body(format),
            Self::Auth(error) => error.body(request_id, host_id, format),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Trigger {
    /// The next this many matching calls.
    Count(u64),
    /// Each matching call with this probability, in (0, 1].
    Probability(f64),
}

/// One rule.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    id: u64,
    /// An action of [`ACTIONS`], or `*` for any.
    action: String,
    /// The account whose calls it matches; `None`: every account's.
    account: Option<String>,
    error: Option<Injected>,
    trigger: Trigger,
    latency_ms: u64,
}

impl Rule {
    fn matches(&self, action: &str, account: &str) -> bool {
        (self.action == "*" || self.action == action)
            && self.account.as_deref().is_none_or(|a| a == account)
    }

    fn to_json(&self) -> Value {
        let (count, probability) = match self.trigger {
            Trigger::Count(n) => (Some(n), None),
            Trigger::Probability(p) => (None, Some(p)),
        };
        json!({
            "Id": self.id,
            "Action": self.action,
            "AccessKeyId": self.account,
            "Code": self.error.as_ref().map(Injected::code),
            "Status": self.error.as_ref().map(Injected::status),
            "Count": count,
            "Probability": probability,
            "LatencyMs": self.latency_ms,
        })
    }
}

/// Why a rule was refused: the status, the code and the message of the control plane's reply.
#[derive(Debug, PartialEq)]
pub(crate) struct Refusal {
    pub(crate) status: u16,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

fn invalid(message: impl Into<String>) -> Refusal {
    Refusal {
        status: 400,
        code: "InvalidParameter",
        message: message.into(),
    }
}

/// A rule read from its JSON, `{Action, AccessKeyId?, Code?, Count? | Probability?,
/// LatencyMs?}`, its id not yet given. `account` is the account of an `AccessKeyId` (`None`:
/// the key is unknown).
pub(crate) fn parse(
    rule: &Value,
    account: impl Fn(&str) -> Option<String>,
    config: &Config,
) -> Result<Rule, Refusal> {
    let Some(fields) = rule.as_object() else {
        return Err(invalid("The body must be a JSON object: a chaos rule."));
    };
    if let Some(unknown) = fields.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(invalid(format!(
            "A chaos rule has no field {unknown}; its fields are {}.",
            FIELDS.join(", ")
        )));
    }
    let text = |name: &str| -> Result<Option<&str>, Refusal> {
        match fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(invalid(format!("{name} must be a string."))),
        }
    };
    let action = match text("Action")? {
        Some(action) if action == "*" || ACTIONS.contains(&action) => action.to_owned(),
        Some(action) => {
            return Err(invalid(format!(
                "Action {action} is not an operation of the API (or *, for any)."
            )));
        }
        None => {
            return Err(Refusal {
                status: 400,
                code: "MissingParameter",
                message: "Action is mandatory: an operation of the API, or * for any.".into(),
            });
        }
    };
    let account = match text("AccessKeyId")? {
        None => None,
        Some(id) => Some(account(id).ok_or_else(|| Refusal {
            status: 404,
            code: "InvalidAccessKeyId.NotFound",
            message: "Specified access key is not found.".into(),
        })?),
    };
    let error = match text("Code")? {
        None => None,
        Some(code) => Some(Injected::of(code, config).ok_or_else(|| {
            invalid(format!(
                "Code {code} is not an error code the API or its gateway documents."
            ))
        })?),
    };
    let whole = |name: &str| -> Result<Option<u64>, Refusal> {
        match fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => value
                .as_u64()
                .map(Some)
                .ok_or_else(|| invalid(format!("{name} must be a whole number, 0 or more."))),
        }
    };
    let count = whole("Count")?;
    let probability = match fields.get("Probability") {
        None | Some(Value::Null) => None,
        Some(value) => Some(value.as_f64().ok_or_else(|| {
            invalid("Probability must be a number greater than 0 and at most 1.")
        })?),
    };
    let trigger = match (count, probability) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "A chaos rule takes Count or Probability, not both.",
            ));
        }
        (Some(0), None) => return Err(invalid("Count must be 1 or more.")),
        (Some(n), None) => Trigger::Count(n),
        (None, Some(p)) if p > 0.0 && p <= 1.0 => Trigger::Probability(p),
        (None, Some(_)) => {
            return Err(invalid(
                "Probability must be a number greater than 0 and at most 1.",
            ));
        }
        (None, None) => Trigger::Probability(1.0),
    };
    let latency_ms = whole("LatencyMs")?.unwrap_or(0);
    if latency_ms > MAX_LATENCY_MS {
        return Err(invalid(format!(
            "LatencyMs must be at most {MAX_LATENCY_MS}: a request may take 10 s."
        )));
    }
    if error.is_none() && latency_ms == 0 {
        return Err(Refusal {
            status: 400,
            code: "MissingParameter",
            message: "A chaos rule needs a Code, a LatencyMs, or both.".into(),
        });
    }
    Ok(Rule {
        id: 0,
        action,
        account,
        error,
        trigger,
        latency_ms,
    })
}

/// What a rule does to one call.
#[derive(Debug)]
pub(crate) struct Verdict {
    /// Wait this long first.
    pub(crate) latency: Duration,
    /// Then answer this error, without the engine; `None`: the engine answers.
    pub(crate) error: Option<Injected>,
}

/// The rules, in the order they were added.
pub(crate) struct Chaos {
    rules: Vec<Rule>,
    next_id: u64,
    rng: fastrand::Rng,
}

impl Chaos {
    pub(crate) fn new() -> Self {
        Self {
            rules: Vec::new(),
            next_id: 1,
            rng: fastrand::Rng::new(),
        }
    }

    /// Adds a rule and gives it its id; its JSON as listed, or the refusal when
    /// [`MAX_RULES`] are held.
    pub(crate) fn add(&mut self, mut rule: Rule) -> Result<Value, Refusal> {
        if self.rules.len() >= MAX_RULES {
            return Err(invalid(format!(
                "At most {MAX_RULES} chaos rules are held; DELETE /_emulator/chaos clears them."
            )));
        }
        rule.id = self.next_id;
        self.next_id = self.next_id.saturating_add(1);
        let listed = rule.to_json();
        self.rules.push(rule);
        Ok(listed)
    }

    /// The rules as JSON, in the order they apply.
    pub(crate) fn list(&self) -> Vec<Value> {
        self.rules.iter().map(Rule::to_json).collect()
    }

    /// Drops the rule `id`, or every rule; how many went.
    pub(crate) fn remove(&mut self, id: Option<u64>) -> usize {
        let before = self.rules.len();
        match id {
            Some(id) => self.rules.retain(|r| r.id != id),
            None => self.rules.clear(),
        }
        before - self.rules.len()
    }

    /// Drops the rules scoped to `account` (those of every account stay).
    pub(crate) fn forget_account(&mut self, account: &str) {
        self.rules
            .retain(|r| r.account.as_deref().is_none_or(|a| a != account));
    }

    /// What the rules do to a call of `action` by `account`: the first that matches and
    /// fires decides (a count goes down by one; a spent rule goes); `None`: nothing.
    pub(crate) fn decide(&mut self, action: &str, account: &str) -> Option<Verdict> {
        let rng = &mut self.rng;
        let position = self.rules.iter_mut().position(|rule| {
            if !rule.matches(action, account) {
                return false;
            }
            match &mut rule.trigger {
                Trigger::Count(n) => {
                    *n = n.saturating_sub(1);
                    true
                }
                Trigger::Probability(p) => rng.f64() < *p,
            }
        })?;
        let rule = self.rules.get(position)?;
        let verdict = Verdict {
            latency: Duration::from_millis(rule.latency_ms),
            error: rule.error.clone(),
        };
        if matches!(rule.trigger, Trigger::Count(0)) {
            self.rules.remove(position);
        }
        Some(verdict)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn rule(value: Value) -> Result<Rule, Refusal> {
        parse(
            &value,
            |id| (id == "LTAIa").then(|| "LTAIa".to_owned()),
            &Config::default(),
        )
    }

    #[test]
    fn a_rule_is_read_with_its_documented_status_and_defaults() {
        let mut chaos = Chaos::new();
        let listed = chaos
            .add(
                rule(json!({"Action": "CreateLivePullToPush", "Code": "Throttling.User"})).unwrap(),
            )
            .unwrap();
        assert_eq!(listed["Id"], 1);
        assert_eq!(listed["Status"], 400);
        assert_eq!(listed["Probability"], 1.0);
        assert_eq!(listed["Count"], Value::Null);
        assert_eq!(listed["AccessKeyId"], Value::Null);
        let auth = rule(json!({"Action": "*", "Code": "InvalidAccessKeyId.NotFound", "Count": 1}));
        assert_eq!(auth.unwrap().error.unwrap().status(), 404);
    }

    #[test]
    fn a_bad_rule_is_refused_with_the_reason() {
        let refused = |value: Value| rule(value).err().map(|r| (r.status, r.code));
        let bad = (400, "InvalidParameter");
        assert_eq!(refused(json!([])), Some(bad));
        assert_eq!(
            refused(json!({"Code": "InternalError"})),
            Some((400, "MissingParameter"))
        );
        assert_eq!(
            refused(json!({"Action": "Nope", "Code": "InternalError"})),
            Some(bad)
        );
        assert_eq!(refused(json!({"Action": "*", "Code": "Nope"})), Some(bad));
        assert_eq!(
            refused(json!({"Action": "*"})),
            Some((400, "MissingParameter"))
        );
        assert_eq!(
            refused(json!({"Action": "*", "Code": "InternalError", "Count": 0})),
            Some(bad)
        );
        assert_eq!(
            refused(
                json!({"Action": "*", "Code": "InternalError", "Count": 1, "Probability": 0.5})
            ),
            Some(bad)
        );
        for p in [0.0, 1.5, -1.0] {
            assert_eq!(
                refused(json!({"Action": "*", "Code": "InternalError", "Probability": p})),
                Some(bad)
            );
        }
        assert_eq!(
            refused(json!({"Action": "*", "LatencyMs": 9001})),
            Some(bad)
        );
        assert_eq!(refused(json!({"Action": "*", "LatencyMs": -1})), Some(bad));
        assert_eq!(
            refused(json!({"Action": "*", "Code": "InternalError", "count": 1})),
            Some(bad)
        );
        assert_eq!(
            refused(json!({"Action": "*", "Code": "InternalError", "AccessKeyId": "LTAIb"})),
            Some((404, "InvalidAccessKeyId.NotFound"))
        );
        assert!(rule(json!({"Action": "*", "LatencyMs": 9000})).is_ok());
    }

    #[test]
    fn a_count_fires_that_many_times_on_matching_calls_then_goes() {
        let mut chaos = Chaos::new();
        let scoped = json!({"Action": "GetEdgeTranscodeJob", "AccessKeyId": "LTAIa", "Code": "InternalError", "Count": 2});
        chaos.add(rule(scoped).unwrap()).unwrap();
        assert!(chaos.decide("GetEdgeTranscodeJob", "LTAIb").is_none());
        assert!(chaos.decide("ListEdgeTranscodeJob", "LTAIa").is_none());
        for _ in 0..2 {
            let verdict = chaos.decide("GetEdgeTranscodeJob", "LTAIa").unwrap();
            assert_eq!(verdict.error.unwrap().code(), "InternalError");
        }
        assert!(chaos.decide("GetEdgeTranscodeJob", "LTAIa").is_none());
        assert!(chaos.list().is_empty());
    }

    #[test]
    fn the_first_rule_that_fires_decides_and_the_list_is_bounded() {
        let mut chaos = Chaos::new();
        chaos
            .add(rule(json!({"Action": "*", "LatencyMs": 5, "Count": 1})).unwrap())
            .unwrap();
        chaos
            .add(rule(json!({"Action": "*", "Code": "InternalError"})).unwrap())
            .unwrap();
        let first = chaos.decide("ListEdgeTranscodeJob", "x").unwrap();
        assert_eq!(first.latency, Duration::from_millis(5));
        assert!(first.error.is_none());
        let second = chaos.decide("ListEdgeTranscodeJob", "x").unwrap();
        assert_eq!(second.error.unwrap().code(), "InternalError");
        while chaos.list().len() < MAX_RULES {
            chaos
                .add(rule(json!({"Action": "*", "LatencyMs": 1})).unwrap())
                .unwrap();
        }
        let refused = chaos.add(rule(json!({"Action": "*", "LatencyMs": 1})).unwrap());
        assert_eq!(refused.err().map(|r| r.status), Some(400));
        assert_eq!(chaos.remove(Some(2)), 1);
        assert_eq!(chaos.remove(None), MAX_RULES - 1);
    }

    #[test]
    fn forgetting_an_account_keeps_the_rules_of_every_account() {
        let mut chaos = Chaos::new();
        chaos
            .add(rule(json!({"Action": "*", "AccessKeyId": "LTAIa", "LatencyMs": 1})).unwrap())
            .unwrap();
        chaos
            .add(rule(json!({"Action": "*", "LatencyMs": 1})).unwrap())
            .unwrap();
        chaos.forget_account("LTAIa");
        let left = chaos.list();
        assert_eq!(left.len(), 1);
        assert_eq!(left.first().map(|r| &r["AccessKeyId"]), Some(&Value::Null));
    }

    #[test]
    fn a_probability_fires_about_that_often() {
        let mut chaos = Chaos::new();
        chaos
            .add(rule(json!({"Action": "*", "Code": "InternalError", "Probability": 0.5})).unwrap())
            .unwrap();
        let fired = (0..1000)
            .filter(|_| chaos.decide("ListEdgeTranscodeJob", "x").is_some())
            .count();
        assert!((350..650).contains(&fired), "{fired}");
    }
}
