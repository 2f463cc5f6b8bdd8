//! Shared by the SDK suites' runners (`tests/sdk.rs`, `tests/sdk_node.rs`): run a command
//! (also with a deadline), build the emulator example and find its executable, the explicit
//! switch that skips a suite, the Python virtual environment with the pins of the Python
//! suites, and the Node packages of the Node suites (`npm ci`). Beside it,
//! `live_emulator.py` is what the Python suites share: the emulator process and its fixtures.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

/// Runs `command` and fails the test, naming `what`, unless it succeeds within `limit`; past
/// it the command is killed.
pub fn run_bounded(command: &mut Command, what: &str, limit: Duration) {
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Ok(None) => {
                // Already gone if it ended since try_wait: nothing left to kill or reap.
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{what} did not finish within {} s and was killed",
                    limit.as_secs()
                );
            }
            Err(e) => panic!("{what}: cannot wait for it: {e}"),
        }
    };
    assert!(status.success(), "{what} failed ({status})");
}

/// The `live-emulator` binary Cargo built for this test run (right for any
/// `CARGO_TARGET_DIR`, `--target-dir` or build configuration).
pub fn emulator() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_live-emulator"))
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

/// Installs the Node packages of `dir` exactly as its `package-lock.json` pins them (`npm ci`),
/// unless npm's record of the last install (`node_modules/.package-lock.json`) is there and
/// newer than the lockfile. Install scripts are not run: the only one in the tree,
/// `@alicloud/openapi-core`'s postinstall, does nothing on Node 14 or newer and on older Node
/// installs TypeScript outside the lockfile.
pub fn npm_ci(dir: &Path) {
    let modified = |path: PathBuf| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let installed = modified(dir.join("node_modules").join(".package-lock.json"));
    let locked = modified(dir.join("package-lock.json"));
    if installed.is_some() && installed >= locked {
        return;
    }
    run_bounded(
        Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(dir),
        &format!("npm ci in {}", dir.display()),
        Duration::from_secs(600),
    );
}
