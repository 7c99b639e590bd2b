//! The social graph: a compressed (CSR) directed graph in both directions, with a segment per
//! node and an activation probability per edge.

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use super::DiffusionError;

/// A node's in-edge record: `in_sources[start..next.start]`; `uniform` is the common
/// probability of those edges or -1 when they differ; `inv_log_q = 1 / ln(1 - uniform)` (for
/// geometric skipping; 0 when `uniform` is 0 or 1).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct InHead {
    pub start: usize,
    pub uniform: f32,
    pub inv_log_q: f32,
}

/// Segment ids must be below this (`2^16 = 65,536`): see [`SocialGraph::with_segments`].
pub const MAX_SEGMENTS: usize = 1 << 16;

/// How edge activation probabilities are assigned when a graph is built.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Probability {
    /// Keep the probability given with each edge.
    Given,
    /// Every edge gets this probability (in `[0, 1]`).
    Constant(f64),
    /// Weighted cascade: edge `(u, v)` gets `1 / indegree(v)`, so every node's in-edges sum to 1.
    WeightedCascade,
}

impl Probability {
    /// Parses `wc` (weighted cascade), `given`, or a constant probability such as `0.01`.
    ///
    /// # Example
    /// ```
    /// use fanzha::diffusion::Probability;
    /// assert_eq!(Probability::parse("wc").unwrap(), Probability::WeightedCascade);
    /// assert_eq!(Probability::parse("0.1").unwrap(), Probability::Constant(0.1));
    /// assert!(Probability::parse("1.5").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, DiffusionError> {
        match text {
            "wc" | "WC" | "weighted-cascade" => Ok(Probability::WeightedCascade),
            "given" => Ok(Probability::Given),
            _ => {
                let p: f64 = text.parse().map_err(|_| {
                    DiffusionError::invalid(
                        "probability",
                        format!("{text:?} is neither `wc`, `given` nor a number"),
                    )
                })?;
                check_probability(p)?;
                Ok(Probability::Constant(p))
            }
        }
    }
}

fn check_probability(p: f64) -> Result<(), DiffusionError> {
    if p.is_finite() && (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(DiffusionError::invalid(
            "probability",
            format!("{p} is not in [0, 1]"),
        ))
    }
}

/// A node's id as the input wrote it: an integer [label](SocialGraph::label), or a
/// [name](SocialGraph::name) when the input's ids were not all integers. Displays as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeId<'a> {
    /// An integer id (every id of the input was an unsigned integer).
    Int(u64),
    /// A textual id, as written.
    Name(&'a str),
}

impl std::fmt::Display for NodeId<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeId::Int(x) => write!(f, "{x}"),
            NodeId::Name(s) => f.write_str(s),
        }
    }
}

/// A directed edge with its activation probability, as input to [`SocialGraph::from_edges`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// Tail (the node that passes the alert on).
    pub source: u32,
    /// Head (the node that may receive it).
    pub target: u32,
    /// Activation probability in `[0, 1]` (used with [`Probability::Given`]).
    pub probability: f32,
}

/// A directed social graph in compressed sparse row form, indexed both ways.
///
/// Nodes are `0..node_count()`. Each node carries a segment index (`u32`, the population segment
/// the person belongs to) and a label (`u64`, the id it had in the input file when that id was
/// an integer); a graph loaded from a file with non-integer ids also keeps each node's id as
/// written, its [name](Self::name). [`id`](Self::id) gives whichever the input used. Each edge
/// `(u, v)` carries the probability that `u`, once active, activates `v` (independent cascade),
/// or the weight of `u` in `v`'s threshold sum (linear threshold).
///
/// Out-edges serve forward simulation, in-edges reverse-reachable sampling. Memory is about
/// `16 bytes x edges + 40 bytes x nodes`. Convert from and to petgraph with
/// [`SocialGraph::from_petgraph`] and [`SocialGraph::to_petgraph`].
#[derive(Debug, Clone)]
pub struct SocialGraph {
    segments: Vec<u32>,
    segment_count: usize,
    labels: Vec<u64>,
    /// Ids as written in the input, when they were not all integers.
    names: Option<Vec<String>>,
    out_offsets: Vec<usize>,
    out_targets: Vec<u32>,
    out_probs: Vec<f32>,
    /// Per node (and a sentinel): where its in-edges start, and their common probability.
    /// One record per node so that reverse sampling touches one cache line per node.
    in_heads: Vec<InHead>,
    in_sources: Vec<u32>,
    in_probs: Vec<f32>,
    max_in_weight: f64,
}

