//! Runs the Python suite in `tests/sdk/`: Alibaba's official SDK against the emulator example.
//!
//! It builds the emulator, makes the virtual environment `.venv` with the pinned SDK from PyPI
//! if it is not there yet (`.ci/run` makes it beforehand), and runs pytest, which starts and
//! stops the emulator itself. Set `LIVE_LIFECYCLE_SKIP_SDK=1` to skip it on a machine without
//! Python or without access to PyPI.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn run(command: &mut Command, what: &str) {
    let status = command
        .status()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(status.success(), "{what} failed ({status})");
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
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    run(
        Command::new(&cargo)
            .args(["build", "--example", "emulator"])
            .current_dir(crate_dir),
        "cargo build --example emulator",
    );
    // The example sits beside this test's own binary: target/<profile>/examples/.
    let target = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap();
    let emulator = target.join("examples").join("emulator");
    assert!(emulator.exists(), "no emulator at {}", emulator.display());
    let python = venv_python(crate_dir);
    run(
        Command::new(python)
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/sdk"])
            .env("EMULATOR_BIN", &emulator)
            .current_dir(crate_dir),
        "pytest tests/sdk",
    );
}
