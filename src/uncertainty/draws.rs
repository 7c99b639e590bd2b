//! Seeded draws: one value per entry from a ChaCha8 stream keyed by `(seed, draw index)`,
//! applied to the problem's [`Parameters`] without recompiling.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::spec::{CellField, Entry, Point, Targets, Uncertainty};
use crate::core::limits::{
    MAX_AMOUNT, MAX_LOSS, MAX_PER_UNIT, MAX_SCALE, MIN_COEFFICIENT, MIN_SCALE,
};
use crate::core::{CellId, Range};
use crate::error::{Error, Item};
use crate::problem::{Cell, Parameters, Problem};

/// The largest `f64` below 1: the top of the `[0, 1)` ranges of rates and ceilings.
const BELOW_ONE: f64 = 1.0 - f64::EPSILON / 2.0;

/// SplitMix64 finaliser, to spread a user's seed over the ChaCha key.
fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The random stream of draw `index` under `seed`: ChaCha8 (portable: the same numbers on
/// every platform), keyed by the seed, stream number the draw index. Draws are independent of
/// each other and of the order (and thread) they are made in.
pub fn stream(seed: u64, index: u64) -> ChaCha8Rng {
    // The constant names the purpose, so these streams differ from other modules' under one seed.
    let mut rng = ChaCha8Rng::seed_from_u64(splitmix(seed ^ 0x0075_6e63_6572_7461));
    rng.set_stream(index);
    rng
}

/// A draw's parameters and which entries were clamped into their valid range.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Draw {
    /// The entries' values (a replacement value or a multiplier), in entry order.
    pub values: Vec<f64>,
    /// The parameters.
    pub parameters: Parameters,
    /// Per entry: whether some value it set left its parameter's valid range and was clamped.
    pub clamped: Vec<bool>,
}

/// Turns entry values into [`Parameters`] for one problem: the base parameters with each
/// entry applied in order. Built once per (problem, uncertainty); `Sync`, so draws can be
/// made on many threads.
///
/// # Example
///
/// ```
/// use fanzha::scenarios;
/// use fanzha::uncertainty::Sampler;
///
/// let (problem, uncertainty) = scenarios::jurong_2023().compile_uncertain()?;
/// let sampler = Sampler::new(&problem, &uncertainty)?;
/// let a = sampler.draw(0)?;
/// assert_eq!(a, sampler.draw(0)?); // a draw depends only on the seed and its index
/// let drawn = problem.with_parameters(a.parameters)?;
/// assert_eq!(drawn.cells().len(), problem.cells().len());
/// # Ok::<(), fanzha::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Sampler<'a> {
    problem: &'a Problem,
    uncertainty: &'a Uncertainty,
    /// Channel of each arm.
    arm_channel: Vec<usize>,
    /// Per arm, per entry of its cells: the position of the cell's segment in its placement's
    /// audience (`usize::MAX` when absent: a coefficient of 0).
    arm_audience: Vec<Vec<usize>>,
    /// The arms on a channel or placement whose depth or audience an entry draws: the only
    /// ones whose coefficients a draw rescales.
    touched_arms: Vec<usize>,
}

