//! Runs the Python SDK suites against the emulator example, each its own pytest run:
//!
//! - `tests/sdk/`: the new SDK, `alibabacloud-live20161101` on tea-openapi, pinned in
//!   `tests/sdk/requirements.txt`;
//! - `tests/sdk_legacy/`: the older SDK, `aliyun-python-sdk-live` on `aliyun-python-sdk-core`,
//!   pinned in `tests/sdk_legacy/requirements.txt`.
//!
//! Each test builds the emulator, makes the virtual environment `.venv` (shared by both
//! suites) and installs the pins of both files from PyPI unless they are all there already
//! (`.ci/run` installs them beforehand), and runs pytest, which starts and stops the emulators
//! itself, their logs (`sdk-*.log`, `sdk_legacy-*.log`) in `CARGO_TARGET_TMPDIR`.
//!
//! On a machine without Python or without access to PyPI, set `LIVE_LIFECYCLE_SKIP_SDK=1` to
//! skip both; `LIVE_LIFECYCLE_SKIP_SDK_LEGACY=1` skips the older SDK's suite alone.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod sdk_support;

use std::path::Path;
use std::process::Command;

use sdk_support::{emulator, run, skipped, venv_python};

#[test]
fn official_python_sdk_against_the_emulator() {
    if skipped("LIVE_LIFECYCLE_SKIP_SDK") {
        return;
    }
    pytest("tests/sdk");
}

#[test]
fn older_python_sdk_against_the_emulator() {
    if skipped("LIVE_LIFECYCLE_SKIP_SDK") || skipped("LIVE_LIFECYCLE_SKIP_SDK_LEGACY") {
        return;
    }
    pytest("tests/sdk_legacy");
}

/// Runs the pytest suite in `suite` (a directory of the crate) against a fresh build of the
/// emulator.
fn pytest(suite: &str) {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let emulator = emulator();
    // Cargo's scratch directory for integration tests, inside whatever target directory
    // this build uses.
    let logs = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let python = venv_python(crate_dir);
    run(
        Command::new(python)
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", suite])
            .env("EMULATOR_BIN", &emulator)
            .env("EMULATOR_LOG_DIR", logs)
            .current_dir(crate_dir),
        &format!("pytest {suite} (emulator logs in {})", logs.display()),
    );
}
