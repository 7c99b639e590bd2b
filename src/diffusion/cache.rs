//! A compact binary form of a [`SocialGraph`]: its arrays as written in memory (little-endian),
//! read back in one pass straight into the graph's arrays, so that loading a large graph costs
//! a sequential read instead of parsing text.
//!
//! Layout (version 1; every integer little-endian):
//!
//! | field | size |
//! | --- | --- |
//! | magic `FANZHAG\0`, version `u32`, flags `u32` (1: per-edge probabilities, 2: names) | 16 |
//! | `n`, `m` (`u64` each) | 16 |
//! | segments (`u32` per node), labels (`u64` per node) | 12 n |
//! | out-edge offsets (`u64`, `n + 1`), targets (`u32`, `m`) | 8 (n + 1) + 4 m |
//! | in-edge records: start `u64` and common probability `f32` (-1: they differ), `n + 1` | 12 (n + 1) |
//! | in-edge sources (`u32`, `m`) | 4 m |
//! | flag 1: out- then in-edge probabilities (`f32`, `m` each) | 8 m |
//! | flag 2: names, each a `u32` byte length and its UTF-8 bytes | |

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use super::graph::{InHead, Stored};
use super::{DiffusionError, SocialGraph};

const MAGIC: &[u8; 8] = b"FANZHAG\0";
const VERSION: u32 = 1;
const PER_EDGE: u32 = 1;
const NAMES: u32 = 2;
/// Values converted per read (a 256 kB buffer at most).
const BLOCK: usize = 1 << 15;

/// Writes `graph` in the binary cache format (see [`read_graph_cache`]).
///
/// # Complexity
/// `O(n + m)`; about `8 m + 32 n` bytes when every node's in-edges share one probability
/// (weighted cascade, a constant), `16 m + 32 n` otherwise, plus the names. Wrap files in a
/// `BufWriter` (or use [`save_graph_cache`]).
///
/// # Example
/// ```
/// use fanzha::diffusion::{chung_lu, read_graph_cache, write_graph_cache, Probability};
/// let g = chung_lu(1_000, 5_000, 2.5, Probability::WeightedCascade, 1).unwrap();
/// let mut bytes = Vec::new();
/// write_graph_cache(&g, &mut bytes).unwrap();
/// let h = read_graph_cache(&bytes[..]).unwrap();
/// assert_eq!(h.edge_count(), 5_000);
/// assert_eq!(h.in_edges(7).collect::<Vec<_>>(), g.in_edges(7).collect::<Vec<_>>());
/// ```
pub fn write_graph_cache(graph: &SocialGraph, out: impl Write) -> std::io::Result<()> {
    let mut out = out;
    let n = graph.node_count();
    let per_edge = !graph.uniform_in();
    let flags = if per_edge { PER_EDGE } else { 0 } | graph.names().map_or(0, |_| NAMES);
    out.write_all(MAGIC)?;
    out.write_all(&VERSION.to_le_bytes())?;
    out.write_all(&flags.to_le_bytes())?;
    out.write_all(&(n as u64).to_le_bytes())?;
    out.write_all(&(graph.edge_count() as u64).to_le_bytes())?;
    write_all(&mut out, graph.segments(), |x| x.to_le_bytes())?;
    write_all(&mut out, graph.labels(), |x| x.to_le_bytes())?;
    write_all(&mut out, graph.out_offsets(), |x| (*x as u64).to_le_bytes())?;
    write_all(&mut out, graph.out_targets(), |x| x.to_le_bytes())?;
    write_all(&mut out, graph.in_heads(), |h| {
        let mut b = [0u8; 12];
        b[..8].copy_from_slice(&(h.start as u64).to_le_bytes());
        b[8..].copy_from_slice(&h.uniform.to_le_bytes());
        b
    })?;
    write_all(&mut out, graph.in_sources(), |x| x.to_le_bytes())?;
    if per_edge {
        write_all(&mut out, graph.out_probs(), |x| x.to_le_bytes())?;
        write_all(&mut out, graph.in_probs(), |x| x.to_le_bytes())?;
    }
    for name in graph.names().unwrap_or(&[]) {
        out.write_all(&(name.len() as u32).to_le_bytes())?;
        out.write_all(name.as_bytes())?;
    }
    out.flush()
}

