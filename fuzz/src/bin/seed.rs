//! Builds the seed corpus from the golden fixtures (`tests/fixtures/rpc/*.json`):
//!
//! - `corpus/rpc/<fixture>.txt`: each scenario as a script (`src/script.rs`): its config and
//!   fixed ids, its accounts, times (the first absolute, then steps), calls and parameters.
//!   Ids the scenario got back become `{{jobN}}` / `{{taskN}}` and parseable StartTime /
//!   EndTime values `{{now±S}}`, so the seeds stay meaningful when the fuzzer moves time or
//!   drops a call; the huge values of the size checks become `{{N*x}}` and `M` lines.
//!   Each script is run once here and its statuses compared with the fixture's.
//! - `corpus/parsers/<field>-<hash>`: every distinct time and URL value the fixtures send
//!   (`StartTime`, `EndTime`, `Timestamp`, `StreamInput`, `StreamOutput`, `DstUrl`,
//!   `CallbackUrl`, each entry of `SourceUrls`), and a few edge cases of the URL rules.
//!
//! Run by `fuzz/seed.sh`; rewrites both directories.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use live_lifecycle::time::parse_utc;
use live_lifecycle_fuzz::rpc;
use live_lifecycle_fuzz::script::{self, Known, Op, Param, Script};
use serde_json::Value;

/// Values the fixtures do not send but the URL and time rules of the README name.
const EXTRA_PARSER_SEEDS: &[&str] = &[
    "srt://edge.example.com:9000?streamid=live/s1",
    "srt://edge.example.com",
    "rtmps://h/a/b",
    "RTMP://H/A/B",
    "rtmp://@host/app/s",
    "rtmp://user:pass@host/app/s",
    "rtmp://host/app/s#frag",
    "rtmp://host/app",
    "rtmp://host//s",
    "rtsp://cam.example.com:554/stream",
    "https://cdn.example.com/a.MP4?x=1",
    "http://[::1]:8080/cb",
    "a1b2c3d4e5\nhttps://cdn.example.com/b.flv",
    "2024-02-29T23:59:59Z",
    "2023-02-29T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:60Z",
];

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A fixture's `{"repeat": "a", "times": 9}` or plain text.
fn text_of(value: &Value) -> Option<(String, Option<(String, usize)>)> {
    match value {
        Value::String(s) => Some((s.clone(), None)),
        Value::Object(o) => {
            let repeat = o.get("repeat")?.as_str()?.to_owned();
            let times = usize::try_from(o.get("times")?.as_u64()?).ok()?;
            Some((repeat.repeat(times), Some((repeat, times))))
        }
        _ => None,
    }
}

struct Seeds {
    parsers: BTreeMap<String, String>,
}

impl Seeds {
    fn parser_value(&mut self, field: &str, value: &str) {
        if value.len() <= 4096 {
            self.parsers
                .entry(value.to_owned())
                .or_insert_with(|| field.to_owned());
        }
    }

    /// One fixture as a script, and the statuses it expects.
    fn script_of(&mut self, fixture: &Value) -> (Script, Vec<u16>) {
        let mut script = Script {
            config: fixture
                .get("config")
                .filter(|c| !c.is_null())
                .map(Value::to_string),
            job_id: fixture
                .pointer("/ids/job")
                .and_then(Value::as_str)
                .map(str::to_owned),
            task_id: fixture
                .pointer("/ids/task")
                .and_then(Value::as_str)
                .map(str::to_owned),
            ops: Vec::new(),
        };
        let mut statuses = Vec::new();
        let mut known = Known::default();
        let mut account = "1001".to_owned();
        let mut now = None;
        let steps = fixture.get("steps").and_then(Value::as_array);
        for step in steps.into_iter().flatten() {
            let text = |key: &str| step.get(key).and_then(Value::as_str).unwrap_or("");
            if text("account") != account {
                account = text("account").to_owned();
                script.ops.push(Op::Account(account.clone()));
            }
            let step_now = parse_utc(text("now")).ok();
            match (now, step_now) {
                (Some(before), Some(at)) if at != before => {
                    script.ops.push(Op::Step((at - before).num_seconds()));
                }
                (None, Some(_)) => script.ops.push(Op::Now(text("now").to_owned())),
                _ => {}
            }
            now = step_now.or(now);
            let mut params = Vec::new();
            let list = step.get("params").and_then(Value::as_array);
            for param in list.into_iter().flatten() {
                params.push(self.param_of(param, &known, now));
            }
            script.ops.push(Op::Call {
                action: text("action").to_owned(),
                params,
            });
            let status = step
                .get("status")
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or(0);
            statuses.push(status);
            if status == 200
                && let Some(body) = step.get("body")
            {
                known.learn(body);
            }
        }
        (script, statuses)
    }

