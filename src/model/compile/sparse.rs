//! A dense scratch vector that remembers which entries were written, so that filling and
//! clearing it costs the entries written, not its length.

/// Values by index, 0 where not written since the last clear.
pub(super) struct Sparse {
    values: Vec<f64>,
    written: Vec<bool>,
    touched: Vec<usize>,
}

impl Sparse {
    /// An all-zero vector of length `n`.
    pub(super) fn new(n: usize) -> Self {
        Sparse {
            values: vec![0.0; n],
            written: vec![false; n],
            touched: Vec::new(),
        }
    }

    /// Sets entry `i` (a later write wins).
    pub(super) fn set(&mut self, i: usize, v: f64) {
        if !std::mem::replace(&mut self.written[i], true) {
            self.touched.push(i);
        }
        self.values[i] = v;
    }

    /// Entry `i`.
    pub(super) fn get(&self, i: usize) -> f64 {
        self.values[i]
    }

    /// The positive entries by increasing index; clears the vector.
    pub(super) fn take_positive(&mut self) -> Vec<(usize, f64)> {
        self.touched.sort_unstable();
        let out = self
            .touched
            .iter()
            .map(|&i| (i, self.values[i]))
            .filter(|&(_, v)| v > 0.0)
            .collect();
        self.clear();
        out
    }

    /// Sets every entry back to 0.
    pub(super) fn clear(&mut self) {
        for &i in &self.touched {
            self.values[i] = 0.0;
            self.written[i] = false;
        }
        self.touched.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::Sparse;

    #[test]
    fn later_writes_win_and_take_clears() {
        let mut v = Sparse::new(5);
        v.set(3, 1.0);
        v.set(1, 2.0);
        v.set(3, 4.0);
        v.set(0, 0.0);
        assert_eq!(v.get(3), 4.0);
        assert_eq!(v.take_positive(), [(1, 2.0), (3, 4.0)]);
        assert_eq!((0..5).map(|i| v.get(i)).sum::<f64>(), 0.0);
        v.set(2, 1.0);
        v.clear();
        assert_eq!(v.take_positive(), []);
    }
}
