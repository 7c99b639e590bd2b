//! One resource vector for every layer: limits, usage, weights and masks are all
//! [`Resources`] keyed by [`ResourceId`].
//!
//! A problem's resources are listed once, in its [`Structure`](crate::problem::Structure):
//! the overall money and staff hours first, then each department's money and hours. Plan
//! accounting, the greedy's step costs, local search, the relaxation's rows and branch and
//! bound all loop over that list instead of naming money, hours and departments apart.

use std::ops::{Index, IndexMut};

use serde::{Deserialize, Serialize};

use super::ids::{DepartmentId, PlacementId, ResourceId, WeekId};

/// What a resource counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Money (the scenario's currency): unit, setup and production costs.
    Money,
    /// Staff hours: hours per unit of a placement.
    Hours,
    /// Units of a placement (a per-week capacity).
    Units,
}

/// Which limit a resource is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResourceKind {
    /// The campaign's money.
    Money,
    /// The campaign's staff hours.
    StaffHours,
    /// One department's money: what it pays for the placements and messages it owns.
    DepartmentMoney(DepartmentId),
    /// One department's staff hours: the hours of the placements it owns.
    DepartmentHours(DepartmentId),
    /// The money of one campaign week: the unit costs of that week's units (setup and
    /// production costs are paid once, from the horizon's money).
    WeekMoney(WeekId),
    /// The staff hours of one campaign week: the hours of that week's units.
    WeekHours(WeekId),
    /// The units one placement can run in one campaign week.
    WeekUnits(PlacementId, WeekId),
}

impl ResourceKind {
    /// Money or hours.
    pub fn measure(self) -> Measure {
        match self {
            ResourceKind::Money | ResourceKind::DepartmentMoney(_) | ResourceKind::WeekMoney(_) => {
                Measure::Money
            }
            ResourceKind::StaffHours
            | ResourceKind::DepartmentHours(_)
            | ResourceKind::WeekHours(_) => Measure::Hours,
            ResourceKind::WeekUnits(..) => Measure::Units,
        }
    }

    /// Whether setup and production costs draw on this resource: the horizon's money and
    /// each department's money (a per-week limit counts only the week's unit costs).
    pub fn pays_fixed_costs(self) -> bool {
        matches!(self, ResourceKind::Money | ResourceKind::DepartmentMoney(_))
    }

    /// The campaign week of a per-week limit, if it is one.
    pub fn week(self) -> Option<WeekId> {
        match self {
            ResourceKind::WeekMoney(w)
            | ResourceKind::WeekHours(w)
            | ResourceKind::WeekUnits(_, w) => Some(w),
            _ => None,
        }
    }

    /// What one unit of a placement with unit cost `unit_cost` and `staff_hours` hours per
    /// unit draws on this resource (its setup cost aside).
    pub fn per_unit(self, unit_cost: f64, staff_hours: f64) -> f64 {
        match self.measure() {
            Measure::Money => unit_cost,
            Measure::Hours => staff_hours,
            Measure::Units => 1.0,
        }
    }

    /// The department whose limit this is, if any.
    pub fn department(self) -> Option<DepartmentId> {
        match self {
            ResourceKind::DepartmentMoney(d) | ResourceKind::DepartmentHours(d) => Some(d),
            _ => None,
        }
    }

    /// The resources of a problem with `departments` departments, in [`ResourceId`] order:
    /// money, staff hours, then each department's money and hours.
    pub fn layout(departments: usize) -> Vec<ResourceKind> {
        let mut kinds = vec![ResourceKind::Money, ResourceKind::StaffHours];
        for d in DepartmentId::range(departments) {
            kinds.push(ResourceKind::DepartmentMoney(d));
            kinds.push(ResourceKind::DepartmentHours(d));
        }
        kinds
    }

    /// The id of this resource in [`ResourceKind::layout`].
    ///
    /// # Panics
    ///
    /// For the per-week kinds, whose ids depend on the problem: a calendar problem lists them
    /// after the layout (find them with
    /// [`Structure::resource_id`](crate::problem::Structure::resource_id)).
    pub fn id(self) -> ResourceId {
        ResourceId::new(match self {
            ResourceKind::Money => 0,
            ResourceKind::StaffHours => 1,
            ResourceKind::DepartmentMoney(d) => 2 + 2 * d.index(),
            ResourceKind::DepartmentHours(d) => 3 + 2 * d.index(),
            ResourceKind::WeekMoney(_)
            | ResourceKind::WeekHours(_)
            | ResourceKind::WeekUnits(..) => {
                panic!("a per-week resource has no fixed id: use Structure::resource_id")
            }
        })
    }
}

/// One value per resource of a problem: limits (`Resources<Option<f64>>`), usage and
/// weights (`Resources<f64>`), masks (`Resources<bool>`).
///
/// # Example
///
/// ```
/// use fanzha::core::{ResourceKind, Resources};
///
/// let mut used = Resources::filled(ResourceKind::layout(1).len(), 0.0);
/// used[ResourceKind::Money.id()] += 120.0;
/// assert_eq!(used.iter().sum::<f64>(), 120.0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Resources<T> {
    values: Vec<T>,
}

impl<T: Clone> Resources<T> {
    /// `count` copies of `value`.
    pub fn filled(count: usize, value: T) -> Self {
        Resources {
            values: vec![value; count],
        }
    }
}

impl<T> Resources<T> {
    /// One value per resource, in [`ResourceId`] order.
    pub fn from_vec(values: Vec<T>) -> Self {
        Resources { values }
    }

    /// The number of resources.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no resources.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The value of `id`, if it is a resource of this vector.
    pub fn get(&self, id: ResourceId) -> Option<&T> {
        self.values.get(id.index())
    }

    /// The values, in [`ResourceId`] order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.values.iter()
    }

    /// `(id, value)` pairs, in order.
    pub fn enumerate(&self) -> impl Iterator<Item = (ResourceId, &T)> {
        self.values
            .iter()
            .enumerate()
            .map(|(i, v)| (ResourceId::new(i), v))
    }

    /// The values as a slice.
    pub fn as_slice(&self) -> &[T] {
        &self.values
    }

    /// A new vector of `f(id, value)`.
    pub fn map<U>(&self, mut f: impl FnMut(ResourceId, &T) -> U) -> Resources<U> {
        Resources {
            values: self.enumerate().map(|(r, v)| f(r, v)).collect(),
        }
    }
}

impl<T> Index<ResourceId> for Resources<T> {
    type Output = T;

    fn index(&self, id: ResourceId) -> &T {
        &self.values[id.index()]
    }
}

impl<T> IndexMut<ResourceId> for Resources<T> {
    fn index_mut(&mut self, id: ResourceId) -> &mut T {
        &mut self.values[id.index()]
    }
}

impl<'a, T> IntoIterator for &'a Resources<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.values.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_ids_match_kinds() {
        let kinds = ResourceKind::layout(3);
        assert_eq!(kinds.len(), 8);
        for (i, k) in kinds.iter().enumerate() {
            assert_eq!(k.id().index(), i, "{k:?}");
        }
        assert_eq!(kinds[5].department(), Some(DepartmentId::new(1)));
        assert_eq!(kinds[5].measure(), Measure::Hours);
        assert_eq!(kinds[0].measure(), Measure::Money);
    }
}
