//! Seeded, deterministic graph generators: a directed Chung-Lu power-law benchmark graph and a
//! synthetic city network of residents, grid workers and WeChat groups.

use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::graph::MAX_SEGMENTS;
use super::rng::{stream, tag};
use super::{DiffusionError, Probability, SocialGraph};

/// Most nodes [`city_network`] makes: `2^26` (about 67 million).
pub const CITY_MAX_NODES: usize = 1 << 26;

/// Most groups plus edges [`city_network`] may draw before merging parallel edges: `2^27`
/// (about 134 million; each drawn edge is a 16-byte record until they merge).
pub const CITY_MAX_EDGES: usize = 1 << 27;

/// Pairs sampled per random stream in [`chung_lu`].
const CL_CHUNK: usize = 1 << 16;

/// Directed Chung-Lu graph with power-law expected in- and out-degrees.
///
/// Node `i`'s expected out-degree is proportional to `(i + 1)^(-1/(exponent - 1))`, so degrees
/// follow a power law with the given exponent; in-degree weights are the same sequence under a
/// seeded random permutation, so a node's in- and out-degree are independent. Each edge's tail
/// and head are drawn independently from these weights (continuous inverse-CDF sampling);
/// self-loops and duplicates are rejected and redrawn, so the graph has exactly `m` distinct
/// edges. Probabilities are assigned by `probability` ([`Probability::Given`] is refused: there
/// is nothing to keep).
///
/// # Arguments
/// * `n`, `m` - nodes and edges; `m` at most `n (n - 1) / 4`, so rejection stays cheap.
/// * `exponent` - degree exponent, greater than 2 (2.5 in the benchmarks).
/// * `probability` - edge probabilities, e.g. [`Probability::WeightedCascade`].
/// * `seed` - the graph is a function of `(n, m, exponent, seed)`, whatever the thread count.
///
/// # Returns
/// The graph (node `i` labelled `i`, all in segment 0), or
/// [`DiffusionError::InvalidArgument`] for arguments out of range.
///
/// # Complexity
/// `O(m log m)` time (parallel sort), `O(m)` memory.
///
/// # Example
/// ```
/// use fanzha::diffusion::{chung_lu, Probability};
/// let g = chung_lu(1_000, 5_000, 2.5, Probability::WeightedCascade, 42).unwrap();
/// assert_eq!((g.node_count(), g.edge_count()), (1_000, 5_000));
/// let h = chung_lu(1_000, 5_000, 2.5, Probability::WeightedCascade, 42).unwrap();
/// assert!((0..1_000).all(|v| g.out_edges(v).eq(h.out_edges(v))));
/// ```
pub fn chung_lu(
    n: usize,
    m: usize,
    exponent: f64,
    probability: Probability,
    seed: u64,
) -> Result<SocialGraph, DiffusionError> {
    if !(2..=u32::MAX as usize).contains(&n) {
        return Err(DiffusionError::invalid("n", "must be in 2..=u32::MAX"));
    }
    if (m as f64) > (n as f64) * (n as f64 - 1.0) / 4.0 {
        return Err(DiffusionError::invalid(
            "m",
            "must be at most n (n - 1) / 4",
        ));
    }
    if !(exponent.is_finite() && exponent > 2.0) {
        return Err(DiffusionError::invalid("exponent", "must be a number > 2"));
    }
    if probability == Probability::Given {
        return Err(DiffusionError::invalid(
            "probability",
            "a generated graph has no given probabilities; use WeightedCascade or Constant",
        ));
    }
    let a = 1.0 / (exponent - 1.0);
    let q = 1.0 - a;
    let top = ((n + 1) as f64).powf(q) - 1.0;
    let draw = move |u: f64| -> u32 {
        let x = (1.0 + u * top).powf(1.0 / q);
        ((x as usize).saturating_sub(1)).min(n - 1) as u32
    };
    let mut perm: Vec<u32> = (0..n as u32).collect();
    perm.shuffle(&mut stream(seed, tag::CHUNG_LU, u64::MAX));

    let mut edges: Vec<u64> = Vec::new();
    let mut round = 0u64;
    while edges.len() < m {
        if round > 10_000 {
            return Err(DiffusionError::invalid("m", "too dense to sample"));
        }
        let need = m - edges.len();
        let chunks = need.div_ceil(CL_CHUNK);
        let mut fresh: Vec<u64> = (0..chunks)
            .into_par_iter()
            .flat_map_iter(|c| {
                let mut rng = stream(seed, tag::CHUNG_LU, (round << 32) | c as u64);
                let count = CL_CHUNK.min(need - c * CL_CHUNK);
                let perm = &perm;
                (0..count).filter_map(move |_| {
                    let u = draw(rng.random::<f64>());
                    let v = perm[draw(rng.random::<f64>()) as usize];
                    (u != v).then_some(((u as u64) << 32) | v as u64)
                })
            })
            .collect();
        fresh.par_sort_unstable();
        fresh.dedup();
        fresh.retain(|e| edges.binary_search(e).is_err());
        edges = merge_sorted(&edges, &fresh);
        round += 1;
    }
    let sources: Vec<u32> = edges.iter().map(|&e| (e >> 32) as u32).collect();
    let targets: Vec<u32> = edges.iter().map(|&e| e as u32).collect();
    drop(edges);
    SocialGraph::from_parts(n, &sources, &targets, None, probability)
}

