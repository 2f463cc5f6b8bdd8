//! Shared by the SDK suites' runners (`tests/sdk.rs` and any other): run a command, build the
//! emulator example and find its executable, and the explicit switch that skips a suite.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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

pub fn venv_python(crate_dir: &Path) -> PathBuf {
    let venv = crate_dir.join(".venv");
    let python = venv.join("bin").join("python");
    if !python.exists() {
        run(
            Command::new("python3").arg("-m").arg("venv").arg(&venv),
            "python3 -m venv .venv",
        );
        run(
            Command::new(&python)
                .args(["-m", "pip", "install", "--quiet", "-r"])
                .arg(crate_dir.join("tests/sdk/requirements.txt")),
            "pip install -r tests/sdk/requirements.txt",
        );
    }
    python
}
