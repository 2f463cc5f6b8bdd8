//! The input of the `rpc` target: a small line-based script of calls.
//!
//! Any byte string is a script (the decoder is total: a line it does not understand is
//! skipped), and the seed corpus is written in the same format from the golden fixtures, so
//! the fuzzer starts from real, valid call sequences and a crash is readable as it stands.
//!
//! ```text
//! # a comment (a line starting with #)
//! K {"edge_limits":{"max_jobs":2}}   config overrides, merged into Config::default() (JSON)
//! I job 0123456789abcdef0123456789abcdef   fix the id generator's job (or task) ids
//! N 2030-01-01T09:00:00Z             now := that time (ignored unless it parses)
//! T 3600                             now += 3600 seconds (negative goes back; saturates)
//! U 1002                             the account of the calls that follow (default 1001)
//! C CreateEdgeTranscodeJob           a call: the `action` argument ("" reads `Action`),
//! P ClusterId=c1                     then its parameters in order, `name=value`
//! M Extra 201 1                      201 parameters Extra1..Extra201, each `1`
//! W                                  Engine::advance(now)
//! S pull 0                           Engine::report_stream on task id #0 (pull, push,
//!                                    failed, recover, file-ended, position FILE OFFSET)
//! ```
//!
//! In `P` lines `\n`, `\r`, `\t`, `\0`, `\\` and `\=` are escapes (a name ends at the first
//! unescaped `=`). In values, placeholders are filled in when the call runs: `{{jobN}}` and
//! `{{taskN}}` (the N-th distinct `JobId` / `TaskId` seen in a successful reply, modulo how
//! many there are; `{{job}}` is the latest), `{{now}}`, `{{now+S}}`, `{{now-S}}` (the current
//! `now` shifted by S seconds, as `yyyy-MM-ddTHH:mm:ssZ`) and `{{N*text}}` (text repeated N
//! times, at most [`MAX_EXPANDED`] bytes).

/// The most operations a script runs; the rest is ignored (keeps one input fast).
pub const MAX_OPS: usize = 400;
/// The most parameters one `M` line makes.
pub const MAX_NUMBERED: usize = 300;
/// The longest value a `{{N*text}}` placeholder makes, in bytes: just above the wire's
/// `MAX_VALUE_BYTES`.
pub const MAX_EXPANDED: usize = 300 * 1024;

/// One parameter line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    /// `P name=value` (value before its placeholders are filled in).
    Pair(String, String),
    /// `M prefix count value`: `prefix1=value` … `prefix{count}=value`.
    Numbered {
        /// The name before the number.
        prefix: String,
        /// How many.
        count: usize,
        /// The value of each.
        value: String,
    },
}

/// One operation of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `N`: set `now`.
    Now(String),
    /// `T`: move `now` by seconds.
    Step(i64),
    /// `U`: the account of the following calls.
    Account(String),
    /// `C` with its `P` / `M` lines.
    Call {
        /// The `action` argument.
        action: String,
        /// The parameters in order.
        params: Vec<Param>,
    },
    /// `W`: `Engine::advance(now)`.
    Advance,
    /// `S`: a stream report: its kind and numbers.
    Report(String, Vec<u32>),
}

/// A decoded script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    /// `K`: config overrides (JSON), if the script starts with one.
    pub config: Option<String>,
    /// `I job …`: the fixed job id.
    pub job_id: Option<String>,
    /// `I task …`: the fixed task id.
    pub task_id: Option<String>,
    /// The operations in order.
    pub ops: Vec<Op>,
}

/// Undoes [`escape`]; any other backslash stays as it is.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('0') => out.push('\0'),
            Some('\\') => out.push('\\'),
            Some('=') => out.push('='),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Escapes a name or value for a `P` line.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            '\\' => out.push_str("\\\\"),
            '=' => out.push_str("\\="),
            c => out.push(c),
        }
    }
    out
}

/// Splits a `P` line at its first unescaped `=` (no `=`: a name with an empty value).
fn split_param(arg: &str) -> (String, String) {
    let mut escaped = false;
    for (i, c) in arg.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '=' {
            return (unescape(&arg[..i]), unescape(&arg[i + 1..]));
        }
    }
    (unescape(arg), String::new())
}