/// Merges two sorted, disjoint lists.
fn merge_sorted(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] < b[j] {
            merged.push(a[i]);
            i += 1;
        } else {
            merged.push(b[j]);
            j += 1;
        }
    }
    merged.extend_from_slice(&a[i..]);
    merged.extend_from_slice(&b[j..]);
    merged
}

/// One population segment of a synthetic city: its region, its demographic group and its size.
#[derive(Debug, Clone, PartialEq)]
pub struct CitySegment {
    /// Region (town) index.
    pub region: u32,
    /// Demographic group index.
    pub group: u32,
    /// Residents.
    pub population: f64,
}

/// Shape of a synthetic city network; [`Default`] gives the values used by the `seeds`
/// example (all assumptions, not data; see [`CityOptions::default`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CityOptions {
    /// Residents per node (the scale factor).
    pub people_per_node: f64,
    /// Nodes per grid worker in each region.
    pub nodes_per_grid_worker: f64,
    /// WeChat groups owned by each grid worker.
    pub groups_per_worker: usize,
    /// Mean members of a WeChat group (sizes uniform in half to 1.5 times this).
    pub group_size: usize,
    /// Probability that a group member is of the group's theme demographic (else anyone in the
    /// region).
    pub group_homophily: f64,
    /// Mean personal contacts per node (undirected, heavy-tailed).
    pub contacts: f64,
    /// Pareto tail index of a node's contact activity (smaller: heavier tail).
    pub activity_tail: f64,
    /// Probability that a contact lives in the same region.
    pub same_region: f64,
    /// Probability that a same-region contact is in the same demographic group.
    pub same_group: f64,
    /// Probability that a member reads and passes on the owner's post.
    pub post_probability: f64,
    /// Ties to other members each member has inside a group.
    pub member_ties: usize,
    /// Probability along a tie between members of a group.
    pub member_probability: f64,
    /// Probability along a personal contact.
    pub contact_probability: f64,
}

impl Default for CityOptions {
    /// One node per 20 residents; a grid worker per 1,000 residents (50 nodes) owning two
    /// WeChat groups of about 300 residents (15 nodes), 70% of one demographic; 4 personal
    /// contacts per node, 80% in the region, 60% of those in the same group; a member reads and
    /// passes on a post with probability 0.3, a tie between members or contacts carries it with
    /// probability 0.05. Assumptions chosen to keep the cascade subcritical (seeds matter), not
    /// data.
    fn default() -> Self {
        CityOptions {
            people_per_node: 20.0,
            nodes_per_grid_worker: 50.0,
            groups_per_worker: 2,
            group_size: 15,
            group_homophily: 0.7,
            contacts: 4.0,
            activity_tail: 2.0,
            same_region: 0.8,
            same_group: 0.6,
            post_probability: 0.3,
            member_ties: 1,
            member_probability: 0.05,
            contact_probability: 0.05,
        }
    }
}

/// A WeChat group of the synthetic city.
#[derive(Debug, Clone, PartialEq)]
pub struct WeChatGroup {
    /// The grid worker who owns the group and posts the alert.
    pub owner: u32,
    /// The members (owner excluded).
    pub members: Vec<u32>,
}

