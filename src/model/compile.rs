//! Validation of a [`Scenario`] and its translation into a [`Problem`].

use std::collections::{BTreeMap, HashMap, HashSet};

use super::scenario::Scenario;
use super::selects;
use crate::core::{
    ArmId, CellId, ChannelId, DepartmentId, GroupId, MessageId, PlacementId, RegionId,
    ResourceKind, Resources, SegmentId, ThreatId,
};
use crate::error::{Error, Item};
use crate::problem::{
    Arm, ArmDraw, Cell, ChannelInfo, DepartmentInfo, FloorTarget, MessageInfo, Parameters,
    PlacementInfo, PlacementParameters, Problem, SegmentInfo, Structure, ThreatInfo,
};
use crate::response;

/// Allowed range of a number.
#[derive(Clone, Copy)]
enum Range {
    /// `[0, inf)`
    NonNegative,
    /// `(0, inf)`
    Positive,
    /// `[0, 1]`
    Share,
    /// `[0, 1)`
    Ceiling,
    /// `(0, 1]`
    Depth,
    /// `(0, 1)`
    OpenShare,
}

impl Range {
    fn contains(self, v: f64) -> bool {
        v.is_finite()
            && match self {
                Range::NonNegative => v >= 0.0,
                Range::Positive => v > 0.0,
                Range::Share => (0.0..=1.0).contains(&v),
                Range::Ceiling => (0.0..1.0).contains(&v),
                Range::Depth => v > 0.0 && v <= 1.0,
                Range::OpenShare => v > 0.0 && v < 1.0,
            }
    }

    fn expected(self) -> &'static str {
        match self {
            Range::NonNegative => "a finite number >= 0",
            Range::Positive => "a finite number > 0",
            Range::Share => "a number in [0, 1]",
            Range::Ceiling => "a number in [0, 1)",
            Range::Depth => "a number in (0, 1]",
            Range::OpenShare => "a number in (0, 1)",
        }
    }
}

fn check(value: f64, item: &Item, field: impl Into<String>, range: Range) -> Result<(), Error> {
    if range.contains(value) {
        Ok(())
    } else {
        Err(Error::InvalidValue {
            item: item.clone(),
            field: field.into(),
            value,
            expected: range.expected(),
        })
    }
}

fn check_opt(
    value: Option<f64>,
    item: &Item,
    field: impl Into<String>,
    range: Range,
) -> Result<(), Error> {
    value.map_or(Ok(()), |v| check(v, item, field, range))
}

/// Maps ids to indices, rejecting duplicates. `ids` yields each id with the path of its
/// `id` field in the file (e.g. `channels[2].placements[0].id`).
fn index<'a>(
    kind: &'static str,
    ids: impl IntoIterator<Item = (&'a str, String)>,
) -> Result<HashMap<&'a str, usize>, Error> {
    let mut map = HashMap::new();
    let mut paths = Vec::new();
    for (i, (id, path)) in ids.into_iter().enumerate() {
        if let Some(first) = map.insert(id, i) {
            let first: &String = &paths[first];
            return Err(Error::DuplicateId {
                kind,
                id: id.to_string(),
                field: path,
                first: first.clone(),
            });
        }
        paths.push(path);
    }
    Ok(map)
}

/// `(id, "list[i].id")` for a list of items.
fn ids<'a, T: 'a>(
    list: &'a [T],
    name: &'static str,
    id: impl Fn(&T) -> &str + 'a,
) -> impl Iterator<Item = (&'a str, String)> + 'a {
    list.iter()
        .enumerate()
        .map(move |(i, x)| (id(x), format!("{name}[{i}].id")))
}

fn lookup(
    map: &HashMap<&str, usize>,
    id: &str,
    item: &Item,
    field: impl Into<String>,
    kind: &'static str,
) -> Result<usize, Error> {
    map.get(id).copied().ok_or_else(|| Error::UnknownId {
        item: item.clone(),
        field: field.into(),
        kind,
        id: id.to_string(),
    })
}

/// Known segment ids, regions and groups, to check selectors against.
struct Names<'a> {
    segments: HashMap<&'a str, usize>,
    regions: HashSet<&'a str>,
    groups: HashSet<&'a str>,
    all: &'a [super::scenario::Segment],
}

