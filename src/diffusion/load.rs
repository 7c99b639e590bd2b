//! Loading SNAP-style edge lists: `u v` or `u v p` per line, `#` comments, any node ids.
//!
//! Integer ids take a fast path (ids parsed in parallel, numbered in increasing order). A file
//! with any other id falls back, as a whole, to interning the ids as strings (numbered in
//! first-seen order), so that every id reads back exactly as written.

use std::collections::HashMap;
use std::fs::File;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{Read, Write};
use std::path::Path;

use rayon::prelude::*;

use super::{DiffusionError, Probability, SocialGraph};

/// Number of pieces the text is cut into for parallel parsing (fixed, so the result never
/// depends on the thread count; it does not anyway, pieces are joined in order).
const PIECES: usize = 64;

/// Largest edge list [`load_edge_list`] reads: `2^30` bytes (1 GiB; the 10M-edge benchmark
/// list is 130 MB). Loading holds the text and its parsed edges at once, about 2.5 times the
/// text at the peak; [`load_edge_list_with_limit`] takes another limit.
pub const MAX_EDGE_LIST_BYTES: u64 = 1 << 30;

/// Reads an edge list file of at most [`MAX_EDGE_LIST_BYTES`]; see [`parse_edge_list`] for
/// the format.
///
/// # Arguments
/// * `path` - the file.
/// * `probability` - how edge probabilities are assigned (as in [`parse_edge_list`]).
///
/// # Returns
/// The graph; [`DiffusionError::Io`] if the file cannot be read,
/// [`DiffusionError::TooLarge`] if it holds more than [`MAX_EDGE_LIST_BYTES`] (also for
/// endless inputs such as `/dev/zero`), otherwise errors as [`parse_edge_list`].
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
    load_edge_list_with_limit(path, probability, MAX_EDGE_LIST_BYTES)
}

/// [`load_edge_list`] with another limit on the bytes read: `max_bytes`.
///
/// At most `max_bytes + 1` bytes are ever read (a regular file whose size is already above the
/// limit is refused before reading), so an endless or huge input costs at most that much
/// memory before [`DiffusionError::TooLarge`], which names the file and the limit.
///
/// # Example
/// ```
/// use fanzha::diffusion::{load_edge_list_with_limit, DiffusionError, Probability};
/// let path = std::env::temp_dir().join("fanzha-limit-doc.txt");
/// std::fs::write(&path, "1 2\n2 3\n").unwrap(); // 8 bytes
/// assert!(load_edge_list_with_limit(&path, Probability::WeightedCascade, 8).is_ok());
/// let err = load_edge_list_with_limit(&path, Probability::WeightedCascade, 7).unwrap_err();
/// assert!(matches!(err, DiffusionError::TooLarge { limit: 7, .. }));
/// # std::fs::remove_file(&path).ok();
/// ```
pub fn load_edge_list_with_limit(
    path: impl AsRef<Path>,
    probability: Probability,
    max_bytes: u64,
) -> Result<SocialGraph, DiffusionError> {
    let path = path.as_ref();
    let bytes = read_capped(path, max_bytes)?;
    let text = strip_bom(&bytes);
    match parse_pieces(text, matches!(probability, Probability::Given)) {
        Ok(parsed) => {
            drop(bytes); // the text is no longer needed: lowers the peak while building
            build(parsed, probability)
        }
        Err(Failure::NotIntegers) => build_named(text, probability),
        Err(Failure::Error(e)) => Err(e),
    }
}

