//! Runs every input of the given files or directories through a target without libFuzzer
//! (a plain stable build, no instrumentation), e.g. after a change to the library:
//!
//! ```sh
//! cargo run --release --bin replay -- rpc corpus/rpc target/corpus/rpc
//! cargo run --release --bin replay -- parsers artifacts/parsers/crash-…
//! ```
//!
//! A broken promise panics with the target's message, naming the input; otherwise it prints
//! how many inputs ran and how fast.

use std::path::PathBuf;
use std::sync::Mutex;

/// The input running now, named by the panic hook.
static CURRENT: Mutex<String> = Mutex::new(String::new());

fn main() {
    let mut args = std::env::args().skip(1);
    let target = args.next().unwrap_or_default();
    let run: fn(&[u8]) = match target.as_str() {
        "rpc" => live_lifecycle_fuzz::rpc::run_bytes,
        "parsers" => live_lifecycle_fuzz::parsers::run_bytes,
        _ => {
            eprintln!("usage: replay rpc|parsers FILE_OR_DIR...");
            std::process::exit(2);
        }
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for arg in args {
        let path = PathBuf::from(arg);
        match std::fs::read_dir(&path) {
            Ok(entries) => files.extend(entries.filter_map(|e| e.ok().map(|e| e.path()))),
            Err(_) => files.push(path),
        }
    }
    files.sort();
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let current = CURRENT.lock().map(|c| c.clone()).unwrap_or_default();
        eprintln!("input: {current}");
        default_hook(info);
    }));
    let started = std::time::Instant::now();
    for file in &files {
        let data = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        if let Ok(mut current) = CURRENT.lock() {
            *current = file.display().to_string();
        }
        run(&data);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{target}: {} inputs in {secs:.2} s ({:.0}/s), every check held",
        files.len(),
        files.len() as f64 / secs.max(1e-9)
    );
}