impl SocialGraph {
    /// Builds a graph with `node_count` nodes from a list of edges; every node is in segment 0
    /// and labelled by its index until [`with_segments`](Self::with_segments) /
    /// [`with_labels`](Self::with_labels) say otherwise.
    ///
    /// Parallel edges and self-loops are kept as given.
    ///
    /// # Arguments
    /// * `node_count` - number of nodes; every edge endpoint must be below it.
    /// * `edges` - the edges; their `probability` is used only with [`Probability::Given`].
    /// * `probability` - how to assign activation probabilities.
    ///
    /// # Returns
    /// The graph, or [`DiffusionError::InvalidArgument`] for an endpoint out of range or a
    /// probability outside `[0, 1]`.
    ///
    /// # Complexity
    /// `O(n + m)` time (counting sort in both directions) and memory.
    ///
    /// # Example
    /// ```
    /// use fanzha::diffusion::{Edge, Probability, SocialGraph};
    /// let edges = [Edge { source: 0, target: 1, probability: 0.5 },
    ///              Edge { source: 2, target: 1, probability: 0.5 }];
    /// let g = SocialGraph::from_edges(3, &edges, Probability::WeightedCascade).unwrap();
    /// assert_eq!(g.edge_count(), 2);
    /// assert_eq!(g.in_degree(1), 2);
    /// assert_eq!(g.out_edges(0).collect::<Vec<_>>(), vec![(1, 0.5)]);
    /// ```
    pub fn from_edges(
        node_count: usize,
        edges: &[Edge],
        probability: Probability,
    ) -> Result<Self, DiffusionError> {
        let sources: Vec<u32> = edges.iter().map(|e| e.source).collect();
        let targets: Vec<u32> = edges.iter().map(|e| e.target).collect();
        let probs: Vec<f32> = edges.iter().map(|e| e.probability).collect();
        Self::from_parts(node_count, &sources, &targets, Some(&probs), probability)
    }

    /// Builds a graph from parallel arrays of sources, targets and (optional) probabilities.
    /// Without probabilities, [`Probability::Given`] is an error.
    pub(crate) fn from_parts(
        node_count: usize,
        sources: &[u32],
        targets: &[u32],
        probs: Option<&[f32]>,
        probability: Probability,
    ) -> Result<Self, DiffusionError> {
        check_endpoints(node_count, sources, targets)?;
        let n = node_count;
        let edge_probs = edge_probabilities(n, sources, targets, probs, probability)?;
        let ((out_offsets, out_targets, out_probs), (in_offsets, in_sources, in_probs)) =
            rayon::join(
                || counting_sort(n, sources, targets, &edge_probs),
                || counting_sort(n, targets, sources, &edge_probs),
            );
        drop(edge_probs);
        let (in_heads, max_in_weight) = in_heads(&in_offsets, &in_probs);
        drop(in_offsets);
        Ok(SocialGraph {
            segments: vec![0; n],
            segment_count: 1,
            labels: (0..n as u64).collect(),
            names: None,
            out_offsets,
            out_targets,
            out_probs,
            in_heads,
            in_sources,
            in_probs,
            max_in_weight,
        })
    }

