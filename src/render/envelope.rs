//! What a caller adds around a result in the `json` document: fields
//! written before `columns` (`sql`, `level`, the question…) and entries of
//! `timings` written before `db_ms` (`llm_ms`, glance's own phases). The
//! result itself is [`super::json`]'s to write; the envelope only adds.

use std::io::{self, Write};

use super::json::{write_serialized, write_str};

/// Reads `timings` entries (name, milliseconds) when a JSON document ends.
pub type LateTimings = fn() -> Vec<(String, f64)>;

/// The caller's fields of a `json` document; empty by default.
#[derive(Clone, Debug, Default)]
pub struct JsonEnvelope {
    /// Fields written first, in order (e.g. `sql`, `level`).
    pub prefix: Vec<(String, serde_json::Value)>,
    /// Extra entries of `timings` (milliseconds), written before `db_ms`,
    /// e.g. `llm_ms`.
    pub timings: Vec<(String, f64)>,
    /// More `timings` entries, read when the document is finished (after
    /// `timings`, before `db_ms`): glance's own time per phase.
    pub late_timings: Option<LateTimings>,
}

impl JsonEnvelope {
    /// Writes the prefix fields, each followed by a comma.
    pub(super) fn write_prefix<W: Write>(&self, out: &mut W) -> io::Result<()> {
        for (name, value) in &self.prefix {
            write_str(out, name)?;
            out.write_all(b":")?;
            write_serialized(out, value)?;
            out.write_all(b",")?;
        }
        Ok(())
    }

    /// Writes the `timings` entries, the late ones read now, each followed
    /// by a comma.
    pub(super) fn write_timings<W: Write>(&self, out: &mut W) -> io::Result<()> {
        let late = self.late_timings.map(|f| f()).unwrap_or_default();
        for (name, ms) in self.timings.iter().chain(&late) {
            write_str(out, name)?;
            write!(out, ":{ms:.3},")?;
        }
        Ok(())
    }
}
