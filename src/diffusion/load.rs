//! Loading SNAP-style edge lists: `u v` or `u v p` per line, `#` comments, any integer node ids.

use std::io::Write;
use std::path::Path;

use rayon::prelude::*;

use super::{DiffusionError, Probability, SocialGraph};

/// Number of pieces the text is cut into for parallel parsing (fixed, so the result never
/// depends on the thread count; it does not anyway, pieces are joined in order).
const PIECES: usize = 64;

/// Reads an edge list file; see [`parse_edge_list`] for the format.
///
/// # Arguments
/// * `path` - the file.
/// * `probability` - how edge probabilities are assigned (as in [`parse_edge_list`]).
///
/// # Returns
/// The graph; [`DiffusionError::Io`] if the file cannot be read, otherwise errors as
/// [`parse_edge_list`].
///
/// # Complexity
/// Reads the whole file into memory, then as [`parse_edge_list`]: the 10M-edge benchmark list
/// (130 MB) loads in under a second on two cores.
///
/// # Example
/// ```
/// use fanzha::diffusion::{load_edge_list, Probability};
/// let path = std::env::temp_dir().join("fanzha-load-doc.txt");
/// std::fs::write(&path, "1 2 0.5\n2 3 0.25\n").unwrap();
/// let g = load_edge_list(&path, Probability::Given).unwrap();
/// assert_eq!(g.in_edges(2).collect::<Vec<_>>(), vec![(1, 0.25)]);
/// # std::fs::remove_file(&path).ok();
/// ```
pub fn load_edge_list(
    path: impl AsRef<Path>,
    probability: Probability,
) -> Result<SocialGraph, DiffusionError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| DiffusionError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let parsed = parse_pieces(&bytes, matches!(probability, Probability::Given))?;
    drop(bytes); // the text is no longer needed: lowers the peak while building
    build(parsed, probability)
}

/// Parses a SNAP-style directed edge list.
///
/// Each non-empty line that does not start with `#` holds `u v` or `u v p`: two node ids
/// (unsigned integers up to `u64::MAX`, any values, not necessarily contiguous) and optionally
/// the activation probability `p` in `[0, 1]`, separated by spaces or tabs. Nodes are numbered
/// `0..n` in increasing order of their id, and each keeps its id as its
/// [label](SocialGraph::label). Parallel edges and self-loops are kept. All nodes are in
/// segment 0.
///
/// # Arguments
/// * `text` - the file's bytes (ASCII).
/// * `probability` - [`Probability::Given`] requires a third column on every line and keeps
///   it; otherwise the third column is optional and its value is replaced. A third field that
///   is present is always checked, whatever the mode: it must be a number in `[0, 1]` (so a
///   misaligned or corrupt file is caught even when its probabilities are not used).
///
/// # Returns
/// The graph, or [`DiffusionError::Parse`] naming the 1-based line of the first malformed line
/// (a bad node id, a missing second id, more than three fields, or a third field that is not a
/// number in `[0, 1]`).
///
/// # Complexity
/// `O(bytes + m + n log n)`; parsing runs in parallel on fixed pieces of the text.
///
/// # Example
/// ```
/// use fanzha::diffusion::{parse_edge_list, Probability, DiffusionError};
/// let g = parse_edge_list(b"# friends\n10 20\n20 30\n", Probability::WeightedCascade).unwrap();
/// assert_eq!((g.node_count(), g.edge_count()), (3, 2));
/// assert_eq!(g.label(2), 30);
/// let err = parse_edge_list(b"1 2\n3 x\n", Probability::WeightedCascade).unwrap_err();
/// assert!(matches!(err, DiffusionError::Parse { line: 2, .. }));
/// ```
pub fn parse_edge_list(
    text: &[u8],
    probability: Probability,
) -> Result<SocialGraph, DiffusionError> {
    build(
        parse_pieces(text, matches!(probability, Probability::Given))?,
        probability,
    )
}