impl Names<'_> {
    fn check_selector(
        &self,
        segment: &Option<String>,
        region: &Option<String>,
        group: &Option<String>,
        item: &Item,
        field: &str,
    ) -> Result<(), Error> {
        let unknown = |kind: &'static str, sub: &str, id: &str| Error::UnknownId {
            item: item.clone(),
            field: if field.is_empty() {
                sub.to_string()
            } else {
                format!("{field}.{sub}")
            },
            kind,
            id: id.to_string(),
        };
        if let Some(id) = segment
            && !self.segments.contains_key(id.as_str())
        {
            return Err(unknown("segment", "segment", id));
        }
        if let Some(r) = region
            && !self.regions.contains(r.as_str())
        {
            return Err(unknown("region", "region", r));
        }
        if let Some(g) = group
            && !self.groups.contains(g.as_str())
        {
            return Err(unknown("group", "group", g));
        }
        if !self.all.iter().any(|s| selects(segment, region, group, s)) {
            // Each name exists, but no segment has them all (e.g. a segment of another region).
            return Err(Error::Invalid {
                item: item.clone(),
                field: if field.is_empty() {
                    "segment/region/group".to_string()
                } else {
                    format!("{field}.segment/region/group")
                },
                problem: "selects no segment: no segment has all of the given segment, region \
                          and group"
                    .to_string(),
            });
        }
        Ok(())
    }
}