/// Reads a graph written by [`write_graph_cache`], in one pass, straight into its arrays.
/// [`load_graph_cache`] knows the file's size and reserves each array exactly (the peak memory
/// is the graph's own plus a 256 kB buffer); from any other reader, arrays above a million
/// entries grow as they fill.
///
/// # Returns
/// The graph, equal to the one written (segments, labels, names, edges in order,
/// probabilities); [`DiffusionError::InvalidArgument`] (`cache`) for a file that is not a cache
/// of this version, is cut short or has bytes after its end, or whose arrays are inconsistent
/// (every offset, endpoint, degree and probability is checked, so a corrupt file is refused
/// rather than answering out of range).
///
/// # Complexity
/// `O(n + m)`, a sequential read: 0.1-0.2 s for the 10M-edge benchmark graph (about 100 MB).
pub fn read_graph_cache(input: impl Read) -> Result<SocialGraph, DiffusionError> {
    read_cache(input, u64::MAX)
}

/// [`read_graph_cache`] of an input of `size` bytes (`u64::MAX`: unknown), which bounds what
/// each array may reserve up front.
fn read_cache(input: impl Read, size: u64) -> Result<SocialGraph, DiffusionError> {
    let mut r = Reader {
        input,
        buf: Vec::new(),
        left: size,
    };
    let mut magic = [0u8; 8];
    r.exact(&mut magic)?;
    if &magic != MAGIC {
        return Err(corrupt("not a fanzha graph cache (bad magic bytes)"));
    }
    let version = r.u32()?;
    if version != VERSION {
        return Err(corrupt(&format!(
            "cache version {version}, this build reads version {VERSION}: write it again"
        )));
    }
    let flags = r.u32()?;
    let n = r.len()?;
    let m = r.len()?;
    if n > u32::MAX as usize || m > u32::MAX as usize || flags & !(PER_EDGE | NAMES) != 0 {
        return Err(corrupt("header out of range"));
    }
    let segments = r.array(n, u32::from_le_bytes)?;
    let labels = r.array(n, u64::from_le_bytes)?;
    let out_offsets = r.array(n + 1, |b| {
        u64::from_le_bytes(b).min(usize::MAX as u64) as usize
    })?;
    let out_targets = r.array(m, u32::from_le_bytes)?;
    let in_heads = r.array::<12, _>(n + 1, |b| InHead {
        start: u64::from_le_bytes(b[..8].try_into().expect("8 bytes")).min(usize::MAX as u64)
            as usize,
        uniform: f32::from_le_bytes(b[8..].try_into().expect("4 bytes")),
        inv_log_q: 0.0,
    })?;
    let in_sources = r.array(m, u32::from_le_bytes)?;
    let (out_probs, in_probs) = if flags & PER_EDGE != 0 {
        let f = |b: [u8; 4]| f32::from_le_bytes(b);
        (r.array(m, f)?, r.array(m, f)?)
    } else {
        (Vec::new(), Vec::new())
    };
    let names = if flags & NAMES != 0 {
        Some(r.names(n)?)
    } else {
        None
    };
    if r.input.read(&mut [0u8; 1]).map_err(io_corrupt)? != 0 {
        return Err(corrupt("bytes after the end of the graph"));
    }
    SocialGraph::from_stored(Stored {
        segments,
        labels,
        names,
        out_offsets,
        out_targets,
        out_probs,
        in_heads,
        in_sources,
        in_probs,
    })
}

/// Writes `graph` to the file `path` (see [`write_graph_cache`]).
///
/// # Errors
/// [`DiffusionError::Io`] naming the file.
pub fn save_graph_cache(graph: &SocialGraph, path: impl AsRef<Path>) -> Result<(), DiffusionError> {
    let path = path.as_ref();
    let io = |source| DiffusionError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::create(path).map_err(io)?;
    write_graph_cache(graph, BufWriter::with_capacity(1 << 20, file)).map_err(io)
}

