//! Runs the Node suites in `tests/sdk_node/`: Alibaba Cloud's own Node clients against the
//! emulator example, each suite a file of Node's built-in test runner (`node --test`).
//!
//! - `pop_core.test.js`: `@alicloud/pop-core`, the classic RPC client (V1 signatures).
//! - `openapi_client.test.js`: `@alicloud/openapi-client`, the OpenAPI client's Tea
//!   generation (V3 and V1 signatures), driven as a generated TypeScript SDK drives it.
//! - `openapi_core.test.js`: `@alicloud/openapi-core`, its Darabonba generation, which the
//!   current `@alicloud/live20161101` is built on, driven the same way.
//!
//! The versions are pinned in `tests/sdk_node/package.json` and, with everything they pull
//! in, in `tests/sdk_node/package-lock.json`. This runner builds the emulator, installs the
//! packages with `npm ci` if they are not installed yet (or the lockfile changed since;
//! `.ci/run` installs them beforehand), and runs each suite, which starts the emulator on a
//! free loopback port and stops it afterwards, its log in `sdk-node-<suite>-emulator.log`
//! under `CARGO_TARGET_TMPDIR`. Node 20 or newer and npm are needed; set
//! `LIVE_LIFECYCLE_SKIP_NODE=1` to skip these suites on a machine without them or without
//! access to the npm registry.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod sdk_support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use sdk_support::{emulator, npm_ci, run_bounded, skipped};

/// The switch that skips the Node suites.
const SKIP: &str = "LIVE_LIFECYCLE_SKIP_NODE";
/// A whole suite's bound; each test in it has its own (`--test-timeout`, milliseconds).
const SUITE_LIMIT: Duration = Duration::from_secs(600);
const TEST_TIMEOUT_MS: u32 = 120_000;

fn suites_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("sdk_node")
}

/// The emulator, with the packages installed once for all the suites of this run.
fn installed_emulator() -> PathBuf {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| npm_ci(&suites_dir()));
    emulator()
}

fn run_suite(file: &str) {
    if skipped(SKIP) {
        return;
    }
    let emulator = installed_emulator();
    let stem = file.trim_end_matches(".test.js");
    let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sdk-node-{stem}-emulator.log"));
    run_bounded(
        Command::new("node")
            .arg("--test")
            .arg(format!("--test-timeout={TEST_TIMEOUT_MS}"))
            .arg(file)
            .env("EMULATOR_BIN", emulator)
            .env("EMULATOR_LOG", &log)
            .current_dir(suites_dir()),
        &format!(
            "node --test tests/sdk_node/{file} (emulator log: {}; {SKIP}=1 skips it)",
            log.display()
        ),
        SUITE_LIMIT,
    );
}

#[test]
fn pop_core_against_the_emulator() {
    run_suite("pop_core.test.js");
}

#[test]
fn openapi_client_against_the_emulator() {
    run_suite("openapi_client.test.js");
}

#[test]
fn openapi_core_against_the_emulator() {
    run_suite("openapi_core.test.js");
}