    /// Sets each node's segment index (one entry per node).
    ///
    /// Segment ids are indices into a list of segments (e.g. a scenario's), numbered densely
    /// from 0: [`segment_count`](Self::segment_count) is one more than the largest, and
    /// per-segment arrays (sizes, RR-set roots, Monte Carlo sums) are that long.
    ///
    /// # Errors
    /// [`DiffusionError::InvalidArgument`] if there is not one entry per node, or an id is at
    /// least [`MAX_SEGMENTS`] (`2^16`; a stray large id would otherwise cost gigabytes in
    /// every per-segment array).
    ///
    /// # Example
    /// ```
    /// use fanzha::diffusion::{Probability, SocialGraph};
    /// let g = SocialGraph::from_edges(2, &[], Probability::Given).unwrap()
    ///     .with_segments(vec![0, 3]).unwrap();
    /// assert_eq!(g.segment(1), 3);
    /// assert_eq!(g.segment_count(), 4);
    /// ```
    pub fn with_segments(mut self, segments: Vec<u32>) -> Result<Self, DiffusionError> {
        if segments.len() != self.node_count() {
            return Err(DiffusionError::invalid(
                "segments",
                format!("{} entries for {} nodes", segments.len(), self.node_count()),
            ));
        }
        if let Some(&bad) = segments.iter().find(|&&s| s as usize >= MAX_SEGMENTS) {
            return Err(DiffusionError::invalid(
                "segments",
                format!(
                    "segment id {bad} is not below {MAX_SEGMENTS}; number segments densely from 0"
                ),
            ));
        }
        self.segment_count = segments.iter().max().map_or(1, |&s| s as usize + 1);
        self.segments = segments;
        Ok(self)
    }

    /// Sets each node's label (the id it has outside this library; one entry per node).
    pub fn with_labels(mut self, labels: Vec<u64>) -> Result<Self, DiffusionError> {
        if labels.len() != self.node_count() {
            return Err(DiffusionError::invalid(
                "labels",
                format!("{} entries for {} nodes", labels.len(), self.node_count()),
            ));
        }
        self.labels = labels;
        Ok(self)
    }

    /// Sets each node's name (the id it has outside this library, as text; one entry per
    /// node). [`id`](Self::id) then gives the name instead of the [label](Self::label), and
    /// [`write_edge_list`](super::write_edge_list) writes names.
    ///
    /// # Errors
    /// [`DiffusionError::InvalidArgument`] if there is not one entry per node, or a name is
    /// empty, contains whitespace (space, tab, CR, LF), starts with `#`, or repeats another:
    /// each would not read back from an edge list as the same node.
    ///
    /// # Example
    /// ```
    /// use fanzha::diffusion::{NodeId, Probability, SocialGraph};
    /// let g = SocialGraph::from_edges(2, &[], Probability::Given).unwrap()
    ///     .with_names(vec!["alice".into(), "bob".into()]).unwrap();
    /// assert_eq!(g.name(1), Some("bob"));
    /// assert_eq!(g.id(0), NodeId::Name("alice"));
    /// assert!(SocialGraph::from_edges(1, &[], Probability::Given).unwrap()
    ///     .with_names(vec!["a b".into()]).is_err());
    /// ```
    pub fn with_names(mut self, names: Vec<String>) -> Result<Self, DiffusionError> {
        if names.len() != self.node_count() {
            return Err(DiffusionError::invalid(
                "names",
                format!("{} entries for {} nodes", names.len(), self.node_count()),
            ));
        }
        if let Some(bad) = names.iter().find(|s| {
            s.is_empty() || s.starts_with('#') || s.bytes().any(|b| b" \t\r\n".contains(&b))
        }) {
            return Err(DiffusionError::invalid(
                "names",
                format!("{bad:?} is empty, starts with `#` or contains whitespace"),
            ));
        }
        let mut seen = std::collections::HashSet::with_capacity(names.len());
        if let Some(dup) = names.iter().find(|s| !seen.insert(s.as_str())) {
            return Err(DiffusionError::invalid(
                "names",
                format!("{dup:?} names two nodes"),
            ));
        }
        self.names = Some(names);
        Ok(self)
    }

    /// Sets the names without checking them (the loader's ids are distinct tokens already).
    pub(crate) fn with_checked_names(mut self, names: Vec<String>) -> Self {
        debug_assert_eq!(names.len(), self.node_count());
        self.names = Some(names);
        self
    }

