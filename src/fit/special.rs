//! The rising factorial's logarithm and its derivative, for the negative-binomial likelihood.
//!
//! `ln Γ(x + n) - ln Γ(x) = sum_{j < n} ln(x + j)` and `ψ(x + n) - ψ(x) = sum_{j < n} 1 / (x + j)`.
//! Summed term by term they cost `O(n)` per count, and counts of a whole region run into the
//! tens of thousands; past a few dozen terms the differences come from Stirling's series
//! instead, written so that nothing cancels (`ln1p`), in `O(1)`.

/// Counts up to this are summed term by term (exact to rounding).
const SUMMED: u64 = 64;

/// The series is used from this argument on: its first omitted term is below `1e-17`.
const SHIFT: f64 = 32.0;

/// `(ln Γ(x + n) - ln Γ(x), ψ(x + n) - ψ(x))` for `x > 0`.
pub(crate) fn ln_rising(x: f64, n: u64) -> (f64, f64) {
    let (mut lg, mut dg) = (0.0, 0.0);
    let (mut x, mut n) = (x, n);
    // Sum the first terms until the series is accurate (or the count is used up).
    while n > 0 && (n <= SUMMED || x < SHIFT) {
        lg += x.ln();
        dg += 1.0 / x;
        x += 1.0;
        n -= 1;
    }
    if n == 0 {
        return (lg, dg);
    }
    let nf = n as f64;
    let y = x + nf;
    // ln Γ(y) - ln Γ(x) = (x - 1/2) ln(y / x) + n (ln y - 1) + s(y) - s(x).
    lg += (x - 0.5) * (nf / x).ln_1p() + nf * (y.ln() - 1.0) + stirling(y) - stirling(x);
    // ψ(y) - ψ(x) = ln(y / x) - (1/(2y) - 1/(2x)) - (t(y) - t(x)).
    dg += (nf / x).ln_1p() - (0.5 / y - 0.5 / x) - (digamma_tail(y) - digamma_tail(x));
    (lg, dg)
}

/// Stirling's correction `ln Γ(z) - (z - 1/2) ln z + z - ln(2π)/2` (the constant omitted: it
/// cancels in differences), to `z^-7`.
fn stirling(z: f64) -> f64 {
    let r = 1.0 / z;
    let r2 = r * r;
    r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 * (1.0 / 1260.0 - r2 / 1680.0)))
}

/// The digamma series beyond `ln z - 1/(2z)`, with the sign it is subtracted with:
/// `ψ(z) = ln z - 1/(2z) - digamma_tail(z)`, to `z^-8`.
fn digamma_tail(z: f64) -> f64 {
    let r2 = 1.0 / (z * z);
    r2 * (1.0 / 12.0 - r2 * (1.0 / 120.0 - r2 * (1.0 / 252.0 - r2 / 240.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summed(x: f64, n: u64) -> (f64, f64) {
        (0..n).fold((0.0, 0.0), |(l, d), j| {
            let t = x + j as f64;
            (l + t.ln(), d + 1.0 / t)
        })
    }

    #[test]
    fn the_series_matches_the_sum_term_by_term() {
        for x in [1e-3, 0.5, 3.0, 31.5, 100.0, 1e4, 1e9] {
            for n in [0, 1, 10, 64, 65, 100, 1_000, 50_000] {
                let (lg, dg) = ln_rising(x, n);
                let (l, d) = summed(x, n);
                let scale = l.abs().max(1.0);
                assert!((lg - l).abs() <= 1e-12 * scale, "x {x} n {n}: {lg} vs {l}");
                assert!(
                    (dg - d).abs() <= 1e-12 * d.abs().max(1e-300) + 1e-15,
                    "x {x} n {n}: {dg} vs {d}"
                );
            }
        }
    }

    #[test]
    fn a_huge_count_costs_no_more_than_a_small_one() {
        // Exact at n = 1e12 would take hours term by term; the series is immediate. Check it
        // against ln Γ(x + n) - ln Γ(x) ~ n ln(x + n / 2) to leading order.
        let (lg, dg) = ln_rising(5.0, 1_000_000_000_000);
        let n = 1e12_f64;
        assert!((lg / (n * (n.ln() - 1.0)) - 1.0).abs() < 1e-3, "{lg}");
        assert!((dg - (n / 5.0).ln_1p()).abs() < 1.0, "{dg}");
    }
}
