//! Small dense linear algebra for the fit: a symmetric positive-definite solve and inverse by
//! Cholesky. The matrices here have one row per fitted parameter or margin (tens), so a plain
//! `O(n^3)` factorisation is the right tool.

/// A dense square matrix stored by rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Matrix {
    pub(crate) n: usize,
    pub(crate) a: Vec<f64>,
}

impl Matrix {
    /// The `n x n` zero matrix.
    pub(crate) fn zeros(n: usize) -> Matrix {
        Matrix {
            n,
            a: vec![0.0; n * n],
        }
    }

    pub(crate) fn at(&self, i: usize, j: usize) -> f64 {
        self.a[i * self.n + j]
    }

    pub(crate) fn add(&mut self, i: usize, j: usize, v: f64) {
        self.a[i * self.n + j] += v;
    }

    /// Lower Cholesky factor `L` with `L L^T = self`, or `None` when the matrix is not
    /// (numerically) positive definite. `O(n^3)`.
    pub(crate) fn cholesky(&self) -> Option<Matrix> {
        let n = self.n;
        let mut l = Matrix::zeros(n);
        for i in 0..n {
            for j in 0..=i {
                let mut s = self.at(i, j);
                for k in 0..j {
                    s -= l.at(i, k) * l.at(j, k);
                }
                if i == j {
                    if s <= 0.0 || !s.is_finite() {
                        return None;
                    }
                    l.a[i * n + i] = s.sqrt();
                } else {
                    l.a[i * n + j] = s / l.at(j, j);
                }
            }
        }
        Some(l)
    }

    /// Solves `L L^T x = b` given the lower factor `self = L`. `O(n^2)`.
    pub(crate) fn cholesky_solve(&self, b: &[f64]) -> Vec<f64> {
        let n = self.n;
        let mut y = b.to_vec();
        for i in 0..n {
            for k in 0..i {
                y[i] -= self.at(i, k) * y[k];
            }
            y[i] /= self.at(i, i);
        }
        for i in (0..n).rev() {
            for k in i + 1..n {
                y[i] -= self.at(k, i) * y[k];
            }
            y[i] /= self.at(i, i);
        }
        y
    }

    /// The inverse from the lower factor `self = L` of a positive-definite matrix. `O(n^3)`.
    pub(crate) fn cholesky_inverse(&self) -> Matrix {
        let n = self.n;
        let mut inv = Matrix::zeros(n);
        let mut e = vec![0.0; n];
        for j in 0..n {
            e.iter_mut().for_each(|v| *v = 0.0);
            e[j] = 1.0;
            let col = self.cholesky_solve(&e);
            for (i, v) in col.into_iter().enumerate() {
                inv.a[i * n + j] = v;
            }
        }
        inv
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_inverts_a_positive_definite_matrix() {
        let m = Matrix {
            n: 3,
            a: vec![4.0, 2.0, 0.6, 2.0, 5.0, 1.0, 0.6, 1.0, 3.0],
        };
        let l = m.cholesky().expect("positive definite");
        let x = l.cholesky_solve(&[1.0, 2.0, 3.0]);
        for i in 0..3 {
            let row: f64 = (0..3).map(|j| m.at(i, j) * x[j]).sum();
            assert!((row - [1.0, 2.0, 3.0][i]).abs() < 1e-12);
        }
        let inv = l.cholesky_inverse();
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| m.at(i, k) * inv.at(k, j)).sum();
                assert!((v - f64::from(u8::from(i == j))).abs() < 1e-12);
            }
        }
        let not = Matrix {
            n: 2,
            a: vec![1.0, 2.0, 2.0, 1.0],
        };
        assert!(not.cholesky().is_none());
    }
}
