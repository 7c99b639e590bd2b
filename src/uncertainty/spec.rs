//! The compiled `uncertainty` section: entries resolved to indices, with their distributions.

use rand::Rng;
use rand_distr::{Distribution as _, StandardNormal};
use serde::{Deserialize, Serialize};

use crate::core::{CellId, ChannelId, PlacementId};

/// The standard normal's 95% quantile: `low`/`high` of a lognormal are `exp(mu -/+ Z95 sigma)`.
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// How one entry's value is drawn. Zero-width laws (`low == high`, `factor == 1`) give their
/// one value exactly, whatever the random numbers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Law {
    /// Lognormal with 5% quantile `low` and 95% quantile `high` (`0 < low <= high`).
    Lognormal {
        /// 5% quantile.
        low: f64,
        /// 95% quantile.
        high: f64,
    },
    /// Triangular on `[low, high]` with mode `mode`.
    Triangular {
        /// Least value.
        low: f64,
        /// Most likely value.
        mode: f64,
        /// Largest value.
        high: f64,
    },
    /// Uniform on `[low, high]`.
    Uniform {
        /// Least value.
        low: f64,
        /// Largest value.
        high: f64,
    },
}

/// A point of a law, for sensitivity analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Point {
    /// The 5% quantile.
    P5,
    /// The median.
    P50,
    /// The 95% quantile.
    P95,
}

impl Point {
    fn probability(self) -> f64 {
        match self {
            Point::P5 => 0.05,
            Point::P50 => 0.5,
            Point::P95 => 0.95,
        }
    }
}

impl Law {
    /// Checks the law's own numbers: finite, `low <= mode <= high`, and `low > 0` for a
    /// lognormal. Laws compiled from a scenario always pass; a hand-built or deserialised one
    /// may not.
    ///
    /// # Errors
    ///
    /// What is wrong, in words (e.g. ``"`low` is above `high` (3 > 2)"``).
    ///
    /// ```
    /// use fanzha::uncertainty::Law;
    ///
    /// assert!(Law::Uniform { low: 1.0, high: 2.0 }.check().is_ok());
    /// let bad = Law::Triangular { low: 3.0, mode: 2.5, high: 2.0 };
    /// assert!(bad.check().unwrap_err().contains("above"));
    /// ```
    pub fn check(&self) -> Result<(), String> {
        let (low, mode, high) = match *self {
            Law::Lognormal { low, high } | Law::Uniform { low, high } => (low, None, high),
            Law::Triangular { low, mode, high } => (low, Some(mode), high),
        };
        let mut values = [Some(low), mode, Some(high)].into_iter().flatten();
        if let Some(v) = values.find(|v| !v.is_finite()) {
            return Err(format!("has a value that is not a finite number ({v})"));
        }
        if low > high {
            return Err(format!("`low` is above `high` ({low} > {high})"));
        }
        if let Some(m) = mode
            && !(low <= m && m <= high)
        {
            return Err(format!(
                "`mode` {m} is outside [low, high] = [{low}, {high}]"
            ));
        }
        if matches!(self, Law::Lognormal { .. }) && low <= 0.0 {
            return Err(format!("`low` must be > 0 for a lognormal (it is {low})"));
        }
        Ok(())
    }

    /// One value drawn from `rng` (one standard normal or one uniform consumed, also for a
    /// zero-width law, so the streams of the other entries do not shift).
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match *self {
            Law::Lognormal { low, high } => {
                let z: f64 = StandardNormal.sample(rng);
                lognormal(low, high, z)
            }
            Law::Triangular { .. } | Law::Uniform { .. } => {
                let u: f64 = rng.random();
                self.inverse(u)
            }
        }
    }

    /// The value at a [`Point`].
    pub fn at(&self, point: Point) -> f64 {
        match *self {
            Law::Lognormal { low, high } => {
                let z = match point {
                    Point::P5 => -Z95,
                    Point::P50 => 0.0,
                    Point::P95 => Z95,
                };
                match point {
                    Point::P5 => low,
                    Point::P95 => high,
                    Point::P50 => lognormal(low, high, z),
                }
            }
            _ => self.inverse(point.probability()),
        }
    }

    /// Inverse distribution function of the triangular and uniform laws, `u` in `[0, 1)`.
    fn inverse(&self, u: f64) -> f64 {
        match *self {
            Law::Uniform { low, high } if low == high => low,
            Law::Uniform { low, high } => (low + u * (high - low)).min(high),
            Law::Triangular { low, high, .. } if low == high => low,
            Law::Triangular { low, mode, high } => {
                let width = high - low;
                let left = (mode - low) / width;
                let v = if u < left {
                    low + (u * width * (mode - low)).sqrt()
                } else {
                    high - ((1.0 - u) * width * (high - mode)).sqrt()
                };
                v.clamp(low, high)
            }
            Law::Lognormal { low, high } => lognormal(low, high, 0.0),
        }
    }
}

/// `exp(mu + z sigma)` for the lognormal with 5%/95% quantiles `low`/`high`; exactly `low`
/// when the two are equal.
fn lognormal(low: f64, high: f64, z: f64) -> f64 {
    if low == high {
        return low;
    }
    let (a, b) = (low.ln(), high.ln());
    let mu = 0.5 * (a + b);
    let sigma = (b - a) / (2.0 * Z95);
    (mu + z * sigma).exp()
}

