//! Scoring a release against gold annotations (being written; replaced by the full version).

use std::path::Path;

#[derive(Debug, serde::Serialize)]
pub struct EvalReport {}

impl std::fmt::Display for EvalReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct EvalError(String);

pub fn evaluate(_release: &Path, _gold: &Path) -> Result<EvalReport, EvalError> {
    Err(EvalError("evaluation is not built yet".into()))
}