/// A synthetic city: the graph (node segment = index into the segment list), its grid workers
/// and their WeChat groups.
#[derive(Debug, Clone)]
pub struct CityNetwork {
    /// The network.
    pub graph: SocialGraph,
    /// Grid workers (distinct node indices, by region).
    pub grid_workers: Vec<u32>,
    /// WeChat groups.
    pub groups: Vec<WeChatGroup>,
}

/// Generates a synthetic city network.
///
/// Each segment gets `round(population / people_per_node)` nodes (at least one if its
/// population is positive), numbered segment by segment. In each region, one node per
/// `nodes_per_grid_worker` is a grid worker; each owns `groups_per_worker` WeChat groups whose
/// members come from the region, a share `group_homophily` of them from one theme demographic
/// (dense clusters: owner -> member edges with `post_probability`, and `member_ties` ties each
/// between members). Personal contacts join a node drawn by Pareto activity (heavy-tailed
/// degrees) to one in the same region (then same group) with probabilities `same_region`,
/// `same_group`, else anyone. Parallel edges merge as `1 - prod(1 - p)`; no self-loops.
///
/// # Arguments
/// * `segments` - the population segments (e.g. [`city_segments`](super::city_segments) of a
///   compiled scenario); node segment `s` is `segments[s]`.
/// * `options` - the shape of the network.
/// * `seed` - the network is a function of its arguments.
///
/// # Returns
/// The network, or [`DiffusionError::InvalidArgument`] for options out of range, a negative or
/// non-finite population, fewer than two nodes, more than [`CITY_MAX_NODES`] nodes, more than
/// [`MAX_SEGMENTS`](super::MAX_SEGMENTS) segments or a region id not below it, or more than
/// [`CITY_MAX_EDGES`] groups and edges to draw. The last is checked before anything is
/// allocated, on the upper bound `G + G x (3 group_size / 2) x (1 + 2 member_ties) +
/// 2 round(contacts x N / 2)`, with `G` = grid workers x `groups_per_worker` and
/// `3 group_size / 2` the largest group drawn.
///
/// # Complexity
/// `O(N log N + E log E)` for `N` nodes and `E` drawn edges (bounded as above); sequential (one
/// seeded stream). Memory about 16 bytes per drawn edge plus the graph.
///
/// # Example
/// ```
/// use fanzha::diffusion::{city_network, CityOptions, CitySegment};
/// let segs = [CitySegment { region: 0, group: 0, population: 5_000.0 },
///             CitySegment { region: 0, group: 1, population: 3_000.0 }];
/// let city = city_network(&segs, &CityOptions::default(), 1).unwrap();
/// assert_eq!(city.graph.node_count(), 400); // one node per 20 residents
/// assert_eq!(city.graph.segment_sizes(), vec![250, 150]);
/// assert!(!city.grid_workers.is_empty());
/// ```
pub fn city_network(
    segments: &[CitySegment],
    options: &CityOptions,
    seed: u64,
) -> Result<CityNetwork, DiffusionError> {
    check_options(options)?;
    check_segments(segments)?;
    // Size everything before allocating anything: nodes per segment and region, then an upper
    // bound on the edges drawn (each a 16-byte record until parallel edges merge).
    let counts = node_counts(segments, options)?;
    let regions = check_work(segments, &counts, options)?;
    let layout = Layout::new(segments, &counts, regions);
    let mut rng = stream(seed, tag::CITY, 0);
    let mut edges: Vec<(u64, f64)> = Vec::new();
    let (grid_workers, groups) = draw_groups(&layout, options, &mut rng, &mut edges);
    draw_contacts(&layout, segments, options, &mut rng, &mut edges);
    let (sources, targets, probs) = merge_parallel_edges(edges);
    let n = layout.segment_of.len();
    let graph = SocialGraph::from_parts(n, &sources, &targets, Some(&probs), Probability::Given)?
        .with_segments(layout.segment_of)?;
    Ok(CityNetwork {
        graph,
        grid_workers,
        groups,
    })
}

