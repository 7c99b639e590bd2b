//! Typed indices: a segment index cannot be passed where a threat index is expected.
//!
//! Every id is a dense index into one of the [`Structure`](crate::problem::Structure)'s lists,
//! assigned by [`Scenario::compile`](crate::Scenario::compile) in the scenario's order. Ids are
//! only meaningful for the problem that made them.

use serde::{Deserialize, Serialize};

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(usize);

        impl $name {
            /// The id of position `index`.
            #[inline]
            pub const fn new(index: usize) -> Self {
                Self(index)
            }

            /// The position this id stands for.
            #[inline]
            pub const fn index(self) -> usize {
                self.0
            }

            /// The ids `0..count`, in order.
            pub fn range(count: usize) -> impl DoubleEndedIterator<Item = Self> + ExactSizeIterator {
                (0..count).map(Self)
            }
        }

        impl From<$name> for usize {
            #[inline]
            fn from(id: $name) -> usize {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

typed_id!(
    /// A fraud type (threat) `f`.
    ThreatId
);
typed_id!(
    /// An audience segment `s` (one region x group).
    SegmentId
);
typed_id!(
    /// A region, in first-seen order of the scenario's segments.
    RegionId
);
typed_id!(
    /// A group, in first-seen order of the scenario's segments.
    GroupId
);
typed_id!(
    /// One segment's exposure to one threat: `c = s * threats + f` (see [`CellId::of`]).
    CellId
);
typed_id!(
    /// A channel `c`.
    ChannelId
);
typed_id!(
    /// A placement `k` (a channel with one targeting option).
    PlacementId
);
typed_id!(
    /// A message `m`.
    MessageId
);
typed_id!(
    /// An arm: a compatible (message, placement) pair, the unit of decision.
    ArmId
);
typed_id!(
    /// A department (pays for what it owns; has its own limits).
    DepartmentId
);
typed_id!(
    /// A week of a calendar campaign: `0` is the campaign's first week (its calendar week is
    /// the calendar's `start_week`), counted on past the campaign into the tail weeks whose
    /// remembered exposures still count (see [`crate::calendar`]).
    WeekId
);
typed_id!(
    /// A limited resource: money, staff hours, a department's money or hours
    /// (see [`ResourceKind`](super::ResourceKind)).
    ResourceId
);

impl CellId {
    /// The cell of segment `segment` and threat `threat` among `threats` threats: the one
    /// place the layout `s * threats + f` is written.
    #[inline]
    pub const fn of(segment: SegmentId, threat: ThreatId, threats: usize) -> CellId {
        CellId(segment.0 * threats + threat.0)
    }

    /// The segment and threat of this cell among `threats` threats (`threats > 0`).
    #[inline]
    pub const fn split(self, threats: usize) -> (SegmentId, ThreatId) {
        (SegmentId(self.0 / threats), ThreatId(self.0 % threats))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_split_back_into_segment_and_threat() {
        for s in 0..5 {
            for f in 0..3 {
                let c = CellId::of(SegmentId::new(s), ThreatId::new(f), 3);
                assert_eq!(c.split(3), (SegmentId::new(s), ThreatId::new(f)));
            }
        }
        assert_eq!(
            CellId::of(SegmentId::new(2), ThreatId::new(1), 3).index(),
            7
        );
    }

    #[test]
    fn ids_serialise_as_plain_numbers() {
        assert_eq!(serde_json::to_string(&ArmId::new(7)).unwrap(), "7");
        let back: ArmId = serde_json::from_str("7").unwrap();
        assert_eq!(back, ArmId::new(7));
    }
}
