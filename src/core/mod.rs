//! What every layer shares: typed indices, the one resource vector, the number bounds and
//! ranges, the one slack, floor predicate and gap, and a totally ordered `f64` for heap keys.
//!
//! `core` depends on nothing else in the crate; everything else may depend on it.

mod ids;
pub mod limits;
mod range;
mod resources;
mod tolerance;
pub(crate) mod total;

pub use ids::{
    ArmId, CellId, ChannelId, DepartmentId, GroupId, MessageId, PlacementId, RegionId, ResourceId,
    SegmentId, ThreatId, WeekId,
};
pub use range::{Count, Range};
pub use resources::{Measure, ResourceKind, Resources};
pub use tolerance::{TOLERANCE, exceeds, floor_met, floor_threshold, gap, slack};