/// Checks the scales, probabilities and sizes of `o`.
fn check_options(o: &CityOptions) -> Result<(), DiffusionError> {
    let positive = |x: f64| x.is_finite() && x > 0.0;
    let unit = |x: f64| x.is_finite() && (0.0..=1.0).contains(&x);
    if !(positive(o.people_per_node)
        && positive(o.nodes_per_grid_worker)
        && positive(o.activity_tail)
        && o.contacts.is_finite()
        && o.contacts >= 0.0)
    {
        return Err(DiffusionError::invalid(
            "options",
            "scales must be positive and finite",
        ));
    }
    if ![
        o.group_homophily,
        o.same_region,
        o.same_group,
        o.post_probability,
        o.member_probability,
        o.contact_probability,
    ]
    .into_iter()
    .all(unit)
    {
        return Err(DiffusionError::invalid(
            "options",
            "probabilities must be in [0, 1]",
        ));
    }
    if o.group_size > 100_000 || o.groups_per_worker > 1_000 || o.member_ties > 1_000 {
        return Err(DiffusionError::invalid(
            "options",
            "group_size (at most 100,000), groups_per_worker and member_ties (at most 1,000) \
             are out of range",
        ));
    }
    Ok(())
}

/// Checks the number of segments and their region ids against [`MAX_SEGMENTS`].
fn check_segments(segments: &[CitySegment]) -> Result<(), DiffusionError> {
    if segments.len() > MAX_SEGMENTS {
        return Err(DiffusionError::invalid(
            "segments",
            format!("{} segments exceed {MAX_SEGMENTS}", segments.len()),
        ));
    }
    if let Some(bad) = segments.iter().find(|s| s.region as usize >= MAX_SEGMENTS) {
        return Err(DiffusionError::invalid(
            "segments",
            format!(
                "region id {} is not below {MAX_SEGMENTS}; number regions densely from 0",
                bad.region
            ),
        ));
    }
    Ok(())
}

/// Nodes of each segment: `round(population / people_per_node)`, at least one if the
/// population is positive; at most [`CITY_MAX_NODES`] in all and at least two.
fn node_counts(segments: &[CitySegment], o: &CityOptions) -> Result<Vec<usize>, DiffusionError> {
    let mut counts = Vec::with_capacity(segments.len());
    let mut n = 0usize;
    for (s, seg) in segments.iter().enumerate() {
        if !(seg.population.is_finite() && seg.population >= 0.0) {
            return Err(DiffusionError::invalid(
                "segments",
                format!("segment {s} has population {}", seg.population),
            ));
        }
        let nodes = (seg.population / o.people_per_node).round();
        if nodes > CITY_MAX_NODES as f64 {
            return Err(DiffusionError::invalid(
                "segments",
                format!("segment {s} alone would give {nodes} nodes, above {CITY_MAX_NODES}"),
            ));
        }
        let count = if seg.population > 0.0 {
            (nodes as usize).max(1)
        } else {
            0
        };
        counts.push(count);
        n += count;
        if n > CITY_MAX_NODES {
            return Err(DiffusionError::invalid(
                "segments",
                format!("would give more than {CITY_MAX_NODES} nodes"),
            ));
        }
    }
    if n < 2 {
        return Err(DiffusionError::invalid(
            "segments",
            format!("would give {n} nodes"),
        ));
    }
    Ok(counts)
}

/// Checks the upper bound on the groups and edges to draw (see [`city_network`]) against
/// [`CITY_MAX_EDGES`]; returns the number of regions.
fn check_work(
    segments: &[CitySegment],
    counts: &[usize],
    o: &CityOptions,
) -> Result<usize, DiffusionError> {
    let n: usize = counts.iter().sum();
    let regions = segments.iter().map(|s| s.region).max().unwrap_or(0) as usize + 1;
    let mut region_nodes = vec![0usize; regions];
    for (seg, &count) in segments.iter().zip(counts) {
        region_nodes[seg.region as usize] += count;
    }
    let workers: usize = region_nodes
        .iter()
        .filter(|&&people| people > 0)
        .map(|&people| grid_workers_in(people, o.nodes_per_grid_worker))
        .sum();
    let groups = workers as f64 * o.groups_per_worker as f64;
    let largest_group = if o.group_size == 0 {
        0.0
    } else {
        (o.group_size * 3 / 2) as f64
    };
    let work = groups
        + groups * largest_group * (1.0 + 2.0 * o.member_ties as f64)
        + 2.0 * (o.contacts * n as f64 / 2.0).round();
    if work > CITY_MAX_EDGES as f64 {
        return Err(DiffusionError::invalid(
            "options",
            format!(
                "up to {work:.3e} groups and edges to draw, above {CITY_MAX_EDGES}; lower \
                 contacts, group_size, groups_per_worker or member_ties, or raise people_per_node"
            ),
        ));
    }
    Ok(regions)
}