    /// The same graph with probabilities reassigned (`Given` keeps them).
    ///
    /// # Complexity
    /// `O(n + m)`.
    pub fn with_probability(&self, probability: Probability) -> Result<Self, DiffusionError> {
        let mut sources = Vec::with_capacity(self.edge_count());
        for u in 0..self.node_count() {
            sources.extend(std::iter::repeat_n(u as u32, self.out_degree(u as u32)));
        }
        let g = Self::from_parts(
            self.node_count(),
            &sources,
            &self.out_targets,
            Some(&self.out_probs),
            probability,
        )?;
        let mut g = g
            .with_segments(self.segments.clone())?
            .with_labels(self.labels.clone())?;
        g.names = self.names.clone();
        Ok(g)
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.segments.len()
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.out_targets.len()
    }

    /// One more than the largest segment index (at least 1).
    pub fn segment_count(&self) -> usize {
        self.segment_count
    }

    /// Segment of node `v`. Panics if `v` is out of range.
    pub fn segment(&self, v: u32) -> u32 {
        self.segments[v as usize]
    }

    /// Segment of every node.
    pub fn segments(&self) -> &[u32] {
        &self.segments
    }

    /// Label (integer input id) of node `v`. Panics if `v` is out of range.
    ///
    /// For a graph with [names](Self::names) (loaded from a file whose ids are not all
    /// integers), labels are the node indices; use [`id`](Self::id) or [`name`](Self::name).
    pub fn label(&self, v: u32) -> u64 {
        self.labels[v as usize]
    }

    /// Labels of every node.
    pub fn labels(&self) -> &[u64] {
        &self.labels
    }

    /// Name (input id as written) of node `v`, if the graph has names. Panics if `v` is out of
    /// range.
    pub fn name(&self, v: u32) -> Option<&str> {
        self.names.as_ref().map(|n| n[v as usize].as_str())
    }

    /// Names of every node: `Some` for a graph loaded from a file whose ids are not all
    /// integers (or given [`with_names`](Self::with_names)), `None` otherwise.
    pub fn names(&self) -> Option<&[String]> {
        self.names.as_deref()
    }

