//! How a calendar problem's lists map back to the yearly problem it was unrolled from.

use serde::{Deserialize, Serialize};

use crate::core::{ArmId, SegmentId, WeekId};

/// The layout of a calendar problem ([`crate::calendar::Calendar::unroll`]): which week and
/// which yearly item each of its arms and segments stands for.
///
/// - Arm `a` is yearly arm `a / weeks` in campaign week `a % weeks`.
/// - Segment `u * yearly_segments + s` (for `u < weeks + tail`) is yearly segment `s` in week
///   `u`: its cells hold that week's value at risk and remembered exposures.
/// - The segments after those are the floor blocks: segment
///   `(weeks + tail + b) * yearly_segments + s` holds the mean remembered exposure of yearly
///   segment `s` over block `b` (value at risk 0); the calendar's floors are on them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Weeks {
    /// Campaign weeks `T` (units can be bought in them).
    pub weeks: usize,
    /// Weeks after the campaign still counted, `W`.
    pub tail: usize,
    /// Calendar week (1..=52) of campaign week 0.
    pub start_week: usize,
    /// Segments of the yearly problem.
    pub yearly_segments: usize,
    /// Arms of the yearly problem.
    pub yearly_arms: usize,
    /// Floor blocks: each `[first, end)` campaign weeks.
    pub blocks: Vec<(usize, usize)>,
    /// Weekly retention of each channel (the arms' coefficients carry it; the relaxation
    /// uses it to write remembered exposures as a sparse recurrence).
    pub retention: Vec<f64>,
}

impl Weeks {
    /// Weeks counted: campaign and tail, `T + W`.
    pub fn horizon(&self) -> usize {
        self.weeks + self.tail
    }

    /// The campaign week of arm `a`.
    pub fn arm_week(&self, a: ArmId) -> WeekId {
        WeekId::new(a.index() % self.weeks.max(1))
    }

    /// The yearly arm arm `a` buys.
    pub fn yearly_arm(&self, a: ArmId) -> ArmId {
        ArmId::new(a.index() / self.weeks.max(1))
    }

    /// The arm of yearly arm `a` in campaign week `w`.
    pub fn arm(&self, a: ArmId, w: WeekId) -> ArmId {
        ArmId::new(a.index() * self.weeks + w.index())
    }

    /// The yearly segment and week of segment `s`, `None` for a floor block's segment.
    pub fn segment_week(&self, s: SegmentId) -> Option<(SegmentId, WeekId)> {
        let n = self.yearly_segments.max(1);
        let u = s.index() / n;
        (u < self.horizon()).then(|| (SegmentId::new(s.index() % n), WeekId::new(u)))
    }

    /// The segment of yearly segment `s` in week `w`.
    pub fn segment(&self, s: SegmentId, w: WeekId) -> SegmentId {
        SegmentId::new(w.index() * self.yearly_segments + s.index())
    }

    /// What is wrong with this layout for a calendar problem of `channels` channels, `arms`
    /// arms and `segments` segments (e.g. a deserialised one), if anything: weeks and start
    /// week in `1..=52`, a tail of at most 52 weeks, one retention in `[0, 1)` per channel,
    /// `yearly_arms * weeks` arms, a segment per yearly segment and week of the horizon and
    /// floor block, blocks non-empty within the campaign.
    pub(crate) fn problem(&self, channels: usize, arms: usize, segments: usize) -> Option<String> {
        let week = 1..=52;
        if !week.contains(&self.weeks) || !week.contains(&self.start_week) {
            return Some(format!(
                "weeks {} and start_week {} must be in 1..=52",
                self.weeks, self.start_week
            ));
        }
        if self.tail > 52 {
            return Some(format!("tail {} must be at most 52", self.tail));
        }
        if self.retention.len() != channels
            || !self.retention.iter().all(|l| (0.0..1.0).contains(l))
        {
            return Some(format!(
                "retention must hold one number in [0, 1) per channel ({channels})"
            ));
        }
        if self.blocks.iter().any(|&(a, b)| a >= b || b > self.weeks) {
            return Some("floor blocks must be non-empty ranges of campaign weeks".into());
        }
        let cells = (self.horizon() + self.blocks.len()).checked_mul(self.yearly_segments);
        if self.yearly_arms.checked_mul(self.weeks) != Some(arms) || cells != Some(segments) {
            return Some(format!(
                "{arms} arms and {segments} segments do not fit {} yearly arms and {} yearly \
                 segments over {} weeks, {} tail weeks and {} floor blocks",
                self.yearly_arms,
                self.yearly_segments,
                self.weeks,
                self.tail,
                self.blocks.len()
            ));
        }
        None
    }

    /// The calendar week (1..=52) of campaign week `w` (wrapping into the next year).
    pub fn calendar_week(&self, w: WeekId) -> usize {
        (self.start_week - 1 + w.index()) % 52 + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_map_back_and_forth() {
        let w = Weeks {
            weeks: 3,
            tail: 2,
            start_week: 51,
            yearly_segments: 4,
            yearly_arms: 5,
            blocks: vec![(0, 3)],
            retention: vec![0.5],
        };
        let a = w.arm(ArmId::new(2), WeekId::new(1));
        assert_eq!(
            (w.yearly_arm(a), w.arm_week(a)),
            (ArmId::new(2), WeekId::new(1))
        );
        let s = w.segment(SegmentId::new(3), WeekId::new(4));
        assert_eq!(w.segment_week(s), Some((SegmentId::new(3), WeekId::new(4))));
        assert_eq!(w.segment_week(SegmentId::new(20)), None);
        assert_eq!(w.calendar_week(WeekId::new(2)), 1);
    }
}