    fn param_of(
        &mut self,
        param: &Value,
        known: &Known,
        now: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Param {
        if let Some(prefix) = param.get("numbered").and_then(Value::as_str) {
            return Param::Numbered {
                prefix: prefix.to_owned(),
                count: param
                    .get("count")
                    .and_then(Value::as_u64)
                    .and_then(|c| usize::try_from(c).ok())
                    .unwrap_or(0),
                value: param
                    .get("value")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
            };
        }
        let (name, value) = match param {
            Value::Array(pair) => (pair.first(), pair.get(1)),
            _ => (param.get("name"), param.get("value")),
        };
        let (name, _) = name.and_then(text_of).unwrap_or_default();
        let (value, repeated) = value.and_then(text_of).unwrap_or_default();
        if let Some((unit, times)) = repeated {
            return Param::Pair(name, format!("{{{{{times}*{unit}}}}}"));
        }
        match name.as_str() {
            "StartTime" | "EndTime" | "Timestamp" | "StreamInput" | "StreamOutput" | "DstUrl"
            | "CallbackUrl" => self.parser_value(&name, &value),
            "SourceUrls" => {
                for url in serde_json::from_str::<Vec<String>>(&value).unwrap_or_default() {
                    self.parser_value("SourceUrls", &url);
                }
            }
            _ => {}
        }
        let placeholder = if let Some(i) = known.jobs.iter().position(|j| *j == value) {
            Some(format!("{{{{job{i}}}}}"))
        } else if let Some(i) = known.tasks.iter().position(|t| *t == value) {
            Some(format!("{{{{task{i}}}}}"))
        } else if matches!(name.as_str(), "StartTime" | "EndTime")
            && let (Ok(at), Some(now)) = (parse_utc(&value), now)
        {
            let secs = (at - now).num_seconds();
            Some(if secs < 0 {
                format!("{{{{now-{}}}}}", secs.unsigned_abs())
            } else {
                format!("{{{{now+{secs}}}}}")
            })
        } else {
            None
        };
        // Text that happens to look like a placeholder stays literal only if expanding it
        // changes nothing; the fixtures have none.
        Param::Pair(name, placeholder.unwrap_or(value))
    }
}

fn write_dir(dir: &Path, files: &BTreeMap<String, String>) {
    if dir.exists() {
        for entry in std::fs::read_dir(dir).expect("a corpus directory") {
            std::fs::remove_file(entry.expect("an entry").path()).expect("removable");
        }
    }
    std::fs::create_dir_all(dir).expect("a corpus directory");
    for (name, content) in files {
        std::fs::write(dir.join(name), content).expect("a seed written");
    }
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("../tests/fixtures/rpc");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("tests/fixtures/rpc")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    let mut seeds = Seeds {
        parsers: BTreeMap::new(),
    };
    let mut rpc_files = BTreeMap::new();
    let mut mismatches = 0;
    for path in &names {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("fixture")
            .to_owned();
        let fixture: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("a fixture"))
                .expect("fixture JSON");
        let (script, expected) = seeds.script_of(&fixture);
        let text = format!(
            "# from tests/fixtures/rpc/{stem}.json\n{}",
            script::encode(&script)
        );
        let decoded = script::decode(text.as_bytes());
        assert_eq!(
            decoded, script,
            "{stem}: the script does not decode to itself"
        );
        let got = rpc::run(&decoded).statuses;
        if got != expected {
            mismatches += 1;
            eprintln!("{stem}: statuses {got:?}, the fixture says {expected:?}");
        }
        println!(
            "corpus/rpc/{stem}.txt: {} calls, {} bytes",
            expected.len(),
            text.len()
        );
        rpc_files.insert(format!("{stem}.txt"), text);
    }
    for extra in EXTRA_PARSER_SEEDS {
        seeds.parser_value("extra", extra);
    }
    let parser_files: BTreeMap<String, String> = seeds
        .parsers
        .iter()
        .map(|(value, field)| (format!("{field}-{:016x}", fnv(value)), value.clone()))
        .collect();
    println!("corpus/parsers: {} values", parser_files.len());
    write_dir(&root.join("corpus/rpc"), &rpc_files);
    write_dir(&root.join("corpus/parsers"), &parser_files);
    if mismatches > 0 {
        eprintln!("{mismatches} fixture(s) replayed with other statuses than recorded");
        std::process::exit(1);
    }
}