/// The nodes of a city by segment and region (nodes are numbered segment by segment).
struct Layout {
    /// Segment of each node.
    segment_of: Vec<u32>,
    by_region: Vec<Vec<u32>>,
    by_segment: Vec<Vec<u32>>,
    /// Segments of each region that have nodes, for themed groups.
    region_segments: Vec<Vec<usize>>,
}

impl Layout {
    fn new(segments: &[CitySegment], counts: &[usize], regions: usize) -> Self {
        let mut segment_of = Vec::with_capacity(counts.iter().sum());
        for (s, &count) in counts.iter().enumerate() {
            segment_of.extend(std::iter::repeat_n(s as u32, count));
        }
        let mut by_region: Vec<Vec<u32>> = vec![Vec::new(); regions];
        let mut by_segment: Vec<Vec<u32>> = vec![Vec::new(); segments.len()];
        for (v, &s) in segment_of.iter().enumerate() {
            by_region[segments[s as usize].region as usize].push(v as u32);
            by_segment[s as usize].push(v as u32);
        }
        let mut region_segments: Vec<Vec<usize>> = vec![Vec::new(); regions];
        for (s, seg) in segments.iter().enumerate() {
            if !by_segment[s].is_empty() {
                region_segments[seg.region as usize].push(s);
            }
        }
        Layout {
            segment_of,
            by_region,
            by_segment,
            region_segments,
        }
    }
}

/// Records the edge `u -> v` with probability `p` (self-loops and `p = 0` are dropped).
fn add_edge(edges: &mut Vec<(u64, f64)>, u: u32, v: u32, p: f64) {
    if u != v && p > 0.0 {
        edges.push((((u as u64) << 32) | v as u64, p));
    }
}

/// Draws each region's grid workers and their WeChat groups (region by region, owners in
/// increasing order); returns the grid workers and the groups.
fn draw_groups(
    layout: &Layout,
    o: &CityOptions,
    rng: &mut ChaCha8Rng,
    edges: &mut Vec<(u64, f64)>,
) -> (Vec<u32>, Vec<WeChatGroup>) {
    let mut grid_workers = Vec::new();
    let mut groups = Vec::new();
    for (r, people) in layout.by_region.iter().enumerate() {
        if people.is_empty() {
            continue;
        }
        let workers = grid_workers_in(people.len(), o.nodes_per_grid_worker);
        let mut pool = people.clone();
        pool.shuffle(rng);
        let mut owners = pool[..workers].to_vec();
        owners.sort_unstable();
        for &owner in &owners {
            for _ in 0..o.groups_per_worker {
                groups.push(draw_group(layout, r, owner, o, rng, edges));
            }
        }
        grid_workers.extend(owners);
    }
    (grid_workers, groups)
}

/// One WeChat group of `owner` in region `r`: members from the region, a share
/// `group_homophily` from one theme segment; owner -> member edges and ties between members.
fn draw_group(
    layout: &Layout,
    r: usize,
    owner: u32,
    o: &CityOptions,
    rng: &mut ChaCha8Rng,
    edges: &mut Vec<(u64, f64)>,
) -> WeChatGroup {
    let people = &layout.by_region[r];
    let size = if o.group_size == 0 {
        0
    } else {
        rng.random_range(o.group_size.div_ceil(2)..=o.group_size * 3 / 2)
    };
    let themes = &layout.region_segments[r];
    let theme = themes[rng.random_range(0..themes.len())];
    let mut members = Vec::with_capacity(size);
    for _ in 0..size {
        let v = if rng.random::<f64>() < o.group_homophily {
            let t = &layout.by_segment[theme];
            t[rng.random_range(0..t.len())]
        } else {
            people[rng.random_range(0..people.len())]
        };
        if v != owner {
            members.push(v);
        }
    }
    members.sort_unstable();
    members.dedup();
    for &m in &members {
        add_edge(edges, owner, m, o.post_probability);
    }
    if members.len() > 1 {
        for i in 0..members.len() {
            for _ in 0..o.member_ties {
                let j = rng.random_range(0..members.len());
                add_edge(edges, members[i], members[j], o.member_probability);
                add_edge(edges, members[j], members[i], o.member_probability);
            }
        }
    }
    WeChatGroup { owner, members }
}

