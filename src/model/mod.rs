//! The scenario as people write it (serde types), reading and writing it as JSON, and
//! [`Scenario::compile`], which validates it into a [`Problem`](crate::Problem).
//!
//! # Selectors
//!
//! Audience rules, appeal rules, response overrides and floors pick segments by any of
//! `segment` (id), `region` and `group`. A field left out matches every segment; an entry with
//! none matches every segment; later entries override earlier ones for the segments they match.
//! Segments no appeal rule matches get appeal 0 (the message does nothing for them); segments no
//! audience rule matches get no exposure.

mod compile;
mod json;
pub use crate::core::limits;
mod scenario;

pub use scenario::{
    Appeal, Audience, Channel, Department, Floor, Message, Placement, Profile, Relevance,
    Resources, Response, ResponseOverride, Risk, Scenario, Segment, Threat,
};
pub use scenario::{CalendarSection, CarryIn, ChannelRetention, Season};
pub use scenario::{DistributionKind, ParameterKind, UncertainParameter, UncertaintySection};

pub(crate) use json::{from_json_file, from_json_str, read_capped};

use std::path::Path;

use crate::Error;

impl Scenario {
    /// Reads a scenario from JSON text.
    ///
    /// # Errors
    ///
    /// [`Error::Json`] for malformed or truncated JSON, a wrong type, a missing field or an
    /// unknown field; it keeps serde's line and column and names the path, with item ids
    /// (e.g. `segments[3] "huayang.young_gig" > risk[0] "order_brushing" > rate`).
    pub fn from_json(text: &str) -> Result<Scenario, Error> {
        from_json_str(text)
    }

    /// Reads a scenario from a JSON file.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the file cannot be read, is not UTF-8, or is larger than
    /// [`MAX_FILE_BYTES`](limits::MAX_FILE_BYTES) (64 MiB; the error's kind is
    /// [`FileTooLarge`](std::io::ErrorKind::FileTooLarge)): the file is read up to one byte
    /// past the limit, so an endless input such as `/dev/zero` fails instead of filling memory.
    /// Otherwise as [`Scenario::from_json`], wrapped in [`Error::InFile`] naming the file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Scenario, Error> {
        from_json_file(path.as_ref())
    }

    /// Writes the scenario as pretty-printed JSON that [`Scenario::from_json`] reads back to an
    /// equal value.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a Scenario has string keys and no maps")
    }
}

/// Whether a selector (`segment`, `region`, `group`, each optional) matches a segment: the
/// definition that compile's indexed selectors are tested against.
#[cfg(test)]
pub(crate) fn selects(
    segment: &Option<String>,
    region: &Option<String>,
    group: &Option<String>,
    s: &Segment,
) -> bool {
    segment.as_ref().is_none_or(|id| *id == s.id)
        && region.as_ref().is_none_or(|r| *r == s.region)
        && group.as_ref().is_none_or(|g| *g == s.group)
}
