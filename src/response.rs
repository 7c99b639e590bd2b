//! From exposures to reach and risk reduction.
//!
//! Exposures from different units are independent Poisson events, so a person of a segment
//! with `lambda` expected exposures is reached (1+ exposures) with probability
//! `1 - exp(-lambda)`. Absorbed exposures `E` reduce the risk of a threat by
//! `r(E) = rho (1 - exp(-E / kappa))`: concave, increasing, `r(0) = 0`, `r(inf) = rho`, and
//! `r(kappa) = 0.63 rho`.
//!
//! Every function is numerically careful near zero (`expm1`) and never panics.
//!
//! # Example
//!
//! ```
//! use fanzha::response;
//!
//! let r = response::reduction(0.4, 3.0, 3.0);
//! assert!((r - 0.4 * (1.0 - (-1.0f64).exp())).abs() < 1e-12);
//! let e = response::exposure_for(0.4, 3.0, r).unwrap();
//! assert!((e - 3.0).abs() < 1e-9);
//! ```

/// Risk reduction `rho (1 - exp(-e / kappa))` for absorbed exposures `e >= 0`.
pub fn reduction(ceiling: f64, scale: f64, e: f64) -> f64 {
    -ceiling * (-e / scale).exp_m1()
}

/// Derivative of [`reduction`] with respect to `e`: `rho / kappa * exp(-e / kappa)`.
pub fn derivative(ceiling: f64, scale: f64, e: f64) -> f64 {
    ceiling / scale * (-e / scale).exp()
}

/// Increase of [`reduction`] when `delta >= 0` absorbed exposures are added to `e`:
/// `rho exp(-e / kappa) (1 - exp(-delta / kappa))`, computed without cancellation.
pub fn increment(ceiling: f64, scale: f64, e: f64, delta: f64) -> f64 {
    -ceiling * (-e / scale).exp() * (-delta / scale).exp_m1()
}

/// The absorbed exposures that reach reduction `target`: `-kappa ln(1 - target / rho)`.
///
/// Returns `Some(0.0)` for `target <= 0` and `None` when `target >= rho` (never reached).
pub fn exposure_for(ceiling: f64, scale: f64, target: f64) -> Option<f64> {
    if target <= 0.0 {
        Some(0.0)
    } else if target >= ceiling {
        None
    } else {
        Some(-scale * (-target / ceiling).ln_1p())
    }
}

/// Share of people with at least one exposure when each gets Poisson(`lambda`) exposures.
pub fn reach(lambda: f64) -> f64 {
    -(-lambda).exp_m1()
}

/// Share of people with at least three exposures (effective reach) for Poisson(`lambda`):
/// `1 - exp(-lambda) (1 + lambda + lambda^2 / 2)`.
pub fn effective_reach(lambda: f64) -> f64 {
    if lambda < 1e-3 {
        // Leading term of the tail, avoids cancellation: lambda^3 / 6 e^-lambda.
        return lambda.powi(3) / 6.0 * (-lambda).exp();
    }
    if lambda > 1e3 {
        // exp(-lambda) underflows long before lambda^2 overflows: the tail is 1.
        return 1.0;
    }
    (1.0 - (-lambda).exp() * (1.0 + lambda + 0.5 * lambda * lambda)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduction_is_zero_at_zero_and_tends_to_ceiling() {
        assert_eq!(reduction(0.4, 3.0, 0.0), 0.0);
        assert!((reduction(0.4, 3.0, 1e6) - 0.4).abs() < 1e-12);
        assert!((reduction(0.5, 2.0, 2.0) - 0.5 * (1.0 - (-1.0f64).exp())).abs() < 1e-15);
    }

    #[test]
    fn increment_matches_difference() {
        let (rho, k, e, d) = (0.3, 2.5, 1.7, 0.4);
        let diff = reduction(rho, k, e + d) - reduction(rho, k, e);
        assert!((increment(rho, k, e, d) - diff).abs() < 1e-15);
    }

    #[test]
    fn derivative_matches_finite_difference() {
        let (rho, k, e, h) = (0.3, 2.5, 1.7, 1e-6);
        let fd = (reduction(rho, k, e + h) - reduction(rho, k, e - h)) / (2.0 * h);
        assert!((derivative(rho, k, e) - fd).abs() < 1e-8);
    }

    #[test]
    fn exposure_for_inverts_reduction() {
        for target in [0.01, 0.1, 0.2, 0.39] {
            let e = exposure_for(0.4, 3.0, target).unwrap();
            assert!((reduction(0.4, 3.0, e) - target).abs() < 1e-12);
        }
        assert_eq!(exposure_for(0.4, 3.0, 0.4), None);
        assert_eq!(exposure_for(0.4, 3.0, 0.0), Some(0.0));
    }

    #[test]
    fn effective_reach_matches_poisson_tail() {
        for lambda in [1e-4f64, 0.01, 0.5, 3.0, 10.0] {
            let p: f64 = (0..3)
                .map(|k| (-lambda).exp() * lambda.powi(k) / [1.0, 1.0, 2.0][k as usize])
                .sum();
            let expect = 1.0 - p;
            assert!(
                (effective_reach(lambda) - expect).abs() < 1e-10,
                "lambda {lambda}: {} vs {expect}",
                effective_reach(lambda)
            );
        }
        assert!(effective_reach(2.0) < reach(2.0));
        assert_eq!(effective_reach(1e200), 1.0);
        assert_eq!(effective_reach(f64::INFINITY), 1.0);
    }
}
