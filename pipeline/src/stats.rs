//! Counters that add up: per shard in map, summed in reduce (like datatrove's stats files).

use std::ops::AddAssign;

use serde::{Deserialize, Serialize};

use crate::map::Mapped;
use crate::shard::Record;

/// What one map task saw.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MapStats {
    /// Article inputs (files, or records of multi-article files).
    pub items: u64,
    /// Items that became a document (kept or, after reduce, a duplicate).
    pub documents: u64,
    /// Items rejected.
    pub rejects: u64,
    /// `bad_metadata` and `metadata_unmatched` rows (not articles).
    pub metadata_problems: u64,
    /// Wall-clock seconds of the task: run information, never written into a release.
    pub seconds: f64,
}

impl MapStats {
    pub fn add(&mut self, m: &Mapped) {
        self.items += 1;
        match m.record {
            Record::Doc(_) => self.documents += 1,
            Record::Reject(_) => self.rejects += 1,
        }
        if m.problem.is_some() {
            self.metadata_problems += 1;
        }
    }
}

impl AddAssign<&MapStats> for MapStats {
    fn add_assign(&mut self, o: &MapStats) {
        self.items += o.items;
        self.documents += o.documents;
        self.rejects += o.rejects;
        self.metadata_problems += o.metadata_problems;
        self.seconds += o.seconds;
    }
}