impl<'a> Sampler<'a> {
    /// Prepares draws of `uncertainty` for `problem`, in `O(size of the problem)`.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] naming the entry when one points outside the problem (an
    /// uncertainty compiled for another scenario) or its law fails [`Law::check`](super::Law::check)
    /// (a hand-built or deserialised one out of order), or when `problem` is a calendar problem
    /// (an uncertainty's targets are the yearly problem's cells; draw on the yearly problem
    /// and unroll each draw with [`Calendar::reunroll`](crate::calendar::Calendar::reunroll)).
    pub fn new(problem: &'a Problem, uncertainty: &'a Uncertainty) -> Result<Sampler<'a>, Error> {
        if problem.structure().weeks.is_some() {
            return Err(Error::Invalid {
                item: Item::new("uncertainty", "uncertainty"),
                field: "problem".into(),
                problem: "is a calendar problem: draws replace the yearly problem's parameters; \
                          draw on the yearly problem and unroll each draw"
                    .into(),
            });
        }
        check_fits(problem, uncertainty)?;
        let st = problem.structure();
        let arm_channel: Vec<usize> = st
            .arms
            .iter()
            .map(|a| st.placements[a.placement.index()].channel.index())
            .collect();
        let threats = problem.threat_count();
        let arm_audience = st
            .arms
            .iter()
            .map(|a| {
                let audience = &st.placements[a.placement.index()].audience;
                a.cells
                    .iter()
                    .map(|c| {
                        let s = c.index() / threats;
                        audience
                            .binary_search_by_key(&s, |seg| seg.index())
                            .unwrap_or(usize::MAX)
                    })
                    .collect()
            })
            .collect();
        let touched_arms = touched_arms(problem, uncertainty, &arm_channel);
        Ok(Sampler {
            problem,
            uncertainty,
            arm_channel,
            arm_audience,
            touched_arms,
        })
    }

    /// The problem the draws are of.
    pub fn problem(&self) -> &'a Problem {
        self.problem
    }

    /// The uncertainty drawn.
    pub fn uncertainty(&self) -> &'a Uncertainty {
        self.uncertainty
    }

    /// The entries' values of draw `index`: one value from each entry's law, in entry order,
    /// from [`stream`]`(seed, index)`.
    pub fn values(&self, index: u64) -> Vec<f64> {
        let mut rng = stream(self.uncertainty.seed, index);
        self.uncertainty
            .entries
            .iter()
            .map(|e| e.law.sample(&mut rng))
            .collect()
    }

    /// Every entry at `point` (e.g. all medians).
    pub fn values_at(&self, point: Point) -> Vec<f64> {
        self.uncertainty
            .entries
            .iter()
            .map(|e| e.law.at(point))
            .collect()
    }

    /// Draw `index`: its values and parameters.
    ///
    /// # Errors
    ///
    /// As [`Sampler::parameters`].
    pub fn draw(&self, index: u64) -> Result<Draw, Error> {
        let values = self.values(index);
        let (parameters, clamped) = self.parameters(&values)?;
        Ok(Draw {
            values,
            parameters,
            clamped,
        })
    }

    /// The problem of draw `index`, and which entries were clamped.
    ///
    /// # Errors
    ///
    /// As [`Sampler::parameters`].
    pub fn problem_of(&self, index: u64) -> Result<(Problem, Vec<bool>), Error> {
        let values = self.values(index);
        self.problem_at(&values)
    }

    /// The problem with the entries at `values` (one per entry), and which were clamped.
    ///
    /// # Errors
    ///
    /// As [`Sampler::parameters`].
    pub fn problem_at(&self, values: &[f64]) -> Result<(Problem, Vec<bool>), Error> {
        let (params, clamped) = self.parameters(values)?;
        Ok((self.problem.with_parameters(params)?, clamped))
    }

    /// The base parameters with entry `j` at `values[j]`, applied in entry order: a
    /// replacing entry sets each selected value, a factor multiplies it. A value that leaves
    /// its parameter's valid range is clamped into it and the entry flagged.
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] unless there is one value per entry; [`Error::InvalidValue`] naming
    /// the entry for a value that is NaN or infinite.
    ///
    /// # Complexity
    ///
    /// `O(size of the parameters + values touched)`.
    pub fn parameters(&self, values: &[f64]) -> Result<(Parameters, Vec<bool>), Error> {
        let entries = &self.uncertainty.entries;
        if values.len() != entries.len() {
            return Err(Error::Mismatch {
                what: "uncertainty values",
                expected: entries.len(),
                found: values.len(),
            });
        }
        let base = self.problem.parameters();
        let st = self.problem.structure();
        let mut params = base.clone();
        let mut depth: Vec<f64> = st.channels.iter().map(|c| c.depth).collect();
        let mut clamped = vec![false; entries.len()];
        for (j, (entry, &v)) in entries.iter().zip(values).enumerate() {
            if !v.is_finite() {
                return Err(Error::InvalidValue {
                    item: Item::new("uncertainty entry", &entry.label),
                    field: "value".into(),
                    value: v,
                    expected: "a finite number",
                });
            }
            clamped[j] = apply(entry, v, &mut params, &mut depth);
        }
        self.rescale_absorbed(base, &mut params, &depth);
        Ok((params, clamped))
    }

    /// The absorbed coefficients of the base parameters times each arm's channel depth ratio
    /// and audience ratio (`g_ks d_c a_ms w_mf` with new `g` and `d`).
    fn rescale_absorbed(&self, base: &Parameters, params: &mut Parameters, depth: &[f64]) {
        let st = self.problem.structure();
        for &a in &self.touched_arms {
            let arm = &st.arms[a];
            let ch = self.arm_channel[a];
            let d = depth[ch] / st.channels[ch].depth;
            let k = arm.placement.index();
            let (g_new, g_old) = (&params.placements[k].audience, &base.placements[k].audience);
            for (i, coef) in params.absorbed[a].iter_mut().enumerate() {
                let pos = self.arm_audience[a][i];
                let g = match pos {
                    usize::MAX => 1.0,
                    p if g_old[p] > 0.0 => g_new[p] / g_old[p],
                    _ => 1.0,
                };
                let scaled = base.absorbed[a][i] * d * g;
                *coef = clamp_to(
                    scaled,
                    Range::Absorbed,
                    MIN_COEFFICIENT.powi(4),
                    MAX_PER_UNIT,
                );
            }
        }
    }
}