/// Parses `text` in fixed pieces, in parallel; the first malformed line (in text order) is the
/// error.
fn parse_pieces(text: &[u8], want_prob: bool) -> Result<Vec<Piece>, DiffusionError> {
    let pieces = split_lines(text, PIECES);
    let parsed: Vec<Piece> = pieces
        .par_iter()
        .map(|piece| parse_piece(piece, want_prob))
        .collect();
    let mut line_base = 0usize;
    for piece in &parsed {
        if let Some((line, message)) = &piece.error {
            return Err(DiffusionError::Parse {
                line: line_base + line,
                message: message.clone(),
            });
        }
        line_base += piece.lines;
    }
    Ok(parsed)
}

/// Numbers the node ids in increasing order and builds the graph, freeing each parsed piece as
/// soon as it is mapped.
fn build(parsed: Vec<Piece>, probability: Probability) -> Result<SocialGraph, DiffusionError> {
    let want_prob = matches!(probability, Probability::Given);
    let edges: usize = parsed.iter().map(|p| p.sources.len()).sum();
    if edges > u32::MAX as usize {
        return Err(DiffusionError::invalid(
            "text",
            format!("{edges} edges exceed the u32 range"),
        ));
    }
    let max_id = parsed
        .iter()
        .flat_map(|p| p.sources.iter().chain(&p.targets))
        .copied()
        .max()
        .unwrap_or(0);
    let dense = max_id < u32::MAX as u64 && (max_id as usize) <= 4 * edges + 1024;
    let mut sources = Vec::with_capacity(edges);
    let mut targets = Vec::with_capacity(edges);
    let mut probs = Vec::with_capacity(if want_prob { edges } else { 0 });
    let labels = if dense {
        // Direct map: mark the ids present, number them in increasing order.
        let mut index = vec![0u32; max_id as usize + 1];
        for p in &parsed {
            for &id in p.sources.iter().chain(&p.targets) {
                index[id as usize] = 1;
            }
        }
        let mut labels = Vec::new();
        for (id, slot) in index.iter_mut().enumerate() {
            if *slot != 0 {
                *slot = labels.len() as u32;
                labels.push(id as u64);
            }
        }
        for p in parsed {
            sources.extend(p.sources.iter().map(|&id| index[id as usize]));
            targets.extend(p.targets.iter().map(|&id| index[id as usize]));
            probs.extend_from_slice(&p.probs);
        }
        labels
    } else {
        let mut labels: Vec<u64> = parsed
            .iter()
            .flat_map(|p| p.sources.iter().chain(&p.targets))
            .copied()
            .collect();
        labels.par_sort_unstable();
        labels.dedup();
        if labels.len() > u32::MAX as usize {
            return Err(DiffusionError::invalid(
                "text",
                "more than u32::MAX distinct node ids",
            ));
        }
        let rank = |id: &u64| -> u32 {
            labels
                .binary_search(id)
                .expect("every id was collected into labels") as u32
        };
        for p in parsed {
            sources.extend(p.sources.iter().map(rank));
            targets.extend(p.targets.iter().map(rank));
            probs.extend_from_slice(&p.probs);
        }
        labels
    };
    SocialGraph::from_parts(
        labels.len(),
        &sources,
        &targets,
        want_prob.then_some(&probs[..]),
        probability,
    )?
    .with_labels(labels)
}