/// Decodes any bytes into a script (invalid UTF-8 becomes U+FFFD).
pub fn decode(bytes: &[u8]) -> Script {
    let text = String::from_utf8_lossy(bytes);
    let mut script = Script::default();
    let mut first = true;
    for line in text.split('\n') {
        if script.ops.len() >= MAX_OPS {
            break;
        }
        let mut chars = line.chars();
        let Some(op) = chars.next().filter(|&c| c != '#') else {
            continue;
        };
        let rest = chars.as_str();
        let arg = rest.strip_prefix(' ').unwrap_or(rest);
        let was_first = std::mem::replace(&mut first, false);
        match op {
            'K' if was_first => script.config = Some(arg.to_owned()),
            'I' => match arg.split_once(' ') {
                Some(("job", id)) => script.job_id = Some(unescape(id)),
                Some(("task", id)) => script.task_id = Some(unescape(id)),
                _ => {}
            },
            'N' => script.ops.push(Op::Now(arg.to_owned())),
            'T' => {
                if let Ok(secs) = arg.trim().parse() {
                    script.ops.push(Op::Step(secs));
                }
            }
            'U' => script.ops.push(Op::Account(unescape(arg))),
            'C' => script.ops.push(Op::Call {
                action: unescape(arg),
                params: Vec::new(),
            }),
            'P' | 'M' => {
                let param = if op == 'P' {
                    let (name, value) = split_param(arg);
                    Param::Pair(name, value)
                } else {
                    let mut parts = arg.splitn(3, ' ');
                    let prefix = unescape(parts.next().unwrap_or(""));
                    let count = parts
                        .next()
                        .and_then(|n| n.parse::<usize>().ok())
                        .unwrap_or(0)
                        .min(MAX_NUMBERED);
                    let value = unescape(parts.next().unwrap_or(""));
                    Param::Numbered {
                        prefix,
                        count,
                        value,
                    }
                };
                // A parameter outside a call starts one with an empty action argument.
                match script.ops.last_mut() {
                    Some(Op::Call { params, .. }) => params.push(param),
                    _ => script.ops.push(Op::Call {
                        action: String::new(),
                        params: vec![param],
                    }),
                }
            }
            'W' => script.ops.push(Op::Advance),
            'S' => {
                let mut words = arg.split_whitespace();
                let kind = words.next().unwrap_or("").to_owned();
                let numbers = words.filter_map(|w| w.parse().ok()).take(3).collect();
                script.ops.push(Op::Report(kind, numbers));
            }
            _ => {}
        }
    }
    script
}

