//! Seed selection when nobody can activate anybody (no edge of positive probability between
//! two distinct nodes: isolated nodes, self-loops, probability-0 edges).
//!
//! Then a seed set reaches exactly its own members, so its (weighted) spread is its weight:
//! known exactly, without sampling. RR sampling would need `~ n / k` sets per unit of
//! precision (every RR set is its root alone) and, on a million isolated nodes, runs into its
//! cap after tens of seconds and 2 GB.

/// Seeds chosen exactly, with their weight and an upper bound on the best feasible weight.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Exact {
    /// Indices into the candidate list, in the order chosen.
    pub chosen: Vec<usize>,
    /// Total weight of the chosen candidates: their spread.
    pub value: f64,
    /// Upper bound on the weight of any feasible set (the optimum itself under a cardinality
    /// budget).
    pub upper: f64,
}

/// The `k` heaviest of `weights` (one per candidate; ties: the first), which is optimal.
///
/// `O(c log c)` for `c` candidates.
pub(crate) fn heaviest(weights: &[f64], k: usize) -> Exact {
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Stable: equal weights keep the candidates' order.
    order.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]));
    order.truncate(k);
    let value = order.iter().map(|&i| weights[i]).sum();
    Exact {
        chosen: order,
        value,
        upper: value,
    }
}

/// Under a knapsack budget: the better of cost-benefit greedy (by weight per cost, skipping
/// what no longer fits) and the best affordable single candidate, at least half the optimum;
/// the upper bound is the fractional knapsack (the linear relaxation's optimum).
///
/// `costs` are positive and finite, one per candidate. `O(c log c)`.
pub(crate) fn knapsack(weights: &[f64], costs: &[f64], budget: f64) -> Exact {
    let mut order: Vec<usize> = (0..weights.len())
        .filter(|&i| costs[i] <= budget && weights[i] > 0.0)
        .collect();
    order.sort_by(|&a, &b| (weights[b] / costs[b]).total_cmp(&(weights[a] / costs[a])));
    let mut upper = 0.0;
    let mut left = budget;
    for &i in &order {
        if costs[i] <= left {
            left -= costs[i];
            upper += weights[i];
        } else {
            upper += weights[i] * left / costs[i];
            break;
        }
    }
    let mut greedy = Vec::new();
    let (mut value, mut left) = (0.0, budget);
    for &i in &order {
        if costs[i] <= left {
            left -= costs[i];
            value += weights[i];
            greedy.push(i);
        }
    }
    let single = order
        .iter()
        .copied()
        .reduce(|best, i| if weights[i] > weights[best] { i } else { best });
    match single {
        Some(i) if weights[i] > value => Exact {
            chosen: vec![i],
            value: weights[i],
            upper,
        },
        _ => Exact {
            chosen: greedy,
            value,
            upper,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heaviest_takes_the_k_largest_first_on_ties() {
        let e = heaviest(&[1.0, 3.0, 2.0, 3.0, 0.0], 3);
        assert_eq!(e.chosen, [1, 3, 2]);
        assert_eq!((e.value, e.upper), (8.0, 8.0));
        assert_eq!(heaviest(&[1.0, 2.0], 5).chosen, [1, 0]);
    }

    /// Against brute force on small instances: feasible, at least half the optimum, and the
    /// bound above the optimum.
    #[test]
    fn knapsack_is_within_its_bounds() {
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 40) as f64 / (1u64 << 24) as f64
        };
        for _ in 0..200 {
            let c = 1 + (next() * 8.0) as usize;
            let weights: Vec<f64> = (0..c).map(|_| (next() * 4.0).floor()).collect();
            let costs: Vec<f64> = (0..c).map(|_| 0.5 + next() * 3.0).collect();
            let budget = next() * 6.0;
            let e = knapsack(&weights, &costs, budget);
            let cost: f64 = e.chosen.iter().map(|&i| costs[i]).sum();
            assert!(cost <= budget + 1e-12, "{e:?}");
            let value: f64 = e.chosen.iter().map(|&i| weights[i]).sum();
            assert_eq!(value, e.value);
            let opt = (0..1u32 << c)
                .filter(|m| {
                    (0..c)
                        .filter(|i| m >> i & 1 == 1)
                        .map(|i| costs[i])
                        .sum::<f64>()
                        <= budget
                })
                .map(|m| {
                    (0..c)
                        .filter(|i| m >> i & 1 == 1)
                        .map(|i| weights[i])
                        .sum::<f64>()
                })
                .fold(0.0, f64::max);
            assert!(e.value >= opt / 2.0 - 1e-12, "{e:?} vs {opt}");
            assert!(e.upper >= opt - 1e-12, "{e:?} vs {opt}");
            assert!(e.value <= e.upper + 1e-12);
        }
    }
}
