//! Remembered exposures of a calendar problem as a sparse recurrence for the conic program.
//!
//! A calendar problem's arm (unit in week `t`) reaches its cells in every later week with
//! coefficients `coef lambda^(u-t)`: dense in time. The conic program instead carries one
//! stock variable per (yearly cell, retention, week), `S_u = lambda S_(u-1) + sum coef x`, and
//! writes each week cell's exposure as the sum of its stocks: `O(arms x cells + stocks)`
//! nonzeros instead of `O(arms x cells x weeks)`. The stocks are exact (no cut-off), so the
//! program's optimum is at least that of the arm coefficients; the certificate, computed from
//! the arm coefficients, stays the bound.

use std::collections::HashMap;

use super::Layout;
use super::rows::arm_of;
use crate::problem::{Problem, Weeks};

/// The stock variables of one program.
pub(super) struct Stocks {
    /// Weeks counted.
    horizon: usize,
    /// Yearly cells per week.
    per_week: usize,
    /// `(yearly cell, retention)` of each stock chain.
    pairs: Vec<(usize, f64)>,
    /// The chains of each yearly cell.
    of_cell: Vec<Vec<usize>>,
    /// Per chain and week: `(variable, coefficient)` of the units bought that week.
    inflow: Vec<Vec<Vec<(usize, f64)>>>,
}

impl Stocks {
    /// The chains of `l`'s active arms; `None` when `p` is not a calendar problem.
    pub(super) fn of(p: &Problem, l: &Layout) -> Option<Stocks> {
        let w: &Weeks = p.structure().weeks.as_ref()?;
        let per_week = w.yearly_segments * p.threat_count();
        let horizon = w.horizon();
        let mut index: HashMap<(usize, u64), usize> = HashMap::new();
        let mut stocks = Stocks {
            horizon,
            per_week,
            pairs: Vec::new(),
            of_cell: vec![Vec::new(); per_week],
            inflow: Vec::new(),
        };
        for j in 0..l.active.len() {
            let a = arm_of(l, j);
            let t = w.arm_week(a).index();
            let channel = p.placements()[p.arms()[a.index()].placement.index()].channel;
            let lambda = w.retention[channel.index()];
            for (c, coef) in p.absorbed(a) {
                if c.index() / per_week != t {
                    break;
                }
                let yc = c.index() % per_week;
                let key = (yc, lambda.to_bits());
                let chain = *index.entry(key).or_insert_with(|| {
                    stocks.pairs.push((yc, lambda));
                    stocks.of_cell[yc].push(stocks.pairs.len() - 1);
                    stocks.inflow.push(vec![Vec::new(); horizon]);
                    stocks.pairs.len() - 1
                });
                if coef > 0.0 {
                    stocks.inflow[chain][t].push((j, coef));
                }
            }
        }
        Some(stocks)
    }

    /// Number of stock variables.
    pub(super) fn len(&self) -> usize {
        self.pairs.len() * self.horizon
    }

    /// The variable (after `first`) of chain `chain` in week `u`.
    fn var(&self, first: usize, chain: usize, u: usize) -> usize {
        first + chain * self.horizon + u
    }

    /// The scale of chain `chain`'s variables: its cell's response scale.
    pub(super) fn scale(&self, p: &Problem, chain: usize) -> f64 {
        p.cells()[self.pairs[chain].0].scale
    }

    /// Equality rows `sigma S_u - lambda sigma S_(u-1) - sum coef sigma_j w_j = 0`, each
    /// scaled by its largest coefficient, with variables after `first`.
    pub(super) fn recurrence_rows(
        &self,
        p: &Problem,
        first: usize,
        sigma: &[f64],
    ) -> Vec<Vec<(usize, f64)>> {
        let mut rows = Vec::with_capacity(self.len());
        for (chain, &(_, lambda)) in self.pairs.iter().enumerate() {
            let s = self.scale(p, chain);
            for u in 0..self.horizon {
                let mut terms = vec![(self.var(first, chain, u), s)];
                if u > 0 && lambda > 0.0 {
                    terms.push((self.var(first, chain, u - 1), -lambda * s));
                }
                for &(j, coef) in &self.inflow[chain][u] {
                    terms.push((j, -coef * sigma[j]));
                }
                let r = terms
                    .iter()
                    .map(|t| t.1.abs())
                    .fold(0.0, f64::max)
                    .max(1e-300);
                rows.push(terms.into_iter().map(|(j, v)| (j, v / r)).collect());
            }
        }
        rows
    }

    /// Whether cell `c` is a week cell, whose exposure [`Stocks::exposure_terms`] writes.
    pub(super) fn covers(&self, c: usize) -> bool {
        c / self.per_week < self.horizon
    }

    /// The terms of `-E_c / kappa_c` for cell `c` of the calendar problem in the stock
    /// variables after `first`; `None` for a cell that is not a week cell.
    pub(super) fn exposure_terms(
        &self,
        p: &Problem,
        first: usize,
        c: usize,
    ) -> Option<Vec<(usize, f64)>> {
        let u = c / self.per_week;
        if u >= self.horizon {
            return None;
        }
        let kappa = p.cells()[c].scale;
        Some(
            self.of_cell[c % self.per_week]
                .iter()
                .map(|&chain| (self.var(first, chain, u), self.scale(p, chain) / kappa))
                .collect(),
        )
    }
}