/// Writes a script in the format [`decode`] reads.
pub fn encode(script: &Script) -> String {
    let mut out = String::new();
    if let Some(config) = &script.config {
        out.push_str(&format!("K {config}\n"));
    }
    if let Some(id) = &script.job_id {
        out.push_str(&format!("I job {}\n", escape(id)));
    }
    if let Some(id) = &script.task_id {
        out.push_str(&format!("I task {}\n", escape(id)));
    }
    for op in &script.ops {
        match op {
            Op::Now(t) => out.push_str(&format!("N {t}\n")),
            Op::Step(s) => out.push_str(&format!("T {s}\n")),
            Op::Account(a) => out.push_str(&format!("U {}\n", escape(a))),
            Op::Call { action, params } => {
                out.push_str(&format!("C {}\n", escape(action)));
                for p in params {
                    match p {
                        Param::Pair(n, v) => {
                            out.push_str(&format!("P {}={}\n", escape(n), escape(v)));
                        }
                        Param::Numbered {
                            prefix,
                            count,
                            value,
                        } => out.push_str(&format!(
                            "M {} {count} {}\n",
                            escape(prefix),
                            escape(value)
                        )),
                    }
                }
            }
            Op::Advance => out.push_str("W\n"),
            Op::Report(kind, numbers) => {
                out.push_str("S ");
                out.push_str(kind);
                for n in numbers {
                    out.push_str(&format!(" {n}"));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// What the placeholders of a value refer to.
#[derive(Debug, Default)]
pub struct Known {
    /// Distinct `JobId`s seen in successful replies, oldest first.
    pub jobs: Vec<String>,
    /// Distinct `TaskId`s seen in successful replies, oldest first.
    pub tasks: Vec<String>,
}

impl Known {
    /// Records every `JobId` / `TaskId` string of a reply body.
    pub fn learn(&mut self, body: &serde_json::Value) {
        match body {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    if let serde_json::Value::String(id) = value {
                        let list = match key.as_str() {
                            "JobId" => &mut self.jobs,
                            "TaskId" => &mut self.tasks,
                            _ => continue,
                        };
                        if !list.contains(id) {
                            list.push(id.clone());
                        }
                    } else {
                        self.learn(value);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| self.learn(v)),
            _ => {}
        }
    }

    fn pick(list: &[String], index: &str) -> Option<String> {
        if list.is_empty() {
            return None;
        }
        if index.is_empty() {
            return list.last().cloned();
        }
        let n: usize = index.parse().ok()?;
        list.get(n % list.len()).cloned()
    }
}

/// `now` shifted by `secs`, saturating at the ends of chrono's range.
pub fn shift(now: chrono::DateTime<chrono::Utc>, secs: i64) -> chrono::DateTime<chrono::Utc> {
    use chrono::{DateTime, TimeDelta, Utc};
    let delta = TimeDelta::try_seconds(secs).unwrap_or(if secs < 0 {
        TimeDelta::MIN
    } else {
        TimeDelta::MAX
    });
    now.checked_add_signed(delta).unwrap_or(if secs < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

/// Fills in the placeholders of a value.
pub fn expand(value: &str, known: &Known, now: chrono::DateTime<chrono::Utc>) -> String {
    if !value.contains("{{") {
        return value.to_owned();
    }
    let mut out = String::new();
    let mut rest = value;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &after[..close];
        let filled = if let Some(index) = inner.strip_prefix("job") {
            Known::pick(&known.jobs, index)
        } else if let Some(index) = inner.strip_prefix("task") {
            Known::pick(&known.tasks, index)
        } else if let Some(offset) = inner.strip_prefix("now") {
            let secs = match offset.as_bytes().first() {
                None => Some(0),
                Some(b'+') => offset[1..].parse::<i64>().ok(),
                Some(b'-') => offset[1..].parse::<i64>().ok().map(i64::wrapping_neg),
                _ => None,
            };
            secs.map(|s| live_lifecycle::time::format_utc(&shift(now, s)))
        } else if let Some((n, text)) = inner.split_once('*') {
            n.parse::<usize>().ok().map(|n| {
                let n = if text.is_empty() {
                    0
                } else {
                    n.min(MAX_EXPANDED / text.len())
                };
                text.repeat(n)
            })
        } else {
            None
        };
        match filled {
            Some(text) => out.push_str(&text),
            None => out.push_str(&rest[open..open + 2 + close + 2]),
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let script = Script {
            config: Some(r#"{"edge_limits":{"max_jobs":2}}"#.into()),
            job_id: Some("j 1".into()),
            task_id: None,
            ops: vec![
                Op::Now("2030-01-01T00:00:00Z".into()),
                Op::Step(-5),
                Op::Account("10 01".into()),
                Op::Call {
                    action: String::new(),
                    params: vec![
                        Param::Pair("Action".into(), "List=\n\\x".into()),
                        Param::Pair("a=b".into(), String::new()),
                        Param::Numbered {
                            prefix: "Extra".into(),
                            count: 3,
                            value: "1 2".into(),
                        },
                    ],
                },
                Op::Advance,
                Op::Report("position".into(), vec![1, 2, 3]),
            ],
        };
        assert_eq!(decode(encode(&script).as_bytes()), script);
    }

    #[test]
    fn placeholders() {
        let known = Known {
            jobs: vec!["a".into(), "b".into()],
            tasks: vec![],
        };
        let now = live_lifecycle::time::parse_utc("2030-01-01T00:00:00Z").unwrap();
        assert_eq!(expand("{{job}}{{job0}}{{job3}}", &known, now), "bab");
        assert_eq!(expand("{{task}}", &known, now), "{{task}}");
        assert_eq!(expand("x{{now+60}}", &known, now), "x2030-01-01T00:01:00Z");
        assert_eq!(expand("{{3*ab}}{{", &known, now), "ababab{{");
    }
}
