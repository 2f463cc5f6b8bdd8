//! What the tests that hold a document's snippet to a test's text share: both sides are
//! compared after `normalise`. Included by `tests/readme.rs`, `tests/strategies.rs` and the
//! emulator's `emulator/tests/in_process.rs` through `#[path]`.

/// Strips the common indentation, trailing whitespace, and blank lines at both ends.
pub fn normalise(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let first = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
    let last = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1);
    let lines = lines.get(first..last.max(first)).unwrap_or_default();
    let indent = lines
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}