/// The contents of `path` if it holds at most `limit` bytes; reads at most `limit + 1`.
fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, DiffusionError> {
    let io = |source| DiffusionError::Io {
        path: path.to_path_buf(),
        source,
    };
    let too_large = || DiffusionError::TooLarge {
        path: path.to_path_buf(),
        limit,
    };
    let file = File::open(path).map_err(io)?;
    // A regular file's size is known: refuse it unread, or read it into a buffer of its size.
    let size = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    if size.is_some_and(|len| len > limit) {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(size.unwrap_or(0) as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Parses a SNAP-style directed edge list.
///
/// Each non-empty line that does not start with `#` holds `u v` or `u v p`: two node ids and
/// optionally the activation probability `p` in `[0, 1]`, separated by spaces or tabs.
/// Parallel edges and self-loops are kept. All nodes are in segment 0. A leading UTF-8 byte
/// order mark is skipped.
///
/// Node ids are either
/// * all unsigned integers (up to `u64::MAX`, any values, not necessarily contiguous): nodes
///   are numbered `0..n` in increasing order of their id, and each keeps its id as its
///   [label](SocialGraph::label); [`SocialGraph::names`] is `None`. This is the fast path.
/// * otherwise, any tokens without whitespace (`alice`, `grid-17`, `王芳`, `007`, `-1`; UTF-8,
///   not starting with `#`): if any id of the file is not an unsigned integer, every id is
///   taken as text, exactly as written (so `7` and `007` are then two nodes). Nodes are
///   numbered `0..n` in the order their ids first appear (line by line, `u` before `v`),
///   whatever the thread count; each keeps its id as its [name](SocialGraph::name), and its
///   label is its index.
///
/// [`SocialGraph::id`] gives the id as written in either case.
///
/// # Arguments
/// * `text` - the file's bytes (UTF-8; ASCII for integer ids).
/// * `probability` - [`Probability::Given`] requires a third column on every line and keeps
///   it; otherwise the third column is optional and its value is replaced. A third field that
///   is present is always checked, whatever the mode: it must be a number in `[0, 1]` (so a
///   misaligned or corrupt file is caught even when its probabilities are not used).
///
/// # Returns
/// The graph, or [`DiffusionError::Parse`] naming the 1-based line of the first malformed line
/// (a missing second id, more than three fields, a third field that is not a number in
/// `[0, 1]`, or a textual id that is not UTF-8 or starts with `#`).
///
/// # Complexity
/// `O(bytes + m + n log n)`; parsing runs in parallel on fixed pieces of the text. Textual ids
/// cost a second pass over the text (the integer attempt stops at the first textual id) and
/// hashing each id; the names take about `24 bytes + their length` per node.
///
/// # Example
/// ```
/// use fanzha::diffusion::{parse_edge_list, Probability, DiffusionError};
/// let g = parse_edge_list(b"# friends\n10 20\n20 30\n", Probability::WeightedCascade).unwrap();
/// assert_eq!((g.node_count(), g.edge_count()), (3, 2));
/// assert_eq!(g.label(2), 30);
/// assert_eq!(g.names(), None);
///
/// let g = parse_edge_list(b"alice bob\nbob carol 0.3\n", Probability::WeightedCascade).unwrap();
/// assert_eq!(g.names().unwrap(), ["alice", "bob", "carol"]);
/// assert_eq!(g.out_edges(1).map(|(v, _)| g.id(v).to_string()).collect::<Vec<_>>(), ["carol"]);
///
/// let err = parse_edge_list(b"1 2\n3\n", Probability::WeightedCascade).unwrap_err();
/// assert!(matches!(err, DiffusionError::Parse { line: 2, .. }));
/// ```
pub fn parse_edge_list(
    text: &[u8],
    probability: Probability,
) -> Result<SocialGraph, DiffusionError> {
    let text = strip_bom(text);
    match parse_pieces(text, matches!(probability, Probability::Given)) {
        Ok(parsed) => build(parsed, probability),
        Err(Failure::NotIntegers) => build_named(text, probability),
        Err(Failure::Error(e)) => Err(e),
    }
}

fn strip_bom(text: &[u8]) -> &[u8] {
    text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text)
}

/// Why the integer path gave up.
enum Failure {
    /// The first bad line (in text order) has an id that is not an unsigned integer: the file
    /// is read again with textual ids.
    NotIntegers,
    /// The first bad line is malformed whatever the ids.
    Error(DiffusionError),
}

/// Parses `text` in fixed pieces, in parallel; the first malformed line (in text order) decides
/// the failure.
fn parse_pieces(text: &[u8], want_prob: bool) -> Result<Vec<Piece>, Failure> {
    let pieces = split_lines(text, PIECES);
    let parsed: Vec<Piece> = pieces
        .par_iter()
        .map(|piece| parse_piece(piece, want_prob))
        .collect();
    let mut line_base = 0usize;
    for piece in &parsed {
        match &piece.error {
            Some((_, LineError::NotInteger)) => return Err(Failure::NotIntegers),
            Some((line, LineError::Bad(message))) => {
                return Err(Failure::Error(DiffusionError::Parse {
                    line: line_base + line,
                    message: message.clone(),
                }));
            }
            None => line_base += piece.lines,
        }
    }
    Ok(parsed)
}

/// Numbers the node ids in increasing order and builds the graph, freeing each parsed piece as
/// soon as it is mapped.
fn build(parsed: Vec<Piece>, probability: Probability) -> Result<SocialGraph, DiffusionError> {
    let edges: usize = parsed.iter().map(Piece::len).sum();
    if parsed.iter().any(|p| p.wide.is_some()) {
        number(
            parsed.into_iter().map(Piece::into_wide).collect(),
            edges,
            probability,
        )
    } else {
        let narrow = parsed.into_iter().map(|p| (p.sources, p.targets, p.probs));
        number(narrow.collect(), edges, probability)
    }
}

/// [`build`] for ids of type `T` (`u32` or `u64`).
fn number<T: Copy + Ord + Into<u64> + Send>(
    parsed: Vec<Edges<T>>,
    edges: usize,
    probability: Probability,
) -> Result<SocialGraph, DiffusionError> {
    let want_prob = matches!(probability, Probability::Given);
    if edges > u32::MAX as usize {
        return Err(DiffusionError::invalid(
            "text",
            format!("{edges} edges exceed the u32 range"),
        ));
    }
    let max_id = parsed
        .iter()
        .flat_map(|p| p.0.iter().chain(&p.1))
        .map(|&id| id.into())
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
            for &id in p.0.iter().chain(&p.1) {
                index[id.into() as usize] = 1;
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
            sources.extend(p.0.iter().map(|&id| index[id.into() as usize]));
            targets.extend(p.1.iter().map(|&id| index[id.into() as usize]));
            probs.extend_from_slice(&p.2);
        }
        labels
    } else {
        let mut labels: Vec<u64> = parsed
            .iter()
            .flat_map(|p| p.0.iter().chain(&p.1))
            .map(|&id| id.into())
            .collect();
        labels.par_sort_unstable();
        labels.dedup();
        if labels.len() > u32::MAX as usize {
            return Err(DiffusionError::invalid(
                "text",
                "more than u32::MAX distinct node ids",
            ));
        }
        let rank = |id: &T| -> u32 {
            labels
                .binary_search(&(*id).into())
                .expect("every id was collected into labels") as u32
        };
        for p in parsed {
            sources.extend(p.0.iter().map(rank));
            targets.extend(p.1.iter().map(rank));
            probs.extend_from_slice(&p.2);
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

/// Writes the graph as an edge list `id(u) id(v)` (and ` p` if `with_probability`), one
/// edge per line, preceded by a `#` comment line; [`parse_edge_list`] reads it back.
///
/// Ids are as [`SocialGraph::id`] gives them: names if the graph has them, otherwise labels.
/// Reading back keeps every edge's ids and probability; nodes may be numbered differently
/// (first-seen order of the written file), and names that all look like integers read back as
/// integer labels (`007` as 7).
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
                writeln!(out, "{} {} {}", graph.id(u), graph.id(v), p)?;
            } else {
                writeln!(out, "{} {}", graph.id(u), graph.id(v))?;
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

/// One piece's parsed edges. Ids are kept as `u32` (half the memory of the 10M-edge list's
/// ids) until the piece meets one above `u32::MAX`; from there on, as `u64` in `wide`.
#[derive(Default)]
struct Piece {
    sources: Vec<u32>,
    targets: Vec<u32>,
    wide: Option<(Vec<u64>, Vec<u64>)>,
    probs: Vec<f32>,
    /// Lines in this piece.
    lines: usize,
    /// First error: 1-based line within the piece, what is wrong.
    error: Option<(usize, LineError)>,
}

/// What is wrong with a line, for the integer path.
enum LineError {
    /// A node id is not an unsigned integer that fits in `u64` (the file may have textual ids).
    NotInteger,
    /// Malformed whatever the ids.
    Bad(String),
}

/// The lines of `text`, without their `\n`; a final `\n` does not start another line.
fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    (!text.is_empty())
        .then(|| body.split(|&b| b == b'\n'))
        .into_iter()
        .flatten()
}

impl Piece {
    fn push(&mut self, u: u64, v: u64) {
        let narrow = u32::try_from(u).and_then(|u| Ok((u, u32::try_from(v)?)));
        match (&mut self.wide, narrow) {
            (None, Ok((u, v))) => {
                self.sources.push(u);
                self.targets.push(v);
            }
            (None, Err(_)) => {
                let widen = |ids: &mut Vec<u32>| std::mem::take(ids).into_iter().map(u64::from);
                let mut wide = (
                    widen(&mut self.sources).collect::<Vec<_>>(),
                    widen(&mut self.targets).collect::<Vec<_>>(),
                );
                wide.0.push(u);
                wide.1.push(v);
                self.wide = Some(wide);
            }
            (Some((s, t)), _) => {
                s.push(u);
                t.push(v);
            }
        }
    }

    fn len(&self) -> usize {
        self.wide.as_ref().map_or(self.sources.len(), |w| w.0.len())
    }

    /// Sources, targets and probabilities with `u64` ids.
    fn into_wide(self) -> Edges<u64> {
        let (s, t) = self.wide.unwrap_or_else(|| {
            (
                self.sources.into_iter().map(u64::from).collect(),
                self.targets.into_iter().map(u64::from).collect(),
            )
        });
        (s, t, self.probs)
    }
}

/// A piece's sources, targets and probabilities.
type Edges<T> = (Vec<T>, Vec<T>, Vec<f32>);

fn parse_piece(text: &[u8], want_prob: bool) -> Piece {
    let mut piece = Piece::default();
    let guess = text.len() / 12;
    piece.sources.reserve(guess);
    piece.targets.reserve(guess);
    for line in lines(text) {
        piece.lines += 1;
        match parse_line(line, want_prob) {
            Ok(None) => {}
            Ok(Some((u, v, p))) => {
                piece.push(u, v);
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
fn parse_line(line: &[u8], want_prob: bool) -> Result<Option<(u64, u64, f32)>, LineError> {
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
        return Err(LineError::Bad(ONE_FIELD.into()));
    }
    let (v, next) = parse_id(line, i)?;
    i = skip_space(line, next);
    let p = parse_rest(line, i, want_prob).map_err(LineError::Bad)?;
    Ok(Some((u, v, p)))
}

const ONE_FIELD: &str = "expected `u v` or `u v p`, found one field";

/// Parses what follows the two ids from `line[i..]` (`i` past any space): nothing, or a
/// probability in `[0, 1]`. Returns the probability (0 if absent and not wanted).
#[inline]
fn parse_rest(line: &[u8], mut i: usize, want_prob: bool) -> Result<f32, String> {
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
    Ok(p)
}

fn skip_space(line: &[u8], mut i: usize) -> usize {
    while i < line.len() && is_space(line[i]) {
        i += 1;
    }
    i
}

fn parse_id(line: &[u8], start: usize) -> Result<(u64, usize), LineError> {
    let mut i = start;
    let mut value: u64 = 0;
    while i < line.len() && line[i].is_ascii_digit() {
        value = value
            .checked_mul(10)
            .and_then(|x| x.checked_add((line[i] - b'0') as u64))
            .ok_or(LineError::NotInteger)?;
        i += 1;
    }
    if i == start || (i < line.len() && !is_space(line[i])) {
        return Err(LineError::NotInteger);
    }
    Ok((value, i))
}

/// Textual id -> number. Numbers follow first-seen order, never the hash, so the hasher only
/// affects speed: a multiply-rotate hash of 8 bytes at a time (in the manner of rustc's
/// FxHash, with a final mix for the table's low bits), several times faster than SipHash on
/// short ids. It is not collision-resistant: a file crafted to collide slows loading down.
type Names<'a> = HashMap<&'a str, u32, BuildHasherDefault<IdHasher>>;

#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl IdHasher {
    #[inline]
    fn add(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for IdHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // Mix the high bits (where the multiplication puts the entropy) into the low ones.
        let x = self.0;
        (x ^ (x >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9) ^ (x >> 32)
    }
}

/// A piece parsed with textual ids: ids are numbered in the piece's first-seen order.
#[derive(Default)]
struct NamedPiece<'a> {
    /// The piece's distinct ids, in first-seen order; `sources` and `targets` index it.
    names: Vec<&'a str>,
    sources: Vec<u32>,
    targets: Vec<u32>,
    probs: Vec<f32>,
    lines: usize,
    error: Option<(usize, String)>,
}

/// Parses `text` with textual ids, numbers the ids in first-seen order and builds the graph
/// with their names.
fn build_named(text: &[u8], probability: Probability) -> Result<SocialGraph, DiffusionError> {
    let want_prob = matches!(probability, Probability::Given);
    let pieces = split_lines(text, PIECES);
    let mut parsed: Vec<NamedPiece> = pieces
        .par_iter()
        .map(|piece| parse_named_piece(piece, want_prob))
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
    let edges: usize = parsed.iter().map(|p| p.sources.len()).sum();
    if edges > u32::MAX as usize {
        return Err(DiffusionError::invalid(
            "text",
            format!("{edges} edges exceed the u32 range"),
        ));
    }
    // Global numbering: pieces in text order, each in its first-seen order, is the file's
    // first-seen order.
    let capacity = parsed.iter().map(|p| p.names.len()).max().unwrap_or(0);
    let mut index = Names::with_capacity_and_hasher(capacity, Default::default());
    let mut names: Vec<&str> = Vec::new();
    let mut remaps: Vec<Vec<u32>> = Vec::with_capacity(parsed.len());
    for piece in &parsed {
        let mut remap = Vec::with_capacity(piece.names.len());
        for &name in &piece.names {
            let next = names.len();
            let id = *index.entry(name).or_insert_with(|| {
                names.push(name);
                next as u32
            });
            remap.push(id);
        }
        if names.len() > u32::MAX as usize {
            return Err(DiffusionError::invalid(
                "text",
                "more than u32::MAX distinct node ids",
            ));
        }
        remaps.push(remap);
    }
    drop(index);
    parsed
        .par_iter_mut()
        .zip(&remaps)
        .for_each(|(piece, remap)| {
            for x in piece.sources.iter_mut().chain(piece.targets.iter_mut()) {
                *x = remap[*x as usize];
            }
        });
    drop(remaps);
    let mut sources = Vec::with_capacity(edges);
    let mut targets = Vec::with_capacity(edges);
    let mut probs = Vec::with_capacity(if want_prob { edges } else { 0 });
    for p in parsed {
        sources.extend_from_slice(&p.sources);
        targets.extend_from_slice(&p.targets);
        probs.extend_from_slice(&p.probs);
    }
    let names: Vec<String> = names.into_iter().map(str::to_owned).collect();
    Ok(SocialGraph::from_parts(
        names.len(),
        &sources,
        &targets,
        want_prob.then_some(&probs[..]),
        probability,
    )?
    .with_checked_names(names))
}

fn parse_named_piece(text: &[u8], want_prob: bool) -> NamedPiece<'_> {
    let mut piece = NamedPiece::default();
    let mut index: Names<'_> = Names::default();
    for line in lines(text) {
        piece.lines += 1;
        match parse_named_line(line, want_prob) {
            Ok(None) => {}
            Ok(Some((u, v, p))) => {
                for (name, ids) in [(u, &mut piece.sources), (v, &mut piece.targets)] {
                    let next = piece.names.len();
                    let id = *index.entry(name).or_insert_with(|| {
                        piece.names.push(name);
                        next as u32
                    });
                    ids.push(id);
                }
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

/// Parses one line with textual ids: `Ok(None)` for blank and comment lines.
fn parse_named_line(line: &[u8], want_prob: bool) -> Result<Option<(&str, &str, f32)>, String> {
    let mut i = skip_space(line, 0);
    if i == line.len() || line[i] == b'#' {
        return Ok(None);
    }
    let (u, next) = name_token(line, i)?;
    i = skip_space(line, next);
    if i == line.len() {
        return Err(ONE_FIELD.into());
    }
    let (v, next) = name_token(line, i)?;
    i = skip_space(line, next);
    let p = parse_rest(line, i, want_prob)?;
    Ok(Some((u, v, p)))
}

/// The token starting at `line[start]` (not a space) as a node name, and the index after it.
fn name_token(line: &[u8], start: usize) -> Result<(&str, usize), String> {
    let mut end = start;
    while end < line.len() && !is_space(line[end]) {
        end += 1;
    }
    let token = &line[start..end];
    let name = std::str::from_utf8(token)
        .map_err(|_| format!("node id {:?} is not UTF-8", String::from_utf8_lossy(token)))?;
    if name.starts_with('#') {
        return Err(format!(
            "node id {name:?} starts with `#` (it would read back as a comment)"
        ));
    }
    Ok((name, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_stops_at_the_limit() {
        let path = std::env::temp_dir().join(format!("fanzha-capped-{}", std::process::id()));
        std::fs::write(&path, b"1 2\n2 3\n").unwrap();
        assert_eq!(read_capped(&path, 8).unwrap(), b"1 2\n2 3\n");
        assert_eq!(read_capped(&path, 100).unwrap().len(), 8);
        let err = read_capped(&path, 7).unwrap_err();
        std::fs::remove_file(&path).ok();
        assert!(
            matches!(err, DiffusionError::TooLarge { limit: 7, .. }),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains("fanzha-capped") && text.contains("7 bytes"),
            "{text}"
        );
        // An endless input is cut at the limit (before: read until memory ran out).
        #[cfg(unix)]
        {
            let err = read_capped(Path::new("/dev/zero"), 1 << 16).unwrap_err();
            assert_eq!(
                err.to_string(),
                "/dev/zero: larger than 65536 bytes, the limit for an edge list"
            );
        }
    }

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

    /// Ids are kept as `u32` until one does not fit: a piece widens where it meets one (here
    /// in the middle of a piece, with other pieces narrow), and the graph is the same.
    #[test]
    fn ids_above_u32_widen_where_they_appear() {
        let mut text = String::new();
        for i in 0..2_000u64 {
            text.push_str(&format!("{} {}\n", i, (i * 7 + 1) % 2_000));
        }
        let narrow = parse_edge_list(text.as_bytes(), Probability::WeightedCascade).unwrap();
        let big = u32::MAX as u64 + 10;
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        lines.insert(1_000, format!("{big} 5"));
        let wide_text = lines.join("\n") + "\n";
        let pieces = parse_pieces(wide_text.as_bytes(), false).ok().unwrap();
        assert!(pieces.len() > 2 && pieces.iter().filter(|p| p.wide.is_some()).count() == 1);
        let wide = parse_edge_list(wide_text.as_bytes(), Probability::WeightedCascade).unwrap();
        assert_eq!(wide.node_count(), narrow.node_count() + 1);
        assert_eq!(wide.labels()[..2_000], narrow.labels()[..]);
        assert_eq!(*wide.labels().last().unwrap(), big);
        let last = wide.node_count() as u32 - 1;
        assert_eq!(wide.out_edges(last).collect::<Vec<_>>(), vec![(5, 0.5)]);
        for v in 0..2_000u32 {
            let targets = |g: &SocialGraph| g.out_edges(v).map(|(t, _)| t).collect::<Vec<_>>();
            assert_eq!(targets(&wide), targets(&narrow));
        }
    }

    #[test]
    fn errors_name_the_line() {
        let cases: [(&[u8], usize, Probability); 13] = [
            (b"1 2\n1\n", 2, Probability::WeightedCascade),
            (b"1 2\n#x\n1 2 3 4\n", 3, Probability::WeightedCascade),
            (b"1 2 0.5\n1 2\n", 2, Probability::Given),
            (b"1 2 1.5\n", 1, Probability::Given),
            (b"1 2 zz\n", 1, Probability::Given),
            // Textual ids: the same checks on the string path.
            (b"-1 2\n-1\n", 2, Probability::WeightedCascade),
            (b"a b\nb c d\n", 2, Probability::WeightedCascade),
            (b"a b 0.5\nb c\n", 2, Probability::Given),
            (b"a b\nb c 0.1 0.2\n", 2, Probability::WeightedCascade),
            (b"a b\nb #c\n", 2, Probability::WeightedCascade),
            (b"a b\nb \xff\n", 2, Probability::WeightedCascade),
            // A structural error before the first textual id is reported as such...
            (b"1 2\n3\nalice bob\n", 2, Probability::WeightedCascade),
            // ...and one after it by the string path.
            (
                b"alice bob\n1 2\n3 4 5 6\n",
                3,
                Probability::WeightedCascade,
            ),
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
                proptest::sample::select(b"0123456789 \t\n\r#.-ex\xff".to_vec()), 0..300),
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
    fn textual_ids_fall_back_for_the_whole_file() {
        let g = parse_edge_list(
            "\u{feff}1 alice\nalice 2 0.5\n2 1\n007 7\n".as_bytes(),
            Probability::WeightedCascade,
        )
        .unwrap();
        assert_eq!(g.names().unwrap(), ["1", "alice", "2", "007", "7"]);
        assert_eq!(g.labels(), &[0, 1, 2, 3, 4]);
        assert_eq!(g.out_edges(1).collect::<Vec<_>>(), vec![(2, 1.0)]);
        // An id beyond u64 is a name too.
        let g = parse_edge_list(b"99999999999999999999 1\n", Probability::WeightedCascade).unwrap();
        assert_eq!(g.name(0), Some("99999999999999999999"));
        // The BOM is skipped on the integer path as well.
        let g = parse_edge_list(b"\xEF\xBB\xBF5 6\n", Probability::WeightedCascade).unwrap();
        assert_eq!((g.labels(), g.names()), (&[5u64, 6][..], None));
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
        // The same on the string path, the textual id far from the error.
        let text = format!("a b\n{text}");
        match parse_edge_list(text.as_bytes(), Probability::WeightedCascade) {
            Err(DiffusionError::Parse { line, .. }) => assert_eq!(line, 5002),
            other => panic!("expected a parse error, got {other:?}"),
        }
    }
}