/// Reads the graph cache `path` (see [`read_graph_cache`]).
///
/// # Errors
/// [`DiffusionError::Io`] if the file cannot be read; otherwise as [`read_graph_cache`], with
/// the file named in the message.
///
/// # Example
/// ```
/// use fanzha::diffusion::{load_graph_cache, parse_edge_list, save_graph_cache, Probability};
/// let g = parse_edge_list(b"alice bob\nbob carol\n", Probability::WeightedCascade).unwrap();
/// let path = std::env::temp_dir().join("fanzha-cache-doc.bin");
/// save_graph_cache(&g, &path).unwrap();
/// let h = load_graph_cache(&path).unwrap();
/// assert_eq!(h.names(), g.names());
/// # std::fs::remove_file(&path).ok();
/// ```
pub fn load_graph_cache(path: impl AsRef<Path>) -> Result<SocialGraph, DiffusionError> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|source| DiffusionError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let size = file.metadata().map_or(u64::MAX, |m| m.len());
    read_cache(BufReader::with_capacity(1 << 16, file), size).map_err(|e| match e {
        DiffusionError::InvalidArgument { message, .. } => {
            DiffusionError::invalid("cache", format!("{}: {message}", path.display()))
        }
        e => e,
    })
}

fn corrupt(what: &str) -> DiffusionError {
    DiffusionError::invalid("cache", what.to_string())
}

fn io_corrupt(e: std::io::Error) -> DiffusionError {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        corrupt("the file ends early (cut short?)")
    } else {
        corrupt(&format!("read error: {e}"))
    }
}

/// Writes `values` as `N`-byte little-endian records, a block at a time.
fn write_all<T, const N: usize>(
    out: &mut impl Write,
    values: &[T],
    bytes: impl Fn(&T) -> [u8; N],
) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(BLOCK.min(values.len()) * N);
    for block in values.chunks(BLOCK) {
        buf.clear();
        for x in block {
            buf.extend_from_slice(&bytes(x));
        }
        out.write_all(&buf)?;
    }
    Ok(())
}

/// Reads records a block at a time through one reused buffer.
struct Reader<R> {
    input: R,
    buf: Vec<u8>,
    /// Bytes the input may still hold (an upper bound; `u64::MAX` if unknown).
    left: u64,
}

impl<R: Read> Reader<R> {
    fn exact(&mut self, out: &mut [u8]) -> Result<(), DiffusionError> {
        self.input.read_exact(out).map_err(io_corrupt)
    }

    fn u32(&mut self) -> Result<u32, DiffusionError> {
        let mut b = [0u8; 4];
        self.exact(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn len(&mut self) -> Result<usize, DiffusionError> {
        let mut b = [0u8; 8];
        self.exact(&mut b)?;
        usize::try_from(u64::from_le_bytes(b)).map_err(|_| corrupt("header out of range"))
    }

    /// `count` records of `N` bytes each, reserved at once if the input can hold them (a
    /// header claiming more than the file holds fails at its end, not with a huge
    /// allocation).
    fn array<const N: usize, T>(
        &mut self,
        count: usize,
        value: impl Fn([u8; N]) -> T,
    ) -> Result<Vec<T>, DiffusionError> {
        let bytes = (count as u64).saturating_mul(N as u64);
        // `u64::MAX` left: the input's size is unknown, so nothing is known to fit.
        let fits = self.left != u64::MAX && bytes <= self.left;
        let mut out = Vec::with_capacity(if fits { count } else { count.min(1 << 20) });
        if self.left != u64::MAX {
            self.left = self.left.saturating_sub(bytes);
        }
        let mut left = count;
        while left > 0 {
            let take = left.min(BLOCK);
            self.buf.resize(take * N, 0);
            let (input, buf) = (&mut self.input, &mut self.buf);
            input.read_exact(buf).map_err(io_corrupt)?;
            out.extend(
                buf.chunks_exact(N)
                    .map(|b| value(b.try_into().expect("N bytes"))),
            );
            left -= take;
        }
        Ok(out)
    }

    fn names(&mut self, n: usize) -> Result<Vec<String>, DiffusionError> {
        let mut names = Vec::with_capacity(n.min(1 << 24));
        for _ in 0..n {
            let len = self.u32()? as usize;
            let mut bytes = Vec::new();
            (&mut self.input)
                .take(len as u64)
                .read_to_end(&mut bytes)
                .map_err(io_corrupt)?;
            if bytes.len() != len {
                return Err(corrupt("the file ends early (cut short?)"));
            }
            names.push(String::from_utf8(bytes).map_err(|_| corrupt("a name is not UTF-8"))?);
        }
        Ok(names)
    }
}
