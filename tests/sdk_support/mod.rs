//! Shared by the SDK suites' runners (`tests/sdk.rs` and any other): run a command, build the
//! emulator example and find its executable, the explicit switch that skips a suite, and the
//! Python virtual environment with the pins of the Python suites. Beside it,
//! `live_emulator.py` is what the Python suites share: the emulator process and its fixtures.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use serde_json::Value;

/// True, with a line on stderr, when `var` is set: the suite is skipped.
pub fn skipped(var: &str) -> bool {
    let skip = std::env::var_os(var).is_some();
    if skip {
        eprintln!("{var} is set: this SDK suite is skipped");
    }
    skip
}

/// Runs `command` and fails the test, naming `what`, unless it succeeds.
pub fn run(command: &mut Command, what: &str) {
    let status = command
        .status()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(status.success(), "{what} failed ({status})");
}

/// Builds the emulator example and returns where Cargo put it, as its JSON messages say:
/// right for any `CARGO_TARGET_DIR`, `--target-dir` or build configuration.
pub fn build_emulator(crate_dir: &Path) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let what = "cargo build --example emulator";
    let output = Command::new(&cargo)
        .args(["build", "--example", "emulator"])
        .arg("--message-format=json-render-diagnostics")
        .current_dir(crate_dir)
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(output.status.success(), "{what} failed ({})", output.status);
    let emulator = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|message| {
            message["reason"] == "compiler-artifact"
                && message["target"]["name"] == "emulator"
                && message["target"]["kind"]
                    .as_array()
                    .is_some_and(|kinds| kinds.iter().any(|kind| kind == "example"))
        })
        .and_then(|artifact| artifact["executable"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| panic!("{what} reported no emulator executable"));
    assert!(emulator.exists(), "no emulator at {}", emulator.display());
    emulator
}

/// The pip requirement files of the Python suites, relative to the crate. Both suites run in
/// one virtual environment, `.venv`: their pins do not conflict, and pip installs them
/// together so that a future conflict fails the install rather than a suite.
pub const PYTHON_REQUIREMENTS: [&str; 2] = [
    "tests/sdk/requirements.txt",
    "tests/sdk_legacy/requirements.txt",
];

/// Exits 0 when every `name==version` line of the requirement files named in its arguments is
/// the version installed, else 1.
const PINS_INSTALLED: &str = r##"
import importlib.metadata as metadata
import sys

def installed(pin):
    name, _, version = pin.partition("==")
    try:
        return metadata.version(name.strip()) == version.strip()
    except metadata.PackageNotFoundError:
        return False

pins = [line.split("#")[0].strip() for path in sys.argv[1:] for line in open(path)]
sys.exit(0 if all(installed(pin) for pin in pins if pin) else 1)
"##;

/// Serialises the making of `.venv` between the tests of one binary, which Cargo runs in
/// parallel.
static VENV: Mutex<()> = Mutex::new(());

/// The Python of `.venv`, made with `python3 -m venv` if it is not there, with every pin of
/// `PYTHON_REQUIREMENTS` installed from PyPI unless they all are already (so a `.venv` made
/// before a suite or a pin was added gets what it lacks).
pub fn venv_python(crate_dir: &Path) -> PathBuf {
    let _one_at_a_time = VENV.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let venv = crate_dir.join(".venv");
    let python = venv.join("bin").join("python");
    if !python.exists() {
        run(
            Command::new("python3").arg("-m").arg("venv").arg(&venv),
            "python3 -m venv .venv",
        );
    }
    let requirements = PYTHON_REQUIREMENTS.map(|file| crate_dir.join(file));
    let installed = Command::new(&python)
        .args(["-c", PINS_INSTALLED])
        .args(&requirements)
        .status()
        .unwrap_or_else(|e| panic!("{}: cannot start: {e}", python.display()));
    if !installed.success() {
        let mut pip = Command::new(&python);
        pip.args(["-m", "pip", "install", "--quiet"]);
        for file in &requirements {
            pip.arg("-r").arg(file);
        }
        run(
            &mut pip,
            &format!("pip install -r {}", PYTHON_REQUIREMENTS.join(" -r ")),
        );
    }
    python
}
