//! Scripts of RPC calls, time steps and stream reports against one engine (`src/rpc.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    live_lifecycle_fuzz::rpc::run_bytes(data);
});
