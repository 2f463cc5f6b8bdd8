//! Heap allocations per wire call, counted by a global allocator (per thread, so other tests
//! of this binary do not disturb the count). Issue #7 asks that GetEdgeTranscodeJob and
//! StartEdgeTranscodeJob allocate nothing but their reply body; this holds them (and Stop and
//! Delete) to that, and the benches report the figure.

#![allow(clippy::unwrap_used, unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use live_lifecycle::{Config, Engine};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
    /// The sizes asked for by the last eight allocations or reallocations, in a ring (no
    /// heap: the allocator cannot allocate).
    static SIZES: Cell<[usize; 8]> = const { Cell::new([0; 8]) };
}

fn count(size: usize) {
    let _ = ALLOCATIONS.try_with(|n| {
        let _ = SIZES.try_with(|sizes| {
            let mut ring = sizes.get();
            if let Some(slot) = ring.get_mut((n.get() % 8) as usize) {
                *slot = size;
            }
            sizes.set(ring);
        });
        n.set(n.get() + 1);
    });
}

/// The sizes of the last `n` allocations (at most eight), newest first. Call it before
/// anything else allocates (a copy of a reply's body would count); the ring is read before
/// the list it returns is allocated.
fn last_sizes(n: u64) -> Vec<usize> {
    let (sizes, total) = (SIZES.with(Cell::get), ALLOCATIONS.with(Cell::get));
    (1..=n.min(8))
        .map(|back| sizes[((total - back) % 8) as usize])
        .collect()
}

/// Creates a job over the wire and returns its id.
fn create_job(engine: &mut Engine, name: &str, input: &str, template: &str) -> String {
    let now = "2030-01-01T00:00:00Z".parse().unwrap();
    let created = engine.handle_rpc(
        "1001",
        "CreateEdgeTranscodeJob",
        &[
            ("ClusterId", "c1"),
            ("Name", name),
            ("TemplateId", template),
            ("StreamInput", input),
            ("StreamOutput", "rtmp://out.example.com/live/a"),
        ],
        now,
    );
    let body: serde_json::Value = serde_json::from_str(&created.body_json()).unwrap();
    body["JobId"].as_str().unwrap().to_owned()
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn allocations_during<T>(f: impl FnOnce() -> T) -> (u64, T) {
    let before = ALLOCATIONS.with(Cell::get);
    let out = f();
    (ALLOCATIONS.with(Cell::get) - before, out)
}

/// Get allocates its body and nothing else, once, at exactly its final size (no regrowth and
/// no slack): for short and long values, every template type, and a job before its first
/// start, running and stopped (the optional times).
#[test]
fn get_edge_transcode_job_allocates_only_its_body() {
    let now = "2030-01-01T00:00:00Z".parse().unwrap();
    let cases = [
        ("a", "a", '1'),
        ("a_long_job_name", &*"p/".repeat(600), '5'),
        ("b", "b", '7'),
    ];
    for (name, path, template) in cases {
        let mut engine = Engine::new(Config::default());
        let input = format!("rtmp://in.example.com/live/{path}");
        let template = format!("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c0{template}");
        let job = create_job(&mut engine, name, &input, &template);
        let params = [("ClusterId", "c1"), ("JobId", job.as_str())];
        for step in [
            None,
            Some("StartEdgeTranscodeJob"),
            Some("StopEdgeTranscodeJob"),
        ] {
            if let Some(action) = step {
                let reply = engine.handle_rpc("1001", action, &params, now);
                assert_eq!(reply.status(), 200, "{}", reply.body_json());
            }
            // The first call sizes the engine's reused request-id buffer.
            let _ = engine.handle_rpc("1001", "GetEdgeTranscodeJob", &params, now);
            let (count, reply) = allocations_during(|| {
                engine.handle_rpc("1001", "GetEdgeTranscodeJob", &params, now)
            });
            let made = last_sizes(count);
            let body = reply.body_json();
            assert_eq!(reply.status(), 200, "{body}");
            assert_eq!(count, 1, "{name} after {step:?}: {body}");
            assert_eq!(made, [body.len()], "{name} after {step:?}: {body}");
        }
    }
}

/// Start, Stop and Delete allocate their body too, once, at its final size, and nothing
/// else while the event log has room: the reply holds its one event inline. (The log grows
/// by doubling; here the creation's push gave it room for four.)
#[test]
fn start_stop_and_delete_allocate_only_their_body() {
    let now = "2030-01-01T00:00:00Z".parse().unwrap();
    let mut engine = Engine::new(Config::default());
    let job = create_job(
        &mut engine,
        "a",
        "rtmp://in.example.com/live/a",
        "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01",
    );
    let params = [("ClusterId", "c1"), ("JobId", job.as_str())];
    let _ = engine.handle_rpc("1001", "GetEdgeTranscodeJob", &params, now);
    for action in [
        "StartEdgeTranscodeJob",
        "StopEdgeTranscodeJob",
        "DeleteEdgeTranscodeJob",
    ] {
        let (count, reply) = allocations_during(|| engine.handle_rpc("1001", action, &params, now));
        let made = last_sizes(count);
        let body = reply.body_json();
        assert_eq!(reply.status(), 200, "{body}");
        assert_eq!(made, [body.len()], "{action}: {made:?}, body {body}");
        assert_eq!(reply.events().len(), 1, "{action}");
    }
}
