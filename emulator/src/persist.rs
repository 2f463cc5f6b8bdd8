//! The state file: read at start, written at shutdown.

use std::path::{Path, PathBuf};

use live_lifecycle::{Config, Engine, Snapshot};

/// The engine of `config`, restored from the snapshot at `state` when there is one.
pub(crate) fn load_engine(state: Option<&PathBuf>, config: Config) -> std::io::Result<Engine> {
    let Some(path) = state.filter(|p| p.exists()) else {
        return Ok(Engine::new(config));
    };
    let snapshot = std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str::<Snapshot>(&text).map_err(|e| e.to_string()))
        .map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("cannot read state {}: {e}", path.display()),
            )
        })?;
    eprintln!("loaded state from {}", path.display());
    Ok(Engine::restore(config, snapshot))
}

/// Writes the snapshot next to its final place, then renames it over: a crash mid-write
/// leaves the old state intact.
pub(crate) fn save_state(path: &PathBuf, snapshot: &Snapshot) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(snapshot)?)?;
    std::fs::rename(&tmp, path)
}

/// Checks at start that the state can be written where it will be at shutdown: a file is
/// created beside it and removed. An error names the directory.
pub(crate) fn check_writable(path: &Path) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let probe = dir.join(format!(".live-emulator-check-{}", std::process::id()));
    std::fs::write(&probe, b"")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot write the state in {}: {e}", dir.display()),
            )
        })
}
