//! Runs the Python suite in `tests/sdk/`: Alibaba's official SDK against the emulator example.
//!
//! It builds the emulator, makes the virtual environment `.venv` with the pinned SDK from PyPI
//! if it is not there yet (`.ci/run` makes it beforehand), and runs pytest, which starts and
//! stops the emulator itself, its log in `sdk-emulator.log` under `CARGO_TARGET_TMPDIR`. Set
//! `LIVE_LIFECYCLE_SKIP_SDK=1` to skip it on a machine without Python or without access to
//! PyPI.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod sdk_support;

use std::path::Path;
use std::process::Command;

use sdk_support::{build_emulator, run, skipped, venv_python};

#[test]
fn official_python_sdk_against_the_emulator() {
    if skipped("LIVE_LIFECYCLE_SKIP_SDK") {
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