impl Scenario {
    /// Validates the scenario and builds the index-based [`Problem`].
    ///
    /// Checks: duplicate ids (threats, segments, channels, placements, messages,
    /// departments); unknown ids in every reference (threats, owners, selector segments,
    /// regions and groups); NaN, infinite and negative numbers; rates, shares, relevance and
    /// appeal in `[0, 1]`, depth in `(0, 1]`, ceilings in `[0, 1)`, scales `> 0`; a message
    /// whose format no placement carries; a floor unreachable even with every unit of every
    /// placement. Never panics on any input.
    ///
    /// # Errors
    ///
    /// The first problem found, as an [`Error`] naming the item (kind and id) and the field.
    ///
    /// # Complexity
    ///
    /// `O(S (A + R + F) + M K + arms * S * F)` for `S` segments, `F` threats, `K` placements,
    /// `M` messages, `A` audience rules, `R` appeal rules.
    pub fn compile(&self) -> Result<Problem, Error> {
        let sc = self;
        if sc.threats.is_empty() {
            return Err(Error::Invalid {
                item: Item::new("scenario", &sc.name),
                field: "threats".into(),
                problem: "must list at least one threat".into(),
            });
        }
        if sc.segments.is_empty() {
            return Err(Error::Invalid {
                item: Item::new("scenario", &sc.name),
                field: "segments".into(),
                problem: "must list at least one segment".into(),
            });
        }
        let threat_ix = index("threat", ids(&sc.threats, "threats", |t| &t.id))?;
        let segment_ix = index("segment", ids(&sc.segments, "segments", |s| &s.id))?;
        index("channel", ids(&sc.channels, "channels", |c| &c.id))?;
        index(
            "placement",
            sc.channels.iter().enumerate().flat_map(|(c, ch)| {
                ch.placements
                    .iter()
                    .enumerate()
                    .map(move |(i, p)| (p.id.as_str(), format!("channels[{c}].placements[{i}].id")))
            }),
        )?;
        index("message", ids(&sc.messages, "messages", |m| &m.id))?;
        let dept_ix = index("department", ids(&sc.departments, "departments", |d| &d.id))?;

        // Overall resources and departments.
        let res_item = Item::new("resources", "resources");
        check_opt(sc.resources.money, &res_item, "money", Range::NonNegative)?;
        check_opt(
            sc.resources.staff_hours,
            &res_item,
            "staff_hours",
            Range::NonNegative,
        )?;
        let mut departments = Vec::with_capacity(sc.departments.len());
        let mut dept_limits = Vec::with_capacity(sc.departments.len());
        for d in &sc.departments {
            let item = Item::new("department", &d.id);
            check_opt(d.money, &item, "money", Range::NonNegative)?;
            check_opt(d.staff_hours, &item, "staff_hours", Range::NonNegative)?;
            departments.push(DepartmentInfo { id: d.id.clone() });
            dept_limits.push((d.money, d.staff_hours));
        }

        // Segments, regions, groups, risks.
        let n_f = sc.threats.len();
        let mut regions: Vec<String> = Vec::new();
        let mut groups: Vec<String> = Vec::new();
        let mut segments = Vec::with_capacity(sc.segments.len());
        let mut population = Vec::with_capacity(sc.segments.len());
        let mut cells = vec![
            Cell {
                rate: 0.0,
                loss: 0.0,
                ceiling: sc.response.ceiling,
                scale: sc.response.scale,
            };
            sc.segments.len() * n_f
        ];
        for (s, seg) in sc.segments.iter().enumerate() {
            let item = Item::new("segment", &seg.id);
            let region = position_or_push(&mut regions, &seg.region);
            let group = position_or_push(&mut groups, &seg.group);
            let (mut women, mut under_35) = (None, None);
            if let Some(p) = &seg.profile {
                check_opt(p.women, &item, "profile.women", Range::Share)?;
                check_opt(p.under_35, &item, "profile.under_35", Range::Share)?;
                women = p.women;
                under_35 = p.under_35;
            }
            let mut seen = vec![false; n_f];
            for (i, r) in seg.risk.iter().enumerate() {
                let f = lookup(
                    &threat_ix,
                    &r.threat,
                    &item,
                    format!("risk[{i}].threat"),
                    "threat",
                )?;
                if std::mem::replace(&mut seen[f], true) {
                    return Err(Error::Invalid {
                        item,
                        field: format!("risk[{i}].threat"),
                        problem: format!("lists threat {:?} a second time", r.threat),
                    });
                }
                check(r.rate, &item, format!("risk[{i}].rate"), Range::Share)?;
                check(r.loss, &item, format!("risk[{i}].loss"), Range::NonNegative)?;
                let cell = &mut cells[s * n_f + f];
                cell.rate = r.rate;
                cell.loss = r.loss;
            }
            segments.push(SegmentInfo {
                id: seg.id.clone(),
                region: RegionId::new(region),
                group: GroupId::new(group),
                women,
                under_35,
            });
            population.push(seg.population as f64);
        }
        let names = Names {
            segments: segment_ix,
            regions: sc.segments.iter().map(|s| s.region.as_str()).collect(),
            groups: sc.segments.iter().map(|s| s.group.as_str()).collect(),
            all: &sc.segments,
        };

        // Response defaults and overrides.
        let resp_item = Item::new("response", "response");
        check(sc.response.ceiling, &resp_item, "ceiling", Range::Ceiling)?;
        check(sc.response.scale, &resp_item, "scale", Range::Positive)?;
        for (i, o) in sc.response.overrides.iter().enumerate() {
            let item = Item::at("response override", i);
            names.check_selector(&o.segment, &o.region, &o.group, &item, "")?;
            if o.ceiling.is_none() && o.scale.is_none() {
                return Err(Error::Invalid {
                    item,
                    field: "ceiling/scale".into(),
                    problem: "sets neither: an override must set `ceiling`, `scale` or both".into(),
                });
            }
            check_opt(o.ceiling, &item, "ceiling", Range::Ceiling)?;
            check_opt(o.scale, &item, "scale", Range::Positive)?;
            let threat = match &o.threat {
                Some(t) => Some(lookup(&threat_ix, t, &item, "threat", "threat")?),
                None => None,
            };
            for (s, seg) in sc.segments.iter().enumerate() {
                if !selects(&o.segment, &o.region, &o.group, seg) {
                    continue;
                }
                for f in 0..n_f {
                    if threat.is_some_and(|t| t != f) {
                        continue;
                    }
                    let cell = &mut cells[s * n_f + f];
                    if let Some(c) = o.ceiling {
                        cell.ceiling = c;
                    }
                    if let Some(k) = o.scale {
                        cell.scale = k;
                    }
                }
            }
        }
        let mut total_loss = 0.0;
        for (s, seg) in segments.iter().enumerate() {
            for f in 0..n_f {
                let cell = &cells[s * n_f + f];
                total_loss += population[s] * cell.rate * cell.loss;
                if !total_loss.is_finite() {
                    // Each number is finite but population x rate x loss (or their sum) is not.
                    let i = sc.segments[s]
                        .risk
                        .iter()
                        .position(|r| r.threat == sc.threats[f].id)
                        .unwrap_or(0);
                    return Err(Error::InvalidValue {
                        item: Item::new("segment", &seg.id),
                        field: format!("risk[{i}].loss"),
                        value: cell.loss,
                        expected: "a loss whose value at risk (population x rate x loss, summed \
                                   over the scenario) is finite",
                    });
                }
            }
        }

        // Channels and placements.
        let mut channels = Vec::with_capacity(sc.channels.len());
        let mut placements = Vec::new();
        let mut placement_params = Vec::new();
        let mut placement_formats: Vec<&[String]> = Vec::new();
        for (c, ch) in sc.channels.iter().enumerate() {
            let item = Item::new("channel", &ch.id);
            check(ch.depth, &item, "depth", Range::Depth)?;
            let owner = match &ch.owner {
                Some(o) => Some(lookup(&dept_ix, o, &item, "owner", "department")?),
                None => None,
            };
            channels.push(ChannelInfo {
                id: ch.id.clone(),
                name: ch.name.clone(),
                depth: ch.depth,
            });
            for p in &ch.placements {
                let item = Item::new("placement", &p.id);
                check(p.unit_cost, &item, "unit_cost", Range::NonNegative)?;
                check(p.setup_cost, &item, "setup_cost", Range::NonNegative)?;
                check(p.staff_hours, &item, "staff_hours", Range::NonNegative)?;
                let full = p.setup_cost + p.unit_cost * p.capacity as f64;
                if !full.is_finite() {
                    return Err(Error::InvalidValue {
                        item,
                        field: "unit_cost".into(),
                        value: p.unit_cost,
                        expected: "a unit cost whose cost at full capacity is finite",
                    });
                }
                let mut per_segment = vec![0.0; sc.segments.len()];
                for (i, a) in p.audience.iter().enumerate() {
                    let field = format!("audience[{i}]");
                    names.check_selector(&a.segment, &a.region, &a.group, &item, &field)?;
                    check(
                        a.per_unit,
                        &item,
                        format!("{field}.per_unit"),
                        Range::NonNegative,
                    )?;
                    for (s, seg) in sc.segments.iter().enumerate() {
                        if selects(&a.segment, &a.region, &a.group, seg) {
                            per_segment[s] = a.per_unit;
                        }
                    }
                }
                let audience = sparse(&per_segment);
                placements.push(PlacementInfo {
                    id: p.id.clone(),
                    unit: p.unit.clone(),
                    channel: ChannelId::new(c),
                    owner: owner.map(DepartmentId::new),
                    audience: audience.iter().map(|&(s, _)| SegmentId::new(s)).collect(),
                    draws: draws(owner, true),
                });
                placement_params.push(PlacementParameters {
                    unit_cost: p.unit_cost,
                    setup_cost: p.setup_cost,
                    capacity: p.capacity,
                    staff_hours: p.staff_hours,
                    audience: audience.iter().map(|&(_, g)| g).collect(),
                });
                placement_formats.push(&p.formats);
            }
        }

        // Messages, their relevance and appeal, and the arms.
        let mut messages = Vec::with_capacity(sc.messages.len());
        let mut production_cost = Vec::with_capacity(sc.messages.len());
        let mut arms = Vec::new();
        for msg in &sc.messages {
            let item = Item::new("message", &msg.id);
            check(
                msg.production_cost,
                &item,
                "production_cost",
                Range::NonNegative,
            )?;
            let owner = match &msg.owner {
                Some(o) => Some(lookup(&dept_ix, o, &item, "owner", "department")?),
                None => None,
            };
            let mut relevance = vec![0.0; n_f];
            let mut seen = vec![false; n_f];
            for (i, r) in msg.threats.iter().enumerate() {
                let f = lookup(
                    &threat_ix,
                    &r.threat,
                    &item,
                    format!("threats[{i}].threat"),
                    "threat",
                )?;
                if std::mem::replace(&mut seen[f], true) {
                    return Err(Error::Invalid {
                        item,
                        field: format!("threats[{i}].threat"),
                        problem: format!("lists threat {:?} a second time", r.threat),
                    });
                }
                check(
                    r.relevance,
                    &item,
                    format!("threats[{i}].relevance"),
                    Range::Share,
                )?;
                relevance[f] = r.relevance;
            }
            let mut appeal = vec![0.0; sc.segments.len()];
            for (i, a) in msg.appeal.iter().enumerate() {
                let field = format!("appeal[{i}]");
                names.check_selector(&a.segment, &a.region, &a.group, &item, &field)?;
                check(a.value, &item, format!("{field}.value"), Range::Share)?;
                for (s, seg) in sc.segments.iter().enumerate() {
                    if selects(&a.segment, &a.region, &a.group, seg) {
                        appeal[s] = a.value;
                    }
                }
            }
            let m = messages.len();
            let carriers: Vec<usize> = placement_formats
                .iter()
                .enumerate()
                .filter(|(_, formats)| formats.contains(&msg.format))
                .map(|(k, _)| k)
                .collect();
            if carriers.is_empty() {
                return Err(Error::Invalid {
                    item,
                    field: "format".into(),
                    problem: format!("{:?} is carried by no placement", msg.format),
                });
            }
            for k in carriers {
                let depth = channels[placements[k].channel.index()].depth;
                let audience = placements[k]
                    .audience
                    .iter()
                    .zip(&placement_params[k].audience);
                let mut absorbed = Vec::new();
                for (&s, &g) in audience {
                    let a = appeal[s.index()];
                    if a <= 0.0 {
                        continue;
                    }
                    for (f, &w) in relevance.iter().enumerate() {
                        let coef = g * depth * a * w;
                        if coef > 0.0 {
                            absorbed.push((s.index() * n_f + f, coef));
                        }
                    }
                }
                arms.push((k, m, absorbed));
            }
            messages.push(MessageInfo {
                id: msg.id.clone(),
                format: msg.format.clone(),
                owner: owner.map(DepartmentId::new),
                draws: draws(owner, false),
            });
            production_cost.push(msg.production_cost);
        }
        // Placement-major order reads naturally in tables.
        arms.sort_by_key(|&(k, m, _)| (k, m));
        let mut arms_of_placement = vec![Vec::new(); placements.len()];
        let mut arms_of_message = vec![Vec::new(); messages.len()];
        for (i, &(k, m, _)) in arms.iter().enumerate() {
            arms_of_placement[k].push(i);
            arms_of_message[m].push(i);
        }

        // Floors: the last entry matching a (segment, threat) pair wins.
        let mut wanted: BTreeMap<(usize, usize), (usize, f64)> = BTreeMap::new();
        for (i, fl) in sc.floors.iter().enumerate() {
            let item = Item::at("floor", i);
            names.check_selector(&fl.segment, &fl.region, &fl.group, &item, "")?;
            check(fl.min_reduction, &item, "min_reduction", Range::OpenShare)?;
            let threat = match &fl.threat {
                Some(t) => Some(lookup(&threat_ix, t, &item, "threat", "threat")?),
                None => None,
            };
            for (s, seg) in sc.segments.iter().enumerate() {
                if !selects(&fl.segment, &fl.region, &fl.group, seg) {
                    continue;
                }
                for f in 0..n_f {
                    // Without a threat, the floor covers the threats the segment is at risk of.
                    let applies = match threat {
                        Some(t) => t == f,
                        None => cells[s * n_f + f].rate > 0.0,
                    };
                    if applies {
                        wanted.insert((s, f), (i, fl.min_reduction));
                    }
                }
            }
        }
        let mut max_exposure = vec![0.0f64; cells.len()];
        if !wanted.is_empty() {
            // Every unit of every placement, each given to its best message for the cell.
            let mut best = vec![0.0f64; cells.len()];
            for k in 0..placements.len() {
                best.iter_mut().for_each(|b| *b = 0.0);
                for &a in &arms_of_placement[k] {
                    for &(c, coef) in &arms[a].2 {
                        best[c] = best[c].max(coef);
                    }
                }
                let cap = placement_params[k].capacity as f64;
                for (m, b) in max_exposure.iter_mut().zip(&best) {
                    *m += cap * b;
                }
            }
        }
        let mut floors = Vec::with_capacity(wanted.len());
        let mut floor_levels = Vec::with_capacity(wanted.len());
        for ((s, f), (i, phi)) in wanted {
            let cell = &cells[s * n_f + f];
            let reachable =
                response::reduction(cell.ceiling, cell.scale, max_exposure[s * n_f + f]);
            let exposure = response::exposure_for(cell.ceiling, cell.scale, phi);
            match exposure {
                Some(e) if e <= max_exposure[s * n_f + f] => {
                    let (segment, threat) = (SegmentId::new(s), ThreatId::new(f));
                    floors.push(FloorTarget {
                        segment,
                        threat,
                        cell: CellId::of(segment, threat, n_f),
                        entry: i,
                    });
                    floor_levels.push(phi);
                }
                _ => {
                    return Err(Error::UnreachableFloor {
                        item: Item::at("floor", i),
                        segment: segments[s].id.clone(),
                        threat: sc.threats[f].id.clone(),
                        required: phi,
                        reachable,
                    });
                }
            }
        }

        let limits = limits(sc.resources.money, sc.resources.staff_hours, &dept_limits);
        let arm_list = arms
            .iter()
            .map(|(k, m, absorbed)| Arm {
                message: MessageId::new(*m),
                placement: PlacementId::new(*k),
                cells: absorbed.iter().map(|&(c, _)| CellId::new(c)).collect(),
                draws: arm_draws(&placements[*k], &messages[*m]),
            })
            .collect();
        let structure = Structure {
            name: sc.name.clone(),
            currency: sc.currency.clone(),
            threats: sc
                .threats
                .iter()
                .map(|t| ThreatInfo {
                    id: t.id.clone(),
                    name: t.name.clone(),
                })
                .collect(),
            regions,
            groups,
            segments,
            channels,
            placements,
            messages,
            arms: arm_list,
            arms_of_placement: ids_of(arms_of_placement),
            arms_of_message: ids_of(arms_of_message),
            resources: ResourceKind::layout(departments.len()),
            departments,
            floors,
        };
        let params = Parameters {
            population,
            cells,
            placements: placement_params,
            production_cost,
            absorbed: arms
                .into_iter()
                .map(|(_, _, absorbed)| absorbed.into_iter().map(|(_, coef)| coef).collect())
                .collect(),
            limits,
            floors: floor_levels,
        };
        Problem::from_parts(structure, params)
    }
}