    /// The input id of node `v`: its [name](Self::name) if the graph has names, otherwise its
    /// [label](Self::label). Panics if `v` is out of range.
    ///
    /// # Example
    /// ```
    /// use fanzha::diffusion::{parse_edge_list, NodeId, Probability};
    /// let ints = parse_edge_list(b"10 20\n", Probability::WeightedCascade).unwrap();
    /// assert_eq!(ints.id(1), NodeId::Int(20));
    /// let names = parse_edge_list("alice 王芳\n".as_bytes(), Probability::WeightedCascade).unwrap();
    /// assert_eq!(names.id(1), NodeId::Name("王芳"));
    /// assert_eq!(names.id(1).to_string(), "王芳");
    /// ```
    pub fn id(&self, v: u32) -> NodeId<'_> {
        match &self.names {
            Some(n) => NodeId::Name(&n[v as usize]),
            None => NodeId::Int(self.labels[v as usize]),
        }
    }

    /// Number of nodes in each segment.
    pub fn segment_sizes(&self) -> Vec<usize> {
        let mut sizes = vec![0; self.segment_count];
        for &s in &self.segments {
            sizes[s as usize] += 1;
        }
        sizes
    }

    /// Out-degree of `v`.
    pub fn out_degree(&self, v: u32) -> usize {
        let v = v as usize;
        self.out_offsets[v + 1] - self.out_offsets[v]
    }

    /// In-degree of `v`.
    pub fn in_degree(&self, v: u32) -> usize {
        let v = v as usize;
        self.in_heads[v + 1].start - self.in_heads[v].start
    }

    /// Out-edges of `u` as `(target, probability)`, in input order.
    pub fn out_edges(&self, u: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
        let r = self.out_range(u);
        self.out_targets[r.clone()]
            .iter()
            .copied()
            .zip(self.out_probs[r].iter().copied())
    }

    /// In-edges of `v` as `(source, probability)`, in input order.
    pub fn in_edges(&self, v: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
        let r = self.in_range(v);
        self.in_sources[r.clone()]
            .iter()
            .copied()
            .zip(self.in_probs[r].iter().copied())
    }

    /// The largest sum of a node's in-edge probabilities; the linear threshold model needs it
    /// to be at most 1.
    pub fn max_in_weight(&self) -> f64 {
        self.max_in_weight
    }

    /// `true` if some edge of positive probability joins two distinct nodes, i.e. some node
    /// can activate another (under either model). `O(m)` at worst; stops at the first such
    /// edge.
    pub(crate) fn can_spread(&self) -> bool {
        (0..self.node_count() as u32).any(|u| self.out_edges(u).any(|(v, p)| v != u && p > 0.0))
    }

    /// Converts a petgraph graph whose node weights are segment indices (below
    /// [`MAX_SEGMENTS`]) and edge weights are probabilities. Node `i` of the result is
    /// `NodeIndex(i)`, labelled `i`.
    ///
    /// # Complexity
    /// `O(n + m)`.
    ///
    /// # Example
    /// ```
    /// use fanzha::diffusion::{Probability, SocialGraph};
    /// use petgraph::graph::DiGraph;
    /// let mut pg = DiGraph::<u32, f32>::new();
    /// let a = pg.add_node(0);
    /// let b = pg.add_node(1);
    /// pg.add_edge(a, b, 0.3);
    /// let g = SocialGraph::from_petgraph(&pg, Probability::Given).unwrap();
    /// assert_eq!(g.segment(1), 1);
    /// assert_eq!(g.to_petgraph().edge_count(), 1);
    /// ```
    pub fn from_petgraph(
        graph: &DiGraph<u32, f32>,
        probability: Probability,
    ) -> Result<Self, DiffusionError> {
        let edges: Vec<Edge> = graph
            .edge_references()
            .map(|e| Edge {
                source: e.source().index() as u32,
                target: e.target().index() as u32,
                probability: *e.weight(),
            })
            .collect();
        let segments = graph.node_weights().copied().collect();
        Self::from_edges(graph.node_count(), &edges, probability)?.with_segments(segments)
    }

    /// Converts to a petgraph graph (node weight: segment; edge weight: probability), e.g. to
    /// run petgraph's algorithms on the network.
    pub fn to_petgraph(&self) -> DiGraph<u32, f32> {
        let mut g = DiGraph::with_capacity(self.node_count(), self.edge_count());
        for &s in &self.segments {
            g.add_node(s);
        }
        for u in 0..self.node_count() as u32 {
            for (v, p) in self.out_edges(u) {
                g.add_edge(NodeIndex::new(u as usize), NodeIndex::new(v as usize), p);
            }
        }
        g
    }

    pub(crate) fn out_range(&self, u: u32) -> std::ops::Range<usize> {
        let u = u as usize;
        self.out_offsets[u]..self.out_offsets[u + 1]
    }

    pub(crate) fn in_range(&self, v: u32) -> std::ops::Range<usize> {
        let v = v as usize;
        self.in_heads[v].start..self.in_heads[v + 1].start
    }

    pub(crate) fn out_targets(&self) -> &[u32] {
        &self.out_targets
    }

    pub(crate) fn out_probs(&self) -> &[f32] {
        &self.out_probs
    }

    pub(crate) fn in_sources(&self) -> &[u32] {
        &self.in_sources
    }

    pub(crate) fn in_probs(&self) -> &[f32] {
        &self.in_probs
    }

    pub(crate) fn in_uniform(&self, v: u32) -> f32 {
        self.in_heads[v as usize].uniform
    }

    pub(crate) fn in_heads(&self) -> &[InHead] {
        &self.in_heads
    }
}