/// Writes the graph as an edge list `label(u) label(v)` (and ` p` if `with_probability`), one
/// edge per line, preceded by a `#` comment line; [`parse_edge_list`] reads it back.
///
/// # Complexity
/// `O(n + m)`; wrap files in a `BufWriter`.
///
/// # Example
/// ```
/// use fanzha::diffusion::{parse_edge_list, write_edge_list, Edge, Probability, SocialGraph};
/// let g = SocialGraph::from_edges(2, &[Edge { source: 0, target: 1, probability: 0.5 }],
///                                 Probability::Given).unwrap();
/// let mut text = Vec::new();
/// write_edge_list(&g, &mut text, true).unwrap();
/// assert_eq!(String::from_utf8(text.clone()).unwrap(), "# 2 nodes, 1 edges\n0 1 0.5\n");
/// assert_eq!(parse_edge_list(&text, Probability::Given).unwrap().edge_count(), 1);
/// ```
pub fn write_edge_list(
    graph: &SocialGraph,
    mut out: impl Write,
    with_probability: bool,
) -> std::io::Result<()> {
    writeln!(
        out,
        "# {} nodes, {} edges",
        graph.node_count(),
        graph.edge_count()
    )?;
    for u in 0..graph.node_count() as u32 {
        for (v, p) in graph.out_edges(u) {
            if with_probability {
                writeln!(out, "{} {} {}", graph.label(u), graph.label(v), p)?;
            } else {
                writeln!(out, "{} {}", graph.label(u), graph.label(v))?;
            }
        }
    }
    Ok(())
}

/// Cuts `text` into about `pieces` slices, each ending just after a newline (or at the end).
fn split_lines(text: &[u8], pieces: usize) -> Vec<&[u8]> {
    let mut out = Vec::with_capacity(pieces);
    let step = text.len() / pieces + 1;
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + step).min(text.len());
        while end < text.len() && text[end - 1] != b'\n' {
            end += 1;
        }
        out.push(&text[start..end]);
        start = end;
    }
    out
}

#[derive(Default)]
struct Piece {
    sources: Vec<u64>,
    targets: Vec<u64>,
    probs: Vec<f32>,
    /// Lines in this piece.
    lines: usize,
    /// First error: 1-based line within the piece, message.
    error: Option<(usize, String)>,
}

fn parse_piece(text: &[u8], want_prob: bool) -> Piece {
    let mut piece = Piece::default();
    let guess = text.len() / 12;
    piece.sources.reserve(guess);
    piece.targets.reserve(guess);
    let mut pos = 0;
    while pos < text.len() {
        piece.lines += 1;
        let end = text[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| pos + i);
        let line = &text[pos..end];
        pos = end + 1;
        match parse_line(line, want_prob) {
            Ok(None) => {}
            Ok(Some((u, v, p))) => {
                piece.sources.push(u);
                piece.targets.push(v);
                if want_prob {
                    piece.probs.push(p);
                }
            }
            Err(message) => {
                piece.error = Some((piece.lines, message));
                return piece;
            }
        }
    }
    piece
}

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t' || b == b'\r'
}

/// Parses one line: `Ok(None)` for blank and comment lines.
fn parse_line(line: &[u8], want_prob: bool) -> Result<Option<(u64, u64, f32)>, String> {
    let mut i = 0;
    while i < line.len() && is_space(line[i]) {
        i += 1;
    }
    if i == line.len() || line[i] == b'#' {
        return Ok(None);
    }
    let (u, next) = parse_id(line, i)?;
    i = skip_space(line, next);
    if i == line.len() {
        return Err("expected `u v` or `u v p`, found one field".into());
    }
    let (v, next) = parse_id(line, i)?;
    i = skip_space(line, next);
    let mut p = 0.0f32;
    if i < line.len() {
        let start = i;
        while i < line.len() && !is_space(line[i]) {
            i += 1;
        }
        // Checked in every mode (a malformed column is a malformed file); kept only if wanted.
        let token = std::str::from_utf8(&line[start..i])
            .map_err(|_| "probability is not ASCII".to_string())?;
        p = token
            .parse::<f32>()
            .map_err(|_| format!("probability {token:?} is not a number"))?;
        if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
            return Err(format!("probability {token} is not in [0, 1]"));
        }
        i = skip_space(line, i);
        if i < line.len() {
            return Err("expected `u v` or `u v p`, found more than three fields".into());
        }
    } else if want_prob {
        return Err("expected a probability as the third field".into());
    }
    Ok(Some((u, v, p)))
}