/// A field of a cell an entry draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum CellField {
    /// Response ceiling.
    Ceiling,
    /// Response scale.
    Scale,
    /// Yearly victimisation rate.
    Rate,
    /// Mean loss per case.
    Loss,
}

/// What an entry's value applies to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Targets {
    /// One field of these cells.
    Cells {
        /// The field.
        field: CellField,
        /// The cells, ascending.
        cells: Vec<CellId>,
    },
    /// The depth of these channels (and so every absorbed coefficient of their arms).
    Depth(Vec<ChannelId>),
    /// Exposures per unit of these `(placement, position in its audience)` pairs (and the
    /// absorbed coefficients of their arms on those segments).
    PerUnit(Vec<(PlacementId, usize)>),
    /// The unit cost of these placements.
    UnitCost(Vec<PlacementId>),
}

impl Targets {
    /// How many values the entry touches.
    pub fn len(&self) -> usize {
        match self {
            Targets::Cells { cells, .. } => cells.len(),
            Targets::Depth(c) => c.len(),
            Targets::PerUnit(p) => p.len(),
            Targets::UnitCost(p) => p.len(),
        }
    }

    /// Whether it touches nothing (compile refuses such entries).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One uncertain quantity: its law, whether it replaces or multiplies the values it selects,
/// and what it selects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Entry {
    /// What it is, for reports (e.g. `ceiling group=elderly`).
    pub label: String,
    /// Why this range, as the scenario says.
    pub source: Option<String>,
    /// Its law.
    pub law: Law,
    /// `true`: the drawn value multiplies the current value (a `factor`); `false`: it
    /// replaces it.
    pub multiply: bool,
    /// What it applies to.
    pub targets: Targets,
}

/// The compiled `uncertainty` section: how many draws, their seed, and the entries (applied
/// in order; independent of each other).
///
/// Built by [`Scenario::compile_uncertain`](crate::Scenario::compile_uncertain); with no
/// section it has no entries (every draw is the point model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Uncertainty {
    /// Monte Carlo draws to use by default.
    pub draws: usize,
    /// Seed of the draws.
    pub seed: u64,
    /// The entries.
    pub entries: Vec<Entry>,
}

impl Uncertainty {
    /// No uncertainty: `draws` draws of the point model.
    pub fn none(draws: usize, seed: u64) -> Uncertainty {
        Uncertainty {
            draws,
            seed,
            entries: Vec::new(),
        }
    }

    /// The same entries with another number of draws and seed.
    #[must_use]
    pub fn with_draws(mut self, draws: usize, seed: u64) -> Uncertainty {
        self.draws = draws;
        self.seed = seed;
        self
    }

    /// A section of these entries, `draws` draws under `seed`.
    pub fn new(draws: usize, seed: u64, entries: Vec<Entry>) -> Uncertainty {
        Uncertainty {
            draws,
            seed,
            entries,
        }
    }
}

impl Entry {
    /// An entry (for building an uncertainty by hand rather than from a scenario file).
    pub fn new(label: impl Into<String>, law: Law, multiply: bool, targets: Targets) -> Entry {
        Entry {
            label: label.into(),
            source: None,
            law,
            multiply,
            targets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn points_are_the_quantiles() {
        let l = Law::Lognormal {
            low: 2.0,
            high: 8.0,
        };
        assert_eq!(l.at(Point::P5), 2.0);
        assert_eq!(l.at(Point::P95), 8.0);
        assert!((l.at(Point::P50) - 4.0).abs() < 1e-12);
        let t = Law::Triangular {
            low: 0.0,
            mode: 1.0,
            high: 1.0,
        };
        // F(x) = x^2: the median is sqrt(0.5).
        assert!((t.at(Point::P50) - 0.5f64.sqrt()).abs() < 1e-12);
        let u = Law::Uniform {
            low: 1.0,
            high: 3.0,
        };
        assert!((u.at(Point::P95) - 2.9).abs() < 1e-12);
    }

    #[test]
    fn samples_hit_their_quantiles() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for law in [
            Law::Lognormal {
                low: 0.5,
                high: 2.0,
            },
            Law::Triangular {
                low: 0.2,
                mode: 0.3,
                high: 0.6,
            },
            Law::Uniform {
                low: 1.0,
                high: 2.0,
            },
        ] {
            let n = 20_000;
            let below = (0..n)
                .filter(|_| law.sample(&mut rng) < law.at(Point::P5))
                .count();
            let share = below as f64 / n as f64;
            assert!((share - 0.05).abs() < 0.006, "{law:?}: {share}");
        }
    }

    #[test]
    fn zero_width_laws_give_their_value_exactly() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for law in [
            Law::Lognormal {
                low: 0.3,
                high: 0.3,
            },
            Law::Triangular {
                low: 0.3,
                mode: 0.3,
                high: 0.3,
            },
            Law::Uniform {
                low: 0.3,
                high: 0.3,
            },
        ] {
            for _ in 0..100 {
                assert_eq!(law.sample(&mut rng), 0.3);
            }
        }
    }
}
