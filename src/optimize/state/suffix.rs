//! Discounted suffixes of marginal value for calendar problems: the slope and curvature of an
//! arm's gain in `O(yearly cells of the arm)` instead of `O(cells x weeks)`.
//!
//! A unit of yearly arm `a` in week `t` adds `coef_c lambda^(u-t)` to yearly cell `c`'s
//! remembered exposure in every week `u >= t` (`lambda` its channel's retention). With
//! `w(u, c) = A rho exp(-E / kappa)` the value still reachable in week cell `(u, c)` and
//! `r_c = coef_c / kappa_c`, the gain's slope at the current plan is
//! `sum_c r_c D_1(c, t)` and its second derivative `-sum_c r_c^2 D_2(c, t)`, with the
//! discounted suffixes `D_p(c, t) = w(t, c) + lambda^p D_p(c, t + 1)`. A step that changes
//! yearly cell `c`'s exposures up to week `u` makes its suffixes of weeks `0..=u` stale; a
//! price rebuilds only the stale weeks it reads, of its own retention, in `O(weeks)`.

use std::rc::Rc;

use crate::core::ArmId;
use crate::problem::Problem;

/// An arm's retention index, campaign week, `(yearly cell, coef / kappa)` of its cells, and
/// one past the last week of the horizon its exposures reach.
type ArmCells = (usize, usize, Vec<(usize, f64)>, u32);

/// The fixed part: retentions, and per arm its retention, week and yearly cells' rates.
#[derive(Debug)]
struct Layout {
    /// The distinct retentions of the channels.
    lambdas: Vec<f64>,
    /// Weeks counted, `T + W`.
    horizon: usize,
    /// Yearly cells (cells per week).
    per_week: usize,
    /// Per arm: `(retention index, campaign week, [(yearly cell, coef / kappa)], end week)`.
    arms: Vec<ArmCells>,
}

/// The suffixes `D_1`, `D_2` of every retention, yearly cell and week, rebuilt lazily: a
/// change of week `u`'s exposures makes the suffixes of weeks `0..=u` stale, and a price at
/// week `t` rebuilds only the stale weeks `t..` of the two chains of the arm's retention and
/// cells it reads.
#[derive(Debug, Clone)]
pub(crate) struct Suffix {
    layout: Rc<Layout>,
    /// Entry `((l * per_week + c) * horizon + u) * 2 + p`: `D_(p+1)` of retention `l`, yearly
    /// cell `c`, week `u` (both chains of a cell side by side, weeks contiguous).
    d: Vec<f64>,
    /// Per `l * per_week + c`: the suffixes of weeks `u < stale[..]` are out of date; those of
    /// the later weeks are exact.
    stale: Vec<u32>,
}

impl Suffix {
    /// The suffixes of `p` (all stale); `None` for a yearly problem.
    pub(crate) fn of(p: &Problem) -> Option<Suffix> {
        let w = p.structure().weeks.as_ref()?;
        let per_week = w.yearly_segments * p.threat_count();
        let horizon = w.horizon();
        let mut lambdas: Vec<f64> = Vec::new();
        let mut arms = Vec::with_capacity(p.arms().len());
        for (a, arm) in p.arms().iter().enumerate() {
            let a = ArmId::new(a);
            let t = w.arm_week(a).index();
            let channel = p.placements()[arm.placement.index()].channel;
            let lambda = w.retention.get(channel.index()).copied().unwrap_or(0.0);
            let li = match lambdas
                .iter()
                .position(|&l| l.to_bits() == lambda.to_bits())
            {
                Some(i) => i,
                None => {
                    lambdas.push(lambda);
                    lambdas.len() - 1
                }
            };
            let cells = p
                .absorbed(a)
                .take_while(|(c, _)| c.index() / per_week.max(1) == t)
                .map(|(c, coef)| (c.index() % per_week, coef / p.cells()[c.index()].scale))
                .collect();
            let end = p
                .absorbed(a)
                .map(|(c, _)| c.index() / per_week.max(1) + 1)
                .filter(|&u| u <= horizon)
                .max()
                .unwrap_or(0);
            arms.push((li, t, cells, end as u32));
        }
        let chains = lambdas.len() * per_week;
        let stale = u32::try_from(horizon).expect("a horizon of at most 104 weeks");
        Some(Suffix {
            layout: Rc::new(Layout {
                lambdas,
                horizon,
                per_week,
                arms,
            }),
            d: vec![0.0; 2 * chains * horizon],
            stale: vec![stale; chains],
        })
    }

    /// The suffixes of the empty plan, sharing this one's layout: every week stale (the
    /// values of stale weeks are never read).
    pub(crate) fn emptied(&self) -> Suffix {
        let stale = u32::try_from(self.layout.horizon).expect("a horizon of at most 104 weeks");
        Suffix {
            layout: Rc::clone(&self.layout),
            d: vec![0.0; self.d.len()],
            stale: vec![stale; self.stale.len()],
        }
    }

    /// Marks stale what a change of `arm`'s units changes: the suffixes of its yearly cells
    /// up to the last week its exposures reach, of every retention.
    #[inline]
    pub(crate) fn touch_arm(&mut self, arm: usize) {
        let l = &self.layout;
        let (_, _, cells, end) = &l.arms[arm];
        for chain in 0..l.lambdas.len() {
            let stale = &mut self.stale[chain * l.per_week..(chain + 1) * l.per_week];
            for &(c, _) in cells {
                stale[c] = stale[c].max(*end);
            }
        }
    }

    /// Brings `D_1`, `D_2` of retention `li`, yearly cell `c` up to date from week `t` on;
    /// returns the index of week `t`'s pair.
    #[inline]
    fn fresh(&mut self, li: usize, c: usize, t: usize, stakes: &[f64], remaining: &[f64]) -> usize {
        let l = &self.layout;
        let (h, n) = (l.horizon, l.per_week);
        let chain = li * n + c;
        let base = chain * h * 2;
        let hi = self.stale[chain] as usize;
        if t < hi {
            let (f1, f2) = (l.lambdas[li], l.lambdas[li] * l.lambdas[li]);
            let (mut a1, mut a2) = if hi < h {
                (self.d[base + 2 * hi], self.d[base + 2 * hi + 1])
            } else {
                (0.0, 0.0)
            };
            for u in (t..hi).rev() {
                let cell = u * n + c;
                let w = stakes[cell] * remaining[cell];
                a1 = w + f1 * a1;
                a2 = w + f2 * a2;
                self.d[base + 2 * u] = a1;
                self.d[base + 2 * u + 1] = a2;
            }
            self.stale[chain] = t as u32;
        }
        base + 2 * t
    }

    /// `(g, q)`: the gain's slope `g = sum_c r_c D_1(c, t)` and minus its second derivative
    /// `q = sum_c r_c^2 D_2(c, t)` for arm `arm` at the plan whose cells' values at stake and
    /// remaining shares are `stakes` and `remaining`.
    #[inline]
    pub(crate) fn slope_and_curvature(
        &mut self,
        arm: usize,
        stakes: &[f64],
        remaining: &[f64],
    ) -> (f64, f64) {
        let layout = Rc::clone(&self.layout);
        let (li, t, cells, _) = &layout.arms[arm];
        let (mut g, mut q) = (0.0, 0.0);
        for &(c, r) in cells {
            let i = self.fresh(*li, c, *t, stakes, remaining);
            g += r * self.d[i];
            q += r * r * self.d[i + 1];
        }
        (g, q)
    }
}
