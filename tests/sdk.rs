//! Runs the Python suite in `tests/sdk/`: Alibaba's official SDK against the emulator example.
//!
//! It builds the emulator, makes the virtual environment `.venv` with the pinned SDK from PyPI
//! if it is not there yet (`.ci/run` makes it beforehand), and runs pytest, which starts and
//! stops the emulator itself, its log in `sdk-emulator.log` under `CARGO_TARGET_TMPDIR`. Set
//! `LIVE_LIFECYCLE_SKIP_SDK=1` to skip it on a machine without Python or without access to
//! PyPI.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

fn run(command: &mut Command, what: &str) {
    let status = command
        .status()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(status.success(), "{what} failed ({status})");
}

/// Builds the emulator example and returns where Cargo put it, as its JSON messages say:
/// right for any `CARGO_TARGET_DIR`, `--target-dir` or build configuration.
fn build_emulator(crate_dir: &Path) -> PathBuf {
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

fn venv_python(crate_dir: &Path) -> PathBuf {
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

#[test]
fn official_python_sdk_against_the_emulator() {
    if std::env::var_os("LIVE_LIFECYCLE_SKIP_SDK").is_some() {
        eprintln!("LIVE_LIFECYCLE_SKIP_SDK is set: the SDK suite is skipped");
        return;
    }
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let emulator = build_emulator(crate_dir);
    // Cargo's scratch directory for integration tests, inside whatever target directory
    // this build uses.
    let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sdk-emulator.log");
    let python = venv_python(crate_dir);
    run(
        Command::new(python)
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/sdk"])
            .env("EMULATOR_BIN", &emulator)
            .env("EMULATOR_LOG", &log)
            .current_dir(crate_dir),
        &format!("pytest tests/sdk (emulator log: {})", log.display()),
    );
}