/// Personal contacts, both ways: one end by heavy-tailed (Pareto) activity, the other by
/// homophily (same region, then same segment) or, else, by activity too.
fn draw_contacts(
    layout: &Layout,
    segments: &[CitySegment],
    o: &CityOptions,
    rng: &mut ChaCha8Rng,
    edges: &mut Vec<(u64, f64)>,
) {
    let n = layout.segment_of.len();
    let mut cumulative = Vec::with_capacity(n);
    let mut total = 0.0;
    for _ in 0..n {
        let u: f64 = 1.0 - rng.random::<f64>();
        total += u.powf(-1.0 / o.activity_tail);
        cumulative.push(total);
    }
    let ties = (o.contacts * n as f64 / 2.0).round() as usize;
    for _ in 0..ties {
        let x = rng.random::<f64>() * total;
        let u = cumulative.partition_point(|&c| c <= x).min(n - 1) as u32;
        let s = layout.segment_of[u as usize] as usize;
        let v = if rng.random::<f64>() < o.same_region {
            if rng.random::<f64>() < o.same_group {
                let t = &layout.by_segment[s];
                t[rng.random_range(0..t.len())]
            } else {
                let t = &layout.by_region[segments[s].region as usize];
                t[rng.random_range(0..t.len())]
            }
        } else {
            let x = rng.random::<f64>() * total;
            cumulative.partition_point(|&c| c <= x).min(n - 1) as u32
        };
        add_edge(edges, u, v, o.contact_probability);
        add_edge(edges, v, u, o.contact_probability);
    }
}

/// Merges parallel edges (independent chances combine as `1 - prod(1 - p)`) into sorted
/// sources, targets and probabilities.
fn merge_parallel_edges(mut edges: Vec<(u64, f64)>) -> (Vec<u32>, Vec<u32>, Vec<f32>) {
    edges.sort_unstable_by_key(|&(k, _)| k);
    let mut sources = Vec::with_capacity(edges.len());
    let mut targets = Vec::with_capacity(edges.len());
    let mut probs: Vec<f32> = Vec::with_capacity(edges.len());
    let mut i = 0;
    while i < edges.len() {
        let key = edges[i].0;
        let mut miss = 1.0;
        while i < edges.len() && edges[i].0 == key {
            miss *= 1.0 - edges[i].1;
            i += 1;
        }
        sources.push((key >> 32) as u32);
        targets.push(key as u32);
        probs.push((1.0 - miss) as f32);
    }
    (sources, targets, probs)
}

/// Grid workers of a region of `people` (> 0) nodes: one per `nodes_per_grid_worker`, at
/// least one, at most everyone.
fn grid_workers_in(people: usize, nodes_per_grid_worker: f64) -> usize {
    ((people as f64 / nodes_per_grid_worker).round() as usize).clamp(1, people)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Any options in range and any populations: a network or an error, never a panic, and
        /// grid workers and group members are real nodes of the right region.
        #[test]
        fn city_network_never_panics(
            pops in proptest::collection::vec((0u32..3, 0u32..3, 0.0f64..3_000.0), 1..6),
            people_per_node in 1.0f64..200.0,
            nodes_per_grid_worker in 0.5f64..100.0,
            group_size in 0usize..40,
            groups_per_worker in 0usize..4,
            member_ties in 0usize..3,
            contacts in 0.0f64..8.0,
            p in 0.0f64..=1.0,
            seed in any::<u64>(),
        ) {
            let segments: Vec<CitySegment> = pops
                .iter()
                .map(|&(region, group, population)| CitySegment { region, group, population })
                .collect();
            let options = CityOptions {
                people_per_node,
                nodes_per_grid_worker,
                group_size,
                groups_per_worker,
                member_ties,
                contacts,
                post_probability: p,
                group_homophily: p,
                same_region: p,
                same_group: 1.0 - p,
                ..CityOptions::default()
            };
            if let Ok(city) = city_network(&segments, &options, seed) {
                let n = city.graph.node_count() as u32;
                let region = |v: u32| segments[city.graph.segment(v) as usize].region;
                prop_assert!(city.grid_workers.iter().all(|&w| w < n));
                for g in &city.groups {
                    prop_assert!(g.members.iter().all(|&m| m < n && m != g.owner));
                    prop_assert!(g.members.iter().all(|&m| region(m) == region(g.owner)));
                }
            }
        }
    }
}
