//! From word of mouth to the planner: a seed set's expected reach per segment becomes the
//! audience of a "grid WeChat forwarding" placement, one unit = one round of posting.

use crate::model::{Audience, Placement};
use crate::problem::Problem;

use super::{CitySegment, DiffusionError};

/// Expected exposures per person of each segment per round of posting: the expected number of
/// the segment's nodes the alert reaches divided by the segment's nodes. Scale-free: with one
/// node per `N` residents the share reached is the same.
///
/// # Arguments
/// * `reached` - expected nodes reached per segment (e.g. [`Spread::segments`] means, or
///   [`SeedSelection::segments`]).
/// * `segment_sizes` - nodes per segment ([`SocialGraph::segment_sizes`]).
///
/// # Returns
/// `per_unit[s]` in `[0, 1]` (0 for empty segments), or an error if the lengths differ or a
/// value is negative or not finite.
///
/// # Complexity
/// `O(segments)`.
///
/// # Example
/// ```
/// use fanzha::diffusion::audience_per_unit;
/// assert_eq!(audience_per_unit(&[30.0, 0.0], &[100, 0]).unwrap(), vec![0.3, 0.0]);
/// ```
///
/// [`Spread::segments`]: super::Spread::segments
/// [`SeedSelection::segments`]: super::SeedSelection::segments
/// [`SocialGraph::segment_sizes`]: super::SocialGraph::segment_sizes
pub fn audience_per_unit(
    reached: &[f64],
    segment_sizes: &[usize],
) -> Result<Vec<f64>, DiffusionError> {
    if reached.len() != segment_sizes.len() {
        return Err(DiffusionError::invalid(
            "reached",
            format!(
                "{} values for {} segments",
                reached.len(),
                segment_sizes.len()
            ),
        ));
    }
    reached
        .iter()
        .zip(segment_sizes)
        .map(|(&r, &size)| {
            if !(r.is_finite() && r >= 0.0) {
                Err(DiffusionError::invalid(
                    "reached",
                    format!("{r} is not a finite non-negative number"),
                ))
            } else if size == 0 {
                Ok(0.0)
            } else {
                Ok((r / size as f64).min(1.0))
            }
        })
        .collect()
}

/// The segments of a compiled problem as city-generator input (region, group, population).
///
/// # Example
/// ```
/// let problem = fanzha::scenarios::jurong_2023().compile().unwrap();
/// let segs = fanzha::diffusion::city_segments(&problem);
/// assert_eq!(segs.len(), problem.segment_count());
/// ```
pub fn city_segments(problem: &Problem) -> Vec<CitySegment> {
    problem
        .segments()
        .iter()
        .zip(&problem.parameters().population)
        .map(|(s, &population)| CitySegment {
            region: s.region.index() as u32,
            group: s.group.index() as u32,
            population,
        })
        .collect()
}

/// Targeting weights: the loss a fully informed person of each segment could shed per year
/// ([`Problem::preventable_loss_per_person`]), so seeds favour reaching high-risk groups.
///
/// # Complexity
/// `O(segments x threats)`.
///
/// # Example
/// ```
/// let problem = fanzha::scenarios::jurong_2023().compile().unwrap();
/// let w = fanzha::diffusion::segment_weights(&problem);
/// assert_eq!(w.len(), problem.segment_count());
/// assert!(w.iter().all(|&x| x >= 0.0));
/// ```
pub fn segment_weights(problem: &Problem) -> Vec<f64> {
    (0..problem.segment_count())
        .map(|s| problem.preventable_loss_per_person(s))
        .collect()
}

/// What a forwarding placement costs and carries, besides its audience.
#[derive(Debug, Clone, PartialEq)]
pub struct ForwardingSpec {
    /// Placement id (unique across the scenario's channels).
    pub id: String,
    /// Cost per round of posting (usually 0: forwarding is free).
    pub unit_cost: f64,
    /// Rounds available (e.g. 365 daily alerts a year).
    pub capacity: u64,
    /// Staff hours per round (the seeds' posting time).
    pub staff_hours: f64,
    /// Formats it carries (e.g. `"image"`, `"short_video"`).
    pub formats: Vec<String>,
    /// Provenance written into the placement's and audience's `source` fields.
    pub source: String,
}

/// A scenario placement whose audience is derived from the network: one audience entry per
/// segment with positive `per_unit`, selected by segment id.
///
/// `per_unit[s]` is the expected exposures per person of segment `s` per round of posting
/// (the scenario's `g_ks`). Values above 1 are accepted: a person can receive several
/// forwarded copies in one round ([`audience_per_unit`] itself caps its share at 1).
///
/// # Errors
/// [`DiffusionError::InvalidArgument`] if `per_unit` does not have one entry per segment of
/// `problem`, or an entry is NaN, negative or infinite (named by segment id).
///
/// # Example
/// ```
/// use fanzha::diffusion::{forwarding_placement, ForwardingSpec};
/// let problem = fanzha::scenarios::jurong_2023().compile().unwrap();
/// let per_unit = vec![0.05; problem.segment_count()];
/// let spec = ForwardingSpec { id: "wechat.grid".into(), unit_cost: 0.0, capacity: 365,
///     staff_hours: 4.0, formats: vec!["image".into()], source: "derived".into() };
/// let p = forwarding_placement(&problem, &per_unit, &spec).unwrap();
/// assert_eq!(p.audience.len(), problem.segment_count());
/// assert_eq!(p.audience[0].per_unit, 0.05);
/// ```
pub fn forwarding_placement(
    problem: &Problem,
    per_unit: &[f64],
    spec: &ForwardingSpec,
) -> Result<Placement, DiffusionError> {
    if per_unit.len() != problem.segment_count() {
        return Err(DiffusionError::invalid(
            "per_unit",
            format!(
                "{} values for {} segments",
                per_unit.len(),
                problem.segment_count()
            ),
        ));
    }
    if let Some((s, &g)) = problem
        .segments()
        .iter()
        .zip(per_unit)
        .find(|&(_, &g)| !(g.is_finite() && g >= 0.0))
    {
        return Err(DiffusionError::invalid(
            "per_unit",
            format!("segment {}: {g} is not a finite non-negative number", s.id),
        ));
    }
    let audience = problem
        .segments()
        .iter()
        .zip(per_unit)
        .filter(|&(_, &g)| g > 0.0)
        .map(|(s, &g)| Audience {
            segment: Some(s.id.clone()),
            region: None,
            group: None,
            per_unit: g,
            source: Some(spec.source.clone()),
        })
        .collect();
    Ok(Placement {
        id: spec.id.clone(),
        name: Some("Grid WeChat forwarding (derived from the social network)".into()),
        unit: "round of posting by the chosen seeds".into(),
        unit_cost: spec.unit_cost,
        setup_cost: 0.0,
        capacity: spec.capacity,
        capacity_per_week: None,
        staff_hours: spec.staff_hours,
        formats: spec.formats.clone(),
        audience,
        source: Some(spec.source.clone()),
    })
}