/// Checks that the node count fits `u32` indices, that `sources` and `targets` pair up, and
/// that every endpoint is a node.
fn check_endpoints(
    node_count: usize,
    sources: &[u32],
    targets: &[u32],
) -> Result<(), DiffusionError> {
    if node_count > u32::MAX as usize {
        return Err(DiffusionError::invalid(
            "node_count",
            format!("{node_count} nodes exceed the u32 index range"),
        ));
    }
    if sources.len() != targets.len() {
        return Err(DiffusionError::invalid(
            "edges",
            "sources and targets differ in length",
        ));
    }
    for (i, (&u, &v)) in sources.iter().zip(targets).enumerate() {
        if u as usize >= node_count || v as usize >= node_count {
            return Err(DiffusionError::invalid(
                "edges",
                format!("edge {i} ({u} -> {v}) has an endpoint >= node count {node_count}"),
            ));
        }
    }
    Ok(())
}

/// Each edge's activation probability under `probability`, checked to be in `[0, 1]`.
fn edge_probabilities(
    n: usize,
    sources: &[u32],
    targets: &[u32],
    probs: Option<&[f32]>,
    probability: Probability,
) -> Result<Vec<f32>, DiffusionError> {
    let m = sources.len();
    let mut in_degree = vec![0u32; n];
    for &v in targets {
        in_degree[v as usize] += 1;
    }
    let prob_of = |i: usize| -> Result<f32, DiffusionError> {
        match probability {
            Probability::Given => {
                let p = probs.ok_or_else(|| {
                    DiffusionError::invalid("probability", "no probabilities were given")
                })?[i];
                check_probability(p as f64)?;
                Ok(p)
            }
            Probability::Constant(p) => Ok(p as f32),
            Probability::WeightedCascade => Ok(1.0 / in_degree[targets[i] as usize] as f32),
        }
    };
    if let Probability::Constant(p) = probability {
        check_probability(p)?;
    }
    if let Some(p) = probs {
        if p.len() != m {
            return Err(DiffusionError::invalid(
                "edges",
                "probabilities and edges differ in length",
            ));
        }
    }
    let mut edge_probs = Vec::with_capacity(m);
    for i in 0..m {
        edge_probs.push(prob_of(i)?);
    }
    Ok(edge_probs)
}

/// Per-node in-edge records (with a sentinel) from the in-edge CSR, and the largest sum of a
/// node's in-edge probabilities.
fn in_heads(in_offsets: &[usize], in_probs: &[f32]) -> (Vec<InHead>, f64) {
    let n = in_offsets.len() - 1;
    let mut in_heads = Vec::with_capacity(n + 1);
    let mut max_in_weight = 0.0f64;
    for v in 0..n {
        let ps = &in_probs[in_offsets[v]..in_offsets[v + 1]];
        let first = ps.first().copied().unwrap_or(0.0);
        let uniform = if ps.iter().all(|&p| p == first) {
            first
        } else {
            -1.0
        };
        let inv_log_q = if uniform > 0.0 && uniform < 1.0 {
            (1.0 / (-(uniform as f64)).ln_1p()) as f32
        } else {
            0.0
        };
        in_heads.push(InHead {
            start: in_offsets[v],
            uniform,
            inv_log_q,
        });
        let sum: f64 = ps.iter().map(|&p| p as f64).sum();
        max_in_weight = max_in_weight.max(sum);
    }
    in_heads.push(InHead {
        start: in_offsets[n],
        uniform: 0.0,
        inv_log_q: 0.0,
    });
    (in_heads, max_in_weight)
}

/// Groups edges by `key` (stable), returning offsets, the other endpoints and probabilities.
fn counting_sort(
    n: usize,
    key: &[u32],
    other: &[u32],
    probs: &[f32],
) -> (Vec<usize>, Vec<u32>, Vec<f32>) {
    let mut offsets = vec![0usize; n + 1];
    for &k in key {
        offsets[k as usize + 1] += 1;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let mut next = offsets.clone();
    let mut ends = vec![0u32; key.len()];
    let mut ps = vec![0f32; key.len()];
    for i in 0..key.len() {
        let slot = &mut next[key[i] as usize];
        ends[*slot] = other[i];
        ps[*slot] = probs[i];
        *slot += 1;
    }
    (offsets, ends, ps)
}
