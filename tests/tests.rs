//! End-to-end tests: one target, so the polars-heavy binary and library link once.

mod util;

mod bad_input;
mod dedup;
mod e2e;
mod extract_phrasings;
mod faults;
mod quality;