/// The arms of the channels and placements whose depth or audience some entry draws,
/// ascending.
fn touched_arms(problem: &Problem, uncertainty: &Uncertainty, arm_channel: &[usize]) -> Vec<usize> {
    let st = problem.structure();
    let mut channels = vec![false; st.channels.len()];
    let mut placements = vec![false; st.placements.len()];
    for e in &uncertainty.entries {
        match &e.targets {
            Targets::Depth(c) => c.iter().for_each(|c| channels[c.index()] = true),
            Targets::PerUnit(p) => p.iter().for_each(|(k, _)| placements[k.index()] = true),
            _ => {}
        }
    }
    (0..st.arms.len())
        .filter(|&a| channels[arm_channel[a]] || placements[st.arms[a].placement.index()])
        .collect()
}

/// Applies one entry's value; whether some value was clamped.
fn apply(entry: &Entry, v: f64, params: &mut Parameters, depth: &mut [f64]) -> bool {
    let set = |old: f64| if entry.multiply { old * v } else { v };
    let mut clamped = false;
    let mut put = |slot: &mut f64, range: Range, lo: f64, hi: f64| {
        let new = set(*slot);
        let fixed = clamp_to(new, range, lo, hi);
        clamped |= fixed != new;
        *slot = fixed;
    };
    match &entry.targets {
        Targets::Cells { field, cells } => {
            for c in cells {
                let cell: &mut Cell = &mut params.cells[c.index()];
                match field {
                    CellField::Ceiling => put(
                        &mut cell.ceiling,
                        Range::BelowOne,
                        MIN_COEFFICIENT,
                        BELOW_ONE,
                    ),
                    CellField::Rate => {
                        put(&mut cell.rate, Range::BelowOne, MIN_COEFFICIENT, BELOW_ONE)
                    }
                    CellField::Scale => put(&mut cell.scale, Range::Scale, MIN_SCALE, MAX_SCALE),
                    CellField::Loss => put(&mut cell.loss, Range::Loss, 0.0, MAX_LOSS),
                }
            }
        }
        Targets::Depth(channels) => {
            for c in channels {
                put(&mut depth[c.index()], Range::Depth, MIN_COEFFICIENT, 1.0);
            }
        }
        Targets::PerUnit(pairs) => {
            for &(k, pos) in pairs {
                let g = &mut params.placements[k.index()].audience[pos];
                put(g, Range::PerUnit, MIN_COEFFICIENT, MAX_PER_UNIT);
            }
        }
        Targets::UnitCost(placements) => {
            for k in placements {
                let cost = &mut params.placements[k.index()].unit_cost;
                put(cost, Range::Amount, 0.0, MAX_AMOUNT);
            }
        }
    }
    clamped
}

/// `v` if `range` contains it, else the nearest of `lo` and `hi` (a positive value below the
/// smallest allowed one goes to `lo`, 0 stays 0 where the range allows it).
fn clamp_to(v: f64, range: Range, lo: f64, hi: f64) -> f64 {
    if range.contains(v) {
        v
    } else if v <= 0.0 && range.contains(0.0) {
        0.0
    } else {
        v.clamp(lo, hi)
    }
}

/// Checks every entry's law and every index of `uncertainty` against `problem`.
fn check_fits(problem: &Problem, uncertainty: &Uncertainty) -> Result<(), Error> {
    let st = problem.structure();
    for e in &uncertainty.entries {
        if let Err(problem) = e.law.check() {
            return Err(Error::Invalid {
                item: Item::new("uncertainty entry", &e.label),
                field: "law".into(),
                problem,
            });
        }
        let ok = match &e.targets {
            Targets::Cells { cells, .. } => {
                cells.iter().all(|c: &CellId| c.index() < st.cell_count())
            }
            Targets::Depth(c) => c.iter().all(|c| c.index() < st.channels.len()),
            Targets::PerUnit(p) => p.iter().all(|&(k, pos)| {
                k.index() < st.placements.len() && pos < st.placements[k.index()].audience.len()
            }),
            Targets::UnitCost(p) => p.iter().all(|k| k.index() < st.placements.len()),
        };
        if !ok {
            return Err(Error::Invalid {
                item: Item::new("uncertainty entry", &e.label),
                field: "targets".into(),
                problem: "points outside the problem (compiled for another scenario?)".into(),
            });
        }
    }
    Ok(())
}
