//! One string through the time parser and every URL-bearing request field (`src/parsers.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    live_lifecycle_fuzz::parsers::run_bytes(data);
});