fn skip_space(line: &[u8], mut i: usize) -> usize {
    while i < line.len() && is_space(line[i]) {
        i += 1;
    }
    i
}

fn parse_id(line: &[u8], start: usize) -> Result<(u64, usize), String> {
    let mut i = start;
    let mut value: u64 = 0;
    while i < line.len() && line[i].is_ascii_digit() {
        value = value
            .checked_mul(10)
            .and_then(|x| x.checked_add((line[i] - b'0') as u64))
            .ok_or_else(|| "node id does not fit in u64".to_string())?;
        i += 1;
    }
    if i == start || (i < line.len() && !is_space(line[i])) {
        let mut end = start;
        while end < line.len() && !is_space(line[end]) {
            end += 1;
        }
        return Err(format!(
            "node id {:?} is not an unsigned integer",
            String::from_utf8_lossy(&line[start..end])
        ));
    }
    Ok((value, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_blank_lines_tabs_and_crlf() {
        let g =
            parse_edge_list(b"# c\n\n5\t7\r\n  7 5 \n# end", Probability::Constant(0.5)).unwrap();
        assert_eq!(g.node_count(), 2);
        assert_eq!(g.labels(), &[5, 7]);
        assert_eq!(g.out_edges(0).collect::<Vec<_>>(), vec![(1, 0.5)]);
    }

    #[test]
    fn sparse_ids_use_the_sorted_map() {
        let g = parse_edge_list(b"18446744073709551615 3\n", Probability::WeightedCascade).unwrap();
        assert_eq!(g.labels(), &[3, u64::MAX]);
        assert_eq!(g.out_edges(1).collect::<Vec<_>>(), vec![(0, 1.0)]);
    }

    #[test]
    fn errors_name_the_line() {
        let cases: [(&[u8], usize, Probability); 6] = [
            (b"1 2\n1\n", 2, Probability::WeightedCascade),
            (b"1 2\n#x\n1 2 3 4\n", 3, Probability::WeightedCascade),
            (b"-1 2\n", 1, Probability::WeightedCascade),
            (b"1 2 0.5\n1 2\n", 2, Probability::Given),
            (b"1 2 1.5\n", 1, Probability::Given),
            (b"1 2 zz\n", 1, Probability::Given),
        ];
        for (text, line, prob) in cases {
            match parse_edge_list(text, prob) {
                Err(DiffusionError::Parse { line: l, .. }) => assert_eq!(l, line, "{text:?}"),
                other => panic!("{text:?}: expected a parse error, got {other:?}"),
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Any bytes: a graph or an error, never a panic; a Parse error names a real line.
        #[test]
        fn arbitrary_text_never_panics(
            text in proptest::collection::vec(
                proptest::sample::select(b"0123456789 \t\n\r#.-ex".to_vec()), 0..300),
            given in proptest::prelude::any::<bool>(),
        ) {
            let p = if given { Probability::Given } else { Probability::WeightedCascade };
            match parse_edge_list(&text, p) {
                Ok(g) => proptest::prop_assert!(g.edge_count() <= text.len() / 3 + 1),
                Err(DiffusionError::Parse { line, .. }) => {
                    let lines = text.split(|&b| b == b'\n').count();
                    proptest::prop_assert!(line >= 1 && line <= lines, "line {} of {}", line, lines);
                }
                Err(e) => proptest::prop_assert!(false, "unexpected error {}", e),
            }
        }
    }

    #[test]
    fn line_numbers_survive_piece_boundaries() {
        let mut text = String::new();
        for i in 0..5000 {
            text.push_str(&format!("{i} {}\n", i + 1));
        }
        text.push_str("oops\n");
        match parse_edge_list(text.as_bytes(), Probability::WeightedCascade) {
            Err(DiffusionError::Parse { line, .. }) => assert_eq!(line, 5001),
            other => panic!("expected a parse error, got {other:?}"),
        }
    }
}
