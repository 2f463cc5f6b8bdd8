//! The fuzz targets of `live-lifecycle`, as library code so the targets stay one line each and
//! the seed builder (`src/bin/seed.rs`) shares the script format with the `rpc` target.

#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

pub mod parsers;
pub mod rpc;
pub mod script;
