//! The cost of the engine beside its floor, measured in the same run so the ratio holds on a
//! noisy machine. `cargo bench --bench lifecycle`; the figures are in docs/performance.md.
//!
//! A counting global allocator measures heap allocations per call and bytes per stored job
//! and task; those figures are printed once, before criterion's.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use live_lifecycle::edge::{
    CreateEdgeTranscodeJobRequest, EdgeLimits, GetEdgeTranscodeJobRequest, JobIdResponse,
    ListEdgeTranscodeJobRequest, StartEdgeTranscodeJobRequest, StopEdgeTranscodeJobRequest,
};
use live_lifecycle::ids::AccountId;
use live_lifecycle::pull_to_push::{
    CreateLivePullToPushRequest, DescribeLivePullToPushListRequest, TaskLimits,
};
use live_lifecycle::{Config, Engine, Throttle};

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static LIVE_BYTES: AtomicI64 = AtomicI64::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        LIVE_BYTES.fetch_add(layout.size() as i64, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as i64, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        LIVE_BYTES.fetch_add(new_size as i64 - layout.size() as i64, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const TEMPLATE: &str = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01";
const CLUSTER: &str = "cluster-1";

fn t0() -> DateTime<Utc> {
    "2030-01-01T00:00:00Z".parse().unwrap_or_default()
}

fn big_config() -> Config {
    Config {
        edge_limits: EdgeLimits {
            max_jobs: u32::MAX,
            max_running_jobs: u32::MAX,
        },
        task_limits: TaskLimits {
            max_tasks: u32::MAX,
            max_window_secs: None,
            exited_retention_secs: 7 * 24 * 3600,
        },
        throttle: Throttle::off(),
        ..Config::default()
    }
}

fn create_job(n: usize) -> CreateEdgeTranscodeJobRequest {
    CreateEdgeTranscodeJobRequest {
        cluster_id: Some(CLUSTER.into()),
        name: Some(format!("job_{n}")),
        template_id: Some(TEMPLATE.into()),
        stream_input: Some(format!("rtmp://ingest.example.com/live/in{n}")),
        stream_output: Some(format!("rtmp://push.example.com/live/out{n}")),
    }
}

/// An engine holding `n` jobs of one account, and their ids.
fn engine_with_jobs(n: usize) -> (Engine, AccountId, Vec<String>) {
    let mut engine = Engine::new(big_config());
    let account = AccountId::try_from("1001").unwrap_or_else(|_| unreachable!());
    let ids = (0..n)
        .map(|i| {
            engine
                .create_edge_transcode_job(&account, &create_job(i), t0())
                .map(|r| r.job_id.to_string())
                .unwrap_or_default()
        })
        .collect();
    engine.drain_events();
    (engine, account, ids)
}

fn create_task(n: usize, start: DateTime<Utc>, urls: usize) -> CreateLivePullToPushRequest {
    let fmt = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    CreateLivePullToPushRequest {
        region: Some("cn-shanghai".into()),
        task_name: Some(format!("task_{n}")),
        start_time: Some(fmt(start)),
        end_time: Some(fmt(start + TimeDelta::days(30))),
        source_type: Some("url".into()),
        source_urls: Some(
            (0..urls)
                .map(|i| format!("https://cdn.example.com/media/{n}/{i}.mp4"))
                .collect(),
        ),
        dst_url: Some(format!("rtmp://push.example.com/live/task{n}")),
        ..Default::default()
    }
}

/// An engine holding `n` tasks whose StartTimes fall `per_slot` to a second from `t0 + 1 s`.
fn engine_with_tasks(n: usize, per_slot: usize) -> (Engine, AccountId) {
    let mut engine = Engine::new(big_config());
    let account = AccountId::try_from("1001").unwrap_or_else(|_| unreachable!());
    for i in 0..n {
        let start = t0() + TimeDelta::seconds(1 + (i / per_slot) as i64);
        let _ = engine.create_live_pull_to_push(&account, &create_task(i, start, 1), t0());
    }
    engine.drain_events();
    (engine, account)
}

/// Pairs of times of two sides measured back to back: each side's median and mean, and the
/// first quartile, median and third quartile of the ratio first / second per pair.
struct Paired {
    medians: (f64, f64),
    means: (f64, f64),
    ratio: [f64; 3],
}

impl Paired {
    fn of(pairs: &[(f64, f64)]) -> Self {
        let sorted = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v
        };
        let (firsts, seconds, ratios) = (
            sorted(pairs.iter().map(|p| p.0).collect()),
            sorted(pairs.iter().map(|p| p.1).collect()),
            sorted(pairs.iter().map(|p| p.0 / p.1).collect()),
        );
        let at = |v: &[f64], q: usize| v.get(v.len() * q / 4).copied().unwrap_or_default();
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        Self {
            medians: (at(&firsts, 2), at(&seconds, 2)),
            means: (mean(&firsts), mean(&seconds)),
            ratio: [at(&ratios, 1), at(&ratios, 2), at(&ratios, 3)],
        }
    }
}

fn allocations_during<T>(f: impl FnOnce() -> T) -> (u64, T) {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let out = f();
    (ALLOCATIONS.load(Ordering::Relaxed) - before, out)
}

/// Bytes per stored job and task, and allocations per wire call: printed once.
fn memory_report() {
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    let (mut engine, _, ids) = engine_with_jobs(100_000);
    drop(ids);
    // The log keeps room for as many events as its last drain gave: a second drain releases
    // the room of the creations, which is not the jobs' memory.
    engine.drain_events();
    let per_job = (LIVE_BYTES.load(Ordering::Relaxed) - before) as f64 / 100_000.0;
    drop(engine);
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    let (mut engine, _) = engine_with_tasks(100_000, 1000);
    engine.drain_events();
    let per_task = (LIVE_BYTES.load(Ordering::Relaxed) - before) as f64 / 100_000.0;
    drop(engine);
    let (mut engine, _, ids) = engine_with_jobs(1000);
    let id = ids.first().cloned().unwrap_or_default();
    let params = [("ClusterId", CLUSTER), ("JobId", id.as_str())];
    // Counted in the steady state: the first calls give the event log its room.
    let _ = engine.handle_rpc("1001", "GetEdgeTranscodeJob", &params, t0());
    let _ = engine.handle_rpc("1001", "StartEdgeTranscodeJob", &params, t0());
    let _ = engine.handle_rpc("1001", "StopEdgeTranscodeJob", &params, t0());
    let (get_allocs, reply) =
        allocations_during(|| engine.handle_rpc("1001", "GetEdgeTranscodeJob", &params, t0()));
    let (start_allocs, _) =
        allocations_during(|| engine.handle_rpc("1001", "StartEdgeTranscodeJob", &params, t0()));
    let (stop_allocs, _) =
        allocations_during(|| engine.handle_rpc("1001", "StopEdgeTranscodeJob", &params, t0()));
    let (floor_allocs, _) = allocations_during(|| {
        let owned: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        black_box(owned);
        reply.body()
    });
    println!(
        "memory: {per_job:.0} bytes per stored job, {per_task:.0} bytes per stored task (100,000 of each)"
    );
    println!(
        "allocations: handle_rpc GetEdgeTranscodeJob {get_allocs} (floor: parse to strings + body {floor_allocs}); \
         StartEdgeTranscodeJob {start_allocs}, StopEdgeTranscodeJob {stop_allocs}"
    );
}

fn typed_start_stop(c: &mut Criterion) {
    let (mut engine, account, ids) = engine_with_jobs(1_000_000);
    let mut floor: HashMap<String, (u8, DateTime<Utc>)> =
        ids.iter().map(|id| (id.clone(), (0, t0()))).collect();
    let requests: Vec<(StartEdgeTranscodeJobRequest, StopEdgeTranscodeJobRequest)> = ids
        .iter()
        .step_by(997)
        .map(|id| {
            (
                StartEdgeTranscodeJobRequest {
                    cluster_id: Some(CLUSTER.into()),
                    job_id: Some(id.clone()),
                },
                StopEdgeTranscodeJobRequest {
                    cluster_id: Some(CLUSTER.into()),
                    job_id: Some(id.clone()),
                },
            )
        })
        .collect();
    let keys: Vec<&String> = ids.iter().step_by(997).collect();
    // Times are made outside the timed loops: parsing one costs about what a call does.
    let base = t0();
    let mut i = 0usize;
    let mut j = 0usize;
    let mut engine_block = |count: usize| {
        let started = Instant::now();
        for _ in 0..count {
            let (start, stop) = &requests[i % requests.len()];
            i += 1;
            let now = base + TimeDelta::seconds(i as i64);
            black_box(
                engine
                    .start_edge_transcode_job(&account, start, now)
                    .is_ok(),
            );
            black_box(engine.stop_edge_transcode_job(&account, stop, now).is_ok());
            // The event log would grow without bound in a benchmark; a server drains it.
            if i.is_multiple_of(1024) {
                engine.drain_events();
            }
        }
        started.elapsed()
    };
    let mut floor_block = |count: usize| {
        let started = Instant::now();
        for _ in 0..count {
            let key = keys[j % keys.len()];
            j += 1;
            let now = base + TimeDelta::seconds(j as i64);
            if let Some(entry) = floor.get_mut(key.as_str()) {
                *entry = (1, now);
            }
            if let Some(entry) = floor.get_mut(key.as_str()) {
                *entry = (0, now);
            }
        }
        started.elapsed()
    };
    // First, blocks of each in turn: a slow spell of the machine (other tenants, the kernel
    // sampling memory) then falls on both sides of a pair, where criterion's runs of one
    // side after the other can catch it on one side only.
    let per_call = |spent: Duration| spent.as_nanos() as f64 / 100_000.0;
    let pairs: Vec<(f64, f64)> = (0..40)
        .map(|_| {
            let engine = per_call(engine_block(100_000));
            (engine, per_call(floor_block(100_000)))
        })
        .collect();
    let paired = Paired::of(&pairs);
    println!(
        "start+stop, 40 interleaved blocks of 100,000: engine {:.0} ns, floor {:.0} ns \
         (medians); ratio per pair: median {:.2}, quartiles {:.2} and {:.2}",
        paired.medians.0, paired.medians.1, paired.ratio[1], paired.ratio[0], paired.ratio[2],
    );
    let mut group = c.benchmark_group("1. start+stop, 1,000,000 jobs");
    group.bench_function("engine (typed)", |b| {
        b.iter_custom(|iters| engine_block(iters as usize))
    });
    group.bench_function("floor (HashMap get_mut + write, twice)", |b| {
        b.iter_custom(|iters| floor_block(iters as usize))
    });
    group.finish();
}

fn wire_calls(c: &mut Criterion) {
    let (mut engine, _, ids) = engine_with_jobs(1000);
    let id = ids.first().cloned().unwrap_or_default();
    let params = [("ClusterId", CLUSTER), ("JobId", id.as_str())];
    let get = engine
        .get_edge_transcode_job(
            &AccountId::try_from("1001").unwrap_or_else(|_| unreachable!()),
            &GetEdgeTranscodeJobRequest {
                cluster_id: Some(CLUSTER.into()),
                job_id: Some(id.clone()),
            },
            t0(),
        )
        .ok();
    let mut group = c.benchmark_group("2. handle_rpc");
    let base = t0();
    group.bench_function("GetEdgeTranscodeJob", |b| {
        b.iter(|| black_box(engine.handle_rpc("1001", "GetEdgeTranscodeJob", &params, base)))
    });
    group.bench_function("floor: params to strings + to_string(response)", |b| {
        b.iter(|| {
            let owned: Vec<(String, String)> = params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            black_box(owned);
            black_box(serde_json::to_string(&get).unwrap_or_default())
        })
    });
    let mut n = 0i64;
    group.bench_function("StartEdgeTranscodeJob + StopEdgeTranscodeJob", |b| {
        b.iter(|| {
            n += 1;
            let now = base + TimeDelta::seconds(n);
            black_box(engine.handle_rpc("1001", "StartEdgeTranscodeJob", &params, now));
            black_box(engine.handle_rpc("1001", "StopEdgeTranscodeJob", &params, now));
            if n % 1024 == 0 {
                engine.drain_events();
            }
        })
    });
    // The floor of a Start and a Stop: each call's parameters to strings and its
    // `{"RequestId", "JobId"}` response serialized.
    let started: JobIdResponse = serde_json::from_value(serde_json::json!({
        "JobId": id,
        "RequestId": "2EE9B2EC-0E4E-4B05-A6B3-C2C8A3CFA1E7",
    }))
    .unwrap_or_else(|_| unreachable!());
    group.bench_function(
        "floor: (params to strings + to_string(response)) x 2",
        |b| {
            b.iter(|| {
                for _ in 0..2 {
                    let owned: Vec<(String, String)> = params
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                        .collect();
                    black_box(owned);
                    black_box(serde_json::to_string(&started).unwrap_or_default());
                }
            })
        },
    );
    group.finish();
}

fn validation(c: &mut Criterion) {
    let now = t0();
    let req = create_task(7, now + TimeDelta::hours(1), 30);
    c.bench_function("3. validate CreateLivePullToPush, 30 URLs", |b| {
        b.iter(|| black_box(req.validate(now).is_ok()))
    });
}

/// A 1,000,000-task engine ready to step: built, then its first step taken untimed and
/// returned. That step pays for the build as well: the allocator (glibc's) sorts the small
/// blocks the build freed at the first large allocation after it, here the events buffer
/// growing, and that took 0.3 s, a third of the whole run's time, against 0.5 ms for a step.
fn stepped_big_engine(events: &mut Vec<live_lifecycle::Event>) -> (Engine, Duration) {
    let (mut big, _) = engine_with_tasks(1_000_000, 1000);
    let started = Instant::now();
    black_box(big.advance(t0() + TimeDelta::seconds(1)));
    let first = started.elapsed();
    big.drain_events_into(events);
    events.clear();
    (big, first)
}

/// `advance` per due task over a whole run, printed once: steps 2 to 1,000 of one
/// 1,000,000-task engine, each paired with the one step of a freshly restored 1,000-task
/// engine, the two timed back to back. Like group 1's blocks, the pairs put both sides in the
/// same spell of the machine, where criterion measures one side for seconds and then the
/// other (group 4 read 1.67 in one run whose pairs, in a scratch loop, read 1.35). Events are
/// drained into one buffer, as a server draining every tick would.
fn advance_report() {
    let mut events = Vec::new();
    let (mut big, first) = stepped_big_engine(&mut events);
    let snapshot = engine_with_tasks(1000, 1000).0.snapshot();
    let per_task = |spent: Duration| spent.as_nanos() as f64 / 1000.0;
    let mut pairs: Vec<(f64, f64)> = Vec::with_capacity(999);
    for slot in 2..=1000 {
        let mut small = Engine::restore(big_config(), snapshot.clone());
        let started = Instant::now();
        black_box(small.advance(t0() + TimeDelta::seconds(1)));
        let small_step = per_task(started.elapsed());
        let started = Instant::now();
        black_box(big.advance(t0() + TimeDelta::seconds(slot)));
        let big_step = per_task(started.elapsed());
        big.drain_events_into(&mut events);
        events.clear();
        pairs.push((big_step, small_step));
    }
    drop(big);
    let paired = Paired::of(&pairs);
    println!(
        "advance, 999 interleaved pairs, per due task: {:.0} ns with 1,000,000 stored, {:.0} \
         ns with 1,000 stored (medians); ratio per pair: median {:.2}, quartiles {:.2} and \
         {:.2}; ratio of the means {:.2} ({:.0} / {:.0} ns); the big engine's first step, \
         untimed: {:.0} ms",
        paired.medians.0,
        paired.medians.1,
        paired.ratio[1],
        paired.ratio[0],
        paired.ratio[2],
        paired.means.0 / paired.means.1,
        paired.means.0,
        paired.means.1,
        first.as_secs_f64() * 1000.0,
    );
}

fn advance(c: &mut Criterion) {
    advance_report();
    let mut group = c.benchmark_group("4. advance, 1,000 due");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(5));
    // 1,000,000 tasks, 1,000 starting in each second: each step moves one second on, and
    // once the thousand seconds are spent the engine is built and stepped again (not timed).
    let mut events = Vec::new();
    let (mut big, _) = stepped_big_engine(&mut events);
    let mut slot = 1i64;
    group.bench_function("1,000,000 tasks stored", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                if slot == 1000 {
                    // The spent engine goes first, so that the untimed first step of the
                    // next one also pays for freeing it.
                    big = Engine::new(big_config());
                    big = stepped_big_engine(&mut events).0;
                    slot = 1;
                }
                slot += 1;
                let now = t0() + TimeDelta::seconds(slot);
                let started = Instant::now();
                black_box(big.advance(now));
                spent += started.elapsed();
                big.drain_events_into(&mut events);
                events.clear();
            }
            spent
        })
    });
    let (small, _) = engine_with_tasks(1000, 1000);
    let snapshot = small.snapshot();
    let one_on = t0() + TimeDelta::seconds(1);
    group.bench_function("1,000 tasks stored", |b| {
        b.iter_batched(
            || Engine::restore(big_config(), snapshot.clone()),
            // The engine is handed back so its drop is not timed.
            |mut engine| {
                black_box(engine.advance(one_on));
                engine
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn listing(c: &mut Criterion) {
    let (mut engine, account, _) = engine_with_jobs(100_000);
    let list = |page| ListEdgeTranscodeJobRequest {
        cluster_id: Some(CLUSTER.into()),
        status: Some(0),
        sort_by: Some("asc".into()),
        page_size: Some(100),
        page_no: Some(page),
        ..Default::default()
    };
    // First, the two pages in 40 interleaved blocks of 10 lists, as group 1 does: a spell
    // of the machine then falls on both pages of a pair.
    let (first, middle) = (list(1), list(500));
    let mut block = |req: &ListEdgeTranscodeJobRequest| {
        let started = Instant::now();
        for _ in 0..10 {
            black_box(engine.list_edge_transcode_job(&account, req, t0()).is_ok());
        }
        started.elapsed().as_secs_f64() * 100.0
    };
    // Page 500 first in each pair, so that the ratio is page 500 / page 1.
    let pairs: Vec<(f64, f64)> = (0..40)
        .map(|_| {
            let page_1 = block(&first);
            (block(&middle), page_1)
        })
        .collect();
    let paired = Paired::of(&pairs);
    println!(
        "list, 40 interleaved blocks of 10: page 1 {:.2} ms, page 500 {:.2} ms (medians); \
         page 500 / page 1 per pair: median {:.2}, quartiles {:.2} and {:.2}",
        paired.medians.1, paired.medians.0, paired.ratio[1], paired.ratio[0], paired.ratio[2],
    );
    let mut group = c.benchmark_group("5. list over 100,000");
    for page in [1, 500] {
        let req = list(page);
        group.bench_function(format!("ListEdgeTranscodeJob page {page}"), |b| {
            b.iter(|| black_box(engine.list_edge_transcode_job(&account, &req, t0()).is_ok()))
        });
    }
    let (mut tasks, account) = engine_with_tasks(100_000, 1000);
    let req = DescribeLivePullToPushListRequest {
        region: Some("cn-shanghai".into()),
        task_name: Some("task_99".into()),
        page_size: Some(100),
        ..Default::default()
    };
    group.bench_function("DescribeLivePullToPushList fuzzy name", |b| {
        b.iter(|| {
            black_box(
                tasks
                    .describe_live_pull_to_push_list(&account, &req, t0())
                    .is_ok(),
            )
        })
    });
    group.finish();
}

fn replay_and_snapshot(c: &mut Criterion) {
    let mut engine = Engine::new(big_config());
    let account = AccountId::try_from("1001").unwrap_or_else(|_| unreachable!());
    for i in 0..1_000_000 {
        let _ = engine.create_edge_transcode_job(&account, &create_job(i), t0());
    }
    let events = engine.drain_events();
    let snapshot = serde_json::to_vec(&engine.snapshot()).unwrap_or_default();
    let mut group = c.benchmark_group("6. whole engine, 1,000,000 jobs");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("replay 1,000,000 events", |b| {
        b.iter(|| black_box(Engine::replay(big_config(), &events).is_ok()))
    });
    group.bench_function(
        format!("snapshot save ({} MB)", snapshot.len() / 1_000_000),
        |b| {
            b.iter(|| {
                black_box(
                    serde_json::to_vec(&engine.snapshot())
                        .unwrap_or_default()
                        .len(),
                )
            })
        },
    );
    group.bench_function("snapshot load", |b| {
        b.iter(|| {
            let snap: live_lifecycle::Snapshot =
                serde_json::from_slice(&snapshot).unwrap_or_else(|_| unreachable!());
            black_box(Engine::restore(big_config(), snap))
        })
    });
    group.finish();
}

fn all(c: &mut Criterion) {
    memory_report();
    typed_start_stop(c);
    wire_calls(c);
    validation(c);
    advance(c);
    listing(c);
    replay_and_snapshot(c);
}

criterion_group!(benches, all);
criterion_main!(benches);