fn ids_of(lists: Vec<Vec<usize>>) -> Vec<Vec<ArmId>> {
    lists
        .into_iter()
        .map(|l| l.into_iter().map(ArmId::new).collect())
        .collect()
}

/// The resources a placement (`placement`: its unit and setup costs and staff hours) or a
/// message (its production cost) of department `owner` draws on.
fn draws(owner: Option<usize>, placement: bool) -> Vec<crate::core::ResourceId> {
    let mut kinds = vec![ResourceKind::Money];
    if placement {
        kinds.push(ResourceKind::StaffHours);
    }
    if let Some(d) = owner.map(DepartmentId::new) {
        kinds.push(ResourceKind::DepartmentMoney(d));
        if placement {
            kinds.push(ResourceKind::DepartmentHours(d));
        }
    }
    kinds.into_iter().map(ResourceKind::id).collect()
}

/// The union of a placement's and a message's draws, each resource once.
fn arm_draws(placement: &PlacementInfo, message: &MessageInfo) -> Vec<ArmDraw> {
    let mut out: Vec<ArmDraw> = placement
        .draws
        .iter()
        .map(|&resource| ArmDraw {
            resource,
            placement: true,
            message: message.draws.contains(&resource),
        })
        .collect();
    for &resource in &message.draws {
        if !placement.draws.contains(&resource) {
            out.push(ArmDraw {
                resource,
                placement: false,
                message: true,
            });
        }
    }
    out
}

fn limits(
    money: Option<f64>,
    hours: Option<f64>,
    departments: &[(Option<f64>, Option<f64>)],
) -> Resources<Option<f64>> {
    let mut values = vec![money, hours];
    for &(m, h) in departments {
        values.push(m);
        values.push(h);
    }
    Resources::from_vec(values)
}

fn position_or_push(list: &mut Vec<String>, name: &str) -> usize {
    match list.iter().position(|x| x == name) {
        Some(i) => i,
        None => {
            list.push(name.to_string());
            list.len() - 1
        }
    }
}

fn sparse(values: &[f64]) -> Vec<(usize, f64)> {
    values
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > 0.0)
        .map(|(i, v)| (i, *v))
        .collect()
}
