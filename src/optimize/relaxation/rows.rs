//! The relaxation's linear rows, read like the math: resources, capacities, production
//! charges and floors.

use super::{Layout, Relaxation, Row};
use crate::core::{ArmId, MessageId, PlacementId, ResourceId, floor_threshold, slack};
use crate::response;

impl Relaxation<'_> {
    /// Every row of the layout's relaxation; `None` when a constant row is violated (no plan
    /// of the restriction is feasible).
    pub(super) fn rows(&self, l: &Layout) -> Option<Vec<Row>> {
        let mut rows = self.resource_rows(l);
        rows.extend(self.capacity_rows(l));
        rows.extend(self.production_rows(l));
        rows.extend(self.floor_rows(l)?);
        // A row without terms is a constant condition.
        if rows.iter().any(|row| row.terms.is_empty() && row.rhs < 0.0) {
            return None;
        }
        rows.retain(|row| !row.terms.is_empty());
        Some(rows)
    }

    /// Whether setup and production costs draw on resource `r`.
    fn is_money(&self, r: ResourceId) -> bool {
        self.problem.resources()[r.index()].pays_fixed_costs()
    }

    /// Fixed costs already paid that draw on resource `r`.
    fn paid(&self, l: &Layout, r: ResourceId) -> f64 {
        if !self.is_money(r) {
            return 0.0;
        }
        let p = self.problem;
        let mut total = 0.0;
        for (k, info) in p.placements().iter().enumerate() {
            if l.placement_paid[k] && info.draws.contains(&r) {
                total += p.placement(PlacementId::new(k)).setup_cost;
            }
        }
        for (m, info) in p.messages().iter().enumerate() {
            if l.message_paid[m] && info.draws.contains(&r) {
                total += p.production_cost(MessageId::new(m));
            }
        }
        total
    }

    /// What one unit of arm `a` draws on `r` (its spread setup cost included), if it draws on it.
    fn per_unit(&self, l: &Layout, a: usize, r: ResourceId) -> Option<f64> {
        let p = self.problem;
        let k = p.arms()[a].placement;
        let kind = p.resources()[r.index()];
        let draws = if kind.week().is_some() {
            p.arms()[a].draws.iter().any(|d| d.resource == r)
        } else {
            p.placements()[k.index()].draws.contains(&r)
        };
        if !draws {
            return None;
        }
        let pl = p.placement(k);
        Some(if self.is_money(r) {
            pl.unit_cost + l.spread[k.index()]
        } else {
            kind.per_unit(pl.unit_cost, pl.staff_hours)
        })
    }

    /// `sum_a use_ra x_a + sum_m P_m z_m <= limit_r - paid_r` for each limited resource `r`.
    ///
    /// Built from each arm's draws, in `O(nnz)` however many resources there are.
    fn resource_rows(&self, l: &Layout) -> Vec<Row> {
        let p = self.problem;
        let mut row_of = vec![usize::MAX; p.limits().len()];
        let mut rows = Vec::new();
        for (r, limit) in p.limits().enumerate() {
            let Some(limit) = *limit else { continue };
            row_of[r.index()] = rows.len();
            rows.push(Row {
                terms: Vec::new(),
                rhs: slack(limit) - self.paid(l, r),
                lazy: false,
            });
        }
        for (j, &a) in l.active.iter().enumerate() {
            for d in &p.arms()[a].draws {
                let i = row_of[d.resource.index()];
                if i == usize::MAX || !d.placement {
                    continue;
                }
                if let Some(per) = self.per_unit(l, a, d.resource)
                    && per > 0.0
                {
                    rows[i].terms.push((j, per));
                }
            }
        }
        for &m in &l.z_msgs {
            for &r in &p.messages()[m].draws {
                let i = row_of[r.index()];
                if i != usize::MAX {
                    rows[i]
                        .terms
                        .push((l.z_var[m], p.production_cost(MessageId::new(m))));
                }
            }
        }
        rows
    }

    /// `sum_{a on k} x_a <= U_k` where the arms' bounds could exceed the capacity.
    fn capacity_rows(&self, l: &Layout) -> Vec<Row> {
        let p = self.problem;
        let mut rows = Vec::new();
        for k in PlacementId::range(p.placements().len()) {
            let arms = p.arms_of_placement(k);
            let sum_hi = arms
                .iter()
                .fold(0u64, |s, &a| s.saturating_add(l.hi[a.index()]));
            let capacity = p.placement(k).capacity;
            if sum_hi > capacity {
                rows.push(Row {
                    terms: arms
                        .iter()
                        .filter(|&&a| l.hi[a.index()] > 0)
                        .map(|&a| (l.var_of_arm[a.index()], 1.0))
                        .collect(),
                    rhs: capacity as f64,
                    lazy: false,
                });
            }
        }
        rows
    }

    /// Production charges: `x_a / hi_a <= z_m` per arm, and aggregated over a message's arms:
    /// when message `m` is used, the rest of every limit is what its arms can use, so
    /// `sum_{a in m} use_ra x_a <= (limit_r - paid_r - P_m) z_m` for each limited resource.
    fn production_rows(&self, l: &Layout) -> Vec<Row> {
        let p = self.problem;
        let mut rows = Vec::new();
        for &m in &l.z_msgs {
            for &a in p.arms_of_message(MessageId::new(m)) {
                let a = a.index();
                if l.hi[a] > 0 {
                    rows.push(Row {
                        terms: vec![(l.var_of_arm[a], 1.0 / l.hi[a] as f64), (l.z_var[m], -1.0)],
                        rhs: 0.0,
                        lazy: false,
                    });
                }
            }
        }
        for &m in &l.z_msgs {
            self.message_rows(l, m, &mut rows);
        }
        rows
    }

    /// `sum_{a in m} use_ra x_a <= (limit_r - paid_r - P_m) z_m` for each limited resource
    /// `r` the arms of message `m` draw on, in `O(nnz of m's arms)`.
    fn message_rows(&self, l: &Layout, m: usize, rows: &mut Vec<Row>) {
        let p = self.problem;
        let id = MessageId::new(m);
        let mut terms_of: std::collections::BTreeMap<usize, Vec<(usize, f64)>> =
            std::collections::BTreeMap::new();
        for &a in p.arms_of_message(id) {
            let a = a.index();
            if l.hi[a] == 0 {
                continue;
            }
            for d in &p.arms()[a].draws {
                if !d.placement || p.limits()[d.resource].is_none() {
                    continue;
                }
                if let Some(per) = self.per_unit(l, a, d.resource)
                    && per > 0.0
                {
                    terms_of
                        .entry(d.resource.index())
                        .or_default()
                        .push((l.var_of_arm[a], per));
                }
            }
        }
        for (r, mut terms) in terms_of {
            let r = ResourceId::new(r);
            let limit = p.limits()[r].expect("only limited resources are collected");
            let room = if self.is_money(r) {
                let production = if p.messages()[m].draws.contains(&r) {
                    p.production_cost(id)
                } else {
                    0.0
                };
                slack(limit) - self.paid(l, r) - production
            } else {
                slack(limit)
            };
            terms.push((l.z_var[m], -room));
            rows.push(Row {
                terms,
                rhs: 0.0,
                lazy: true,
            });
        }
    }

    /// Floors: `-E_c <= -e_c`, with the slack [`Plan::check`](crate::Plan::check) allows on
    /// the reduction; `None` when a floor cannot be met by the active arms.
    fn floor_rows(&self, l: &Layout) -> Option<Vec<Row>> {
        let p = self.problem;
        let mut floored = vec![false; p.cells().len()];
        for fl in p.floors() {
            floored[fl.cell.index()] = true;
        }
        let cell_terms = if p.floors().is_empty() {
            Vec::new()
        } else {
            self.cell_terms(l, |c| floored[c])
        };
        let mut rows = Vec::new();
        for (j, fl) in p.floors().iter().enumerate() {
            let c = fl.cell.index();
            let cell = &p.cells()[c];
            let need =
                response::exposure_for(cell.ceiling, cell.scale, floor_threshold(p.floor_level(j)))
                    .unwrap_or(f64::INFINITY);
            if need <= 0.0 {
                continue;
            }
            if cell_terms[c].is_empty() || !need.is_finite() {
                return None;
            }
            rows.push(Row {
                terms: cell_terms[c].iter().map(|&(j, coef)| (j, -coef)).collect(),
                rhs: -need,
                lazy: false,
            });
        }
        Some(rows)
    }
}

/// The arm of variable `j` (for the conic scaling).
pub(super) fn arm_of(l: &Layout, j: usize) -> ArmId {
    ArmId::new(l.active[j])
}
