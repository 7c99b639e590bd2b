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

/// A graph's arrays as stored (see [`SocialGraph::from_stored`]); `in_heads` have their
/// `inv_log_q` recomputed.
pub(crate) struct Stored {
    pub segments: Vec<u32>,
    pub labels: Vec<u64>,
    pub names: Option<Vec<String>>,
    pub out_offsets: Vec<usize>,
    pub out_targets: Vec<u32>,
    pub out_probs: Vec<f32>,
    pub in_heads: Vec<InHead>,
    pub in_sources: Vec<u32>,
    pub in_probs: Vec<f32>,
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
/// `8 bytes x edges + 40 bytes x nodes` when every node's in-edges share one probability
/// (weighted cascade, a constant), `16 bytes x edges + 40 bytes x nodes` otherwise. Convert from and to petgraph with
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
        // Weighted cascade and constant probabilities give every node's in-edges one common
        // probability: kept once per node (in its in-edge record), not per edge.
        let edge_probs = match probability {
            Probability::Given => Some(edge_probabilities(sources, probs)?),
            Probability::Constant(p) => {
                check_probability(p)?;
                None
            }
            Probability::WeightedCascade => None,
        };
        let ep = edge_probs.as_deref();
        let ((out_offsets, out_targets, out_probs), (in_offsets, in_sources, in_probs)) =
            rayon::join(
                || counting_sort(n, sources, targets, ep),
                || counting_sort(n, targets, sources, ep),
            );
        drop(edge_probs);
        let (in_heads, max_in_weight) = in_heads(&in_offsets, &in_probs, probability);
        drop(in_offsets);
        let mut g = SocialGraph {
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
        };
        g.drop_uniform_probabilities();
        Ok(g)
    }

    /// Frees the per-edge probabilities when every node's in-edges share one (kept in
    /// `in_heads`): 8 bytes per edge.
    fn drop_uniform_probabilities(&mut self) {
        if self.in_heads.iter().all(|h| h.uniform >= 0.0) {
            self.out_probs = Vec::new();
            self.in_probs = Vec::new();
        }
    }

    /// `true` if edge probabilities are kept per node (every node's in-edges share one).
    #[inline]
    pub(crate) fn uniform_in(&self) -> bool {
        self.in_probs.is_empty()
    }

    /// A graph from stored arrays, checked so that no query can go out of range: offsets
    /// start at 0, never fall and end at the edge count; endpoints are nodes; each node's
    /// in-degree matches the out-edges pointing at it; probabilities are in `[0, 1]` (per
    /// edge, or per node with -1 for "they differ" only where per-edge ones are kept).
    pub(crate) fn from_stored(s: Stored) -> Result<Self, DiffusionError> {
        let bad = |what: &str| DiffusionError::invalid("cache", what.to_string());
        let n = s.segments.len();
        let m = s.out_targets.len();
        let offsets_ok = |starts: &mut dyn Iterator<Item = usize>| {
            let mut last = 0;
            let mut count = 0;
            for x in starts {
                if x < last || x > m || (count == 0 && x != 0) {
                    return false;
                }
                last = x;
                count += 1;
            }
            count == n + 1 && last == m
        };
        if s.labels.len() != n || s.in_sources.len() != m || n > u32::MAX as usize {
            return Err(bad("array lengths disagree"));
        }
        if !offsets_ok(&mut s.out_offsets.iter().copied())
            || !offsets_ok(&mut s.in_heads.iter().map(|h| h.start))
        {
            return Err(bad("edge offsets are not a valid index"));
        }
        if s.out_targets
            .iter()
            .chain(&s.in_sources)
            .any(|&v| v as usize >= n)
        {
            return Err(bad("an edge endpoint is not a node"));
        }
        let mut degree = vec![0u32; n];
        for &v in &s.out_targets {
            degree[v as usize] += 1;
        }
        if (0..n).any(|v| s.in_heads[v + 1].start - s.in_heads[v].start != degree[v] as usize) {
            return Err(bad("in-edges do not match out-edges"));
        }
        drop(degree);
        let per_edge = !s.in_probs.is_empty();
        let prob_ok = |p: f32| (0.0..=1.0).contains(&p);
        if per_edge
            && (s.in_probs.len() != m
                || s.out_probs.len() != m
                || !s.in_probs.iter().chain(&s.out_probs).all(|&p| prob_ok(p)))
        {
            return Err(bad("edge probabilities are not in [0, 1]"));
        }
        if !per_edge && !s.out_probs.is_empty() {
            return Err(bad("array lengths disagree"));
        }
        if !s
            .in_heads
            .iter()
            .all(|h| prob_ok(h.uniform) || (per_edge && h.uniform == -1.0))
        {
            return Err(bad("a node's common in-edge probability is not in [0, 1]"));
        }
        let mut in_heads = s.in_heads;
        for h in &mut in_heads {
            *h = head(h.start, h.uniform);
        }
        let max_in_weight = (0..n)
            .map(|v| {
                let (a, b) = (in_heads[v].start, in_heads[v + 1].start);
                match per_edge {
                    true => s.in_probs[a..b].iter().map(|&p| p as f64).sum(),
                    false => in_heads[v].uniform as f64 * (b - a) as f64,
                }
            })
            .fold(0.0, f64::max);
        let g = SocialGraph {
            segments: vec![0; n],
            segment_count: 1,
            labels: Vec::new(),
            names: None,
            out_offsets: s.out_offsets,
            out_targets: s.out_targets,
            out_probs: s.out_probs,
            in_heads,
            in_sources: s.in_sources,
            in_probs: s.in_probs,
            max_in_weight,
        };
        let g = g.with_segments(s.segments)?.with_labels(s.labels)?;
        match s.names {
            Some(names) => g.with_names(names),
            None => Ok(g),
        }
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
        let probs: Vec<f32> = (0..self.node_count() as u32)
            .flat_map(|u| self.out_edges(u).map(|(_, p)| p))
            .collect();
        let g = Self::from_parts(
            self.node_count(),
            &sources,
            &self.out_targets,
            Some(&probs),
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
        self.out_range(u).map(|j| {
            let v = self.out_targets[j];
            (v, self.out_prob(j, v))
        })
    }

    /// In-edges of `v` as `(source, probability)`, in input order.
    pub fn in_edges(&self, v: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
        let uniform = self.in_uniform(v);
        self.in_range(v).map(move |j| {
            let p = if self.uniform_in() {
                uniform
            } else {
                self.in_probs[j]
            };
            (self.in_sources[j], p)
        })
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

    pub(crate) fn out_offsets(&self) -> &[usize] {
        &self.out_offsets
    }

    /// Per-edge out-probabilities: empty when [`uniform_in`](Self::uniform_in).
    pub(crate) fn out_probs(&self) -> &[f32] {
        &self.out_probs
    }

    pub(crate) fn out_targets(&self) -> &[u32] {
        &self.out_targets
    }

    /// Probability of out-edge `j` (whose target is `v`).
    #[inline]
    pub(crate) fn out_prob(&self, j: usize, v: u32) -> f32 {
        if self.uniform_in() {
            self.in_heads[v as usize].uniform
        } else {
            self.out_probs[j]
        }
    }

    pub(crate) fn in_sources(&self) -> &[u32] {
        &self.in_sources
    }

    /// Per-edge in-probabilities: empty when [`uniform_in`](Self::uniform_in).
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

/// Each edge's given activation probability, checked to be in `[0, 1]`.
fn edge_probabilities(sources: &[u32], probs: Option<&[f32]>) -> Result<Vec<f32>, DiffusionError> {
    let probs = probs
        .ok_or_else(|| DiffusionError::invalid("probability", "no probabilities were given"))?;
    if probs.len() != sources.len() {
        return Err(DiffusionError::invalid(
            "edges",
            "probabilities and edges differ in length",
        ));
    }
    for &p in probs {
        check_probability(p as f64)?;
    }
    Ok(probs.to_vec())
}

/// Per-node in-edge records (with a sentinel) from the in-edge CSR, and the largest sum of a
/// node's in-edge probabilities. `in_probs` is empty unless probabilities are given.
fn in_heads(
    in_offsets: &[usize],
    in_probs: &[f32],
    probability: Probability,
) -> (Vec<InHead>, f64) {
    let n = in_offsets.len() - 1;
    let mut in_heads = Vec::with_capacity(n + 1);
    let mut max_in_weight = 0.0f64;
    for v in 0..n {
        let degree = in_offsets[v + 1] - in_offsets[v];
        let (uniform, sum) = match probability {
            Probability::WeightedCascade if degree > 0 => {
                let p = 1.0 / degree as f32;
                (p, p as f64 * degree as f64)
            }
            Probability::Constant(p) if degree > 0 => (p as f32, p as f32 as f64 * degree as f64),
            Probability::WeightedCascade | Probability::Constant(_) => (0.0, 0.0),
            Probability::Given => {
                let ps = &in_probs[in_offsets[v]..in_offsets[v + 1]];
                let first = ps.first().copied().unwrap_or(0.0);
                let uniform = if ps.iter().all(|&p| p == first) {
                    first
                } else {
                    -1.0
                };
                (uniform, ps.iter().map(|&p| p as f64).sum())
            }
        };
        in_heads.push(head(in_offsets[v], uniform));
        max_in_weight = max_in_weight.max(sum);
    }
    in_heads.push(head(in_offsets[n], 0.0));
    (in_heads, max_in_weight)
}

/// The in-edge record of a node whose in-edges start at `start` with common probability
/// `uniform` (-1: they differ).
pub(crate) fn head(start: usize, uniform: f32) -> InHead {
    let inv_log_q = if uniform > 0.0 && uniform < 1.0 {
        (1.0 / (-(uniform as f64)).ln_1p()) as f32
    } else {
        0.0
    };
    InHead {
        start,
        uniform,
        inv_log_q,
    }
}

/// Groups edges by `key` (stable), returning offsets, the other endpoints and probabilities
/// (empty without `probs`).
fn counting_sort(
    n: usize,
    key: &[u32],
    other: &[u32],
    probs: Option<&[f32]>,
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
    let mut ps = vec![0f32; probs.map_or(0, |_| key.len())];
    for i in 0..key.len() {
        let slot = &mut next[key[i] as usize];
        ends[*slot] = other[i];
        if let Some(p) = probs {
            ps[*slot] = p[i];
        }
        *slot += 1;
    }
    (offsets, ends, ps)
}
