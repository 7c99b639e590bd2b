//! Discounted suffixes of marginal value for calendar problems: the slope and curvature of an
//! arm's gain in `O(yearly cells of the arm)` instead of `O(cells x weeks)`.
//!
//! A unit of yearly arm `a` in week `t` adds `coef_c lambda^(u-t)` to yearly cell `c`'s
//! remembered exposure in every week `u >= t` (`lambda` its channel's retention). With
//! `w(u, c) = A rho exp(-E / kappa)` the value still reachable in week cell `(u, c)` and
//! `r_c = coef_c / kappa_c`, the gain's slope at the current plan is
//! `sum_c r_c D_1(c, t)` and its second derivative `-sum_c r_c^2 D_2(c, t)`, with the
//! discounted suffixes `D_p(c, t) = w(t, c) + lambda^p D_p(c, t + 1)`. The suffixes of a
//! yearly cell are rebuilt in `O(weeks)` per retention when a step changes its exposures.

use std::rc::Rc;

use crate::core::ArmId;
use crate::problem::Problem;

/// An arm's retention index, campaign week, and `(yearly cell, coef / kappa)` of its cells.
type ArmCells = (usize, usize, Vec<(usize, f64)>);

/// The fixed part: retentions, and per arm its retention, week and yearly cells' rates.
#[derive(Debug)]
struct Layout {
    /// The distinct retentions of the channels.
    lambdas: Vec<f64>,
    /// Weeks counted, `T + W`.
    horizon: usize,
    /// Yearly cells (cells per week).
    per_week: usize,
    /// Per arm: `(retention index, campaign week, [(yearly cell, coef / kappa)])`.
    arms: Vec<ArmCells>,
}

/// The suffixes `D_1`, `D_2` of every retention, yearly cell and week.
#[derive(Debug, Clone)]
pub(crate) struct Suffix {
    layout: Rc<Layout>,
    /// Entry `((l * 2 + p) * horizon + u) * per_week + c`: `D_(p+1)` of retention `l`.
    d: Vec<f64>,
    /// Yearly cells whose exposures changed since their suffixes were built.
    dirty: Vec<bool>,
    dirty_list: Vec<usize>,
}

impl Suffix {
    /// The suffixes of `p` (every cell to sync); `None` for a yearly problem.
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
            arms.push((li, t, cells));
        }
        let n = 2 * lambdas.len() * horizon * per_week;
        Some(Suffix {
            layout: Rc::new(Layout {
                lambdas,
                horizon,
                per_week,
                arms,
            }),
            d: vec![0.0; n],
            dirty: vec![true; per_week],
            dirty_list: (0..per_week).collect(),
        })
    }

    #[inline]
    fn index(&self, chain: usize, u: usize, c: usize) -> usize {
        let l = &self.layout;
        (chain * l.horizon + u) * l.per_week + c
    }

    /// Rebuilds the suffixes of yearly cell `c` from `w(u, c) = stakes * remaining`.
    fn sync_cell(&mut self, c: usize, stakes: &[f64], remaining: &[f64]) {
        let layout = Rc::clone(&self.layout);
        for (li, &lambda) in layout.lambdas.iter().enumerate() {
            for (p, factor) in [lambda, lambda * lambda].into_iter().enumerate() {
                let chain = li * 2 + p;
                let mut acc = 0.0;
                for u in (0..layout.horizon).rev() {
                    let cell = u * layout.per_week + c;
                    acc = stakes[cell] * remaining[cell] + factor * acc;
                    let i = self.index(chain, u, c);
                    self.d[i] = acc;
                }
            }
        }
    }

    /// Marks the yearly cell of (week) cell `cell` changed.
    #[inline]
    pub(crate) fn touch(&mut self, cell: usize) {
        let per_week = self.layout.per_week.max(1);
        if cell >= self.layout.horizon * per_week {
            return;
        }
        let c = cell % per_week;
        if !self.dirty[c] {
            self.dirty[c] = true;
            self.dirty_list.push(c);
        }
    }

    /// Rebuilds every suffix, week by week over contiguous cells.
    fn sync_all(&mut self, stakes: &[f64], remaining: &[f64]) {
        let layout = Rc::clone(&self.layout);
        let (h, n) = (layout.horizon, layout.per_week);
        for (li, &lambda) in layout.lambdas.iter().enumerate() {
            for (p, factor) in [lambda, lambda * lambda].into_iter().enumerate() {
                let chain = &mut self.d[(li * 2 + p) * h * n..(li * 2 + p + 1) * h * n];
                for u in (0..h).rev() {
                    let (now, later) = chain.split_at_mut((u + 1) * n);
                    let now = &mut now[u * n..];
                    let w = stakes[u * n..(u + 1) * n].iter().zip(&remaining[u * n..]);
                    if u + 1 < h {
                        for ((d, next), (s, r)) in now.iter_mut().zip(&later[..n]).zip(w) {
                            *d = s * r + factor * next;
                        }
                    } else {
                        for (d, (s, r)) in now.iter_mut().zip(w) {
                            *d = s * r;
                        }
                    }
                }
            }
        }
        for &c in &self.dirty_list {
            self.dirty[c] = false;
        }
        self.dirty_list.clear();
    }

    /// Rebuilds the suffixes of the yearly cells changed since the last sync.
    pub(crate) fn sync(&mut self, stakes: &[f64], remaining: &[f64]) {
        if self.dirty_list.len() * 4 > self.layout.per_week {
            return self.sync_all(stakes, remaining);
        }
        let list = std::mem::take(&mut self.dirty_list);
        for &c in &list {
            self.sync_cell(c, stakes, remaining);
            self.dirty[c] = false;
        }
        self.dirty_list = list;
        self.dirty_list.clear();
    }

    /// `(g, q)`: the gain's slope `g = sum_c r_c D_1(c, t)` and minus its second derivative
    /// `q = sum_c r_c^2 D_2(c, t)` for arm `arm` as of the last sync.
    #[inline]
    pub(crate) fn slope_and_curvature(&self, arm: usize) -> (f64, f64) {
        let (li, t, cells) = &self.layout.arms[arm];
        let (d1, d2) = (li * 2, li * 2 + 1);
        let (mut g, mut q) = (0.0, 0.0);
        for &(c, r) in cells {
            g += r * self.d[self.index(d1, *t, c)];
            q += r * r * self.d[self.index(d2, *t, c)];
        }
        (g, q)
    }
}
