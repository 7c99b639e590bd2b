//! Selectors (`segment`, `region`, `group`, each optional): checked against the known names
//! and resolved to the segments they match through maps, in time proportional to the matches.

use std::collections::HashMap;

use super::checks::{Range, check};
use super::ids::lookup;
use super::sparse::Sparse;
use crate::error::{Error, Item};
use crate::model::scenario::Segment;

/// One selector as written: each part optional.
#[derive(Clone, Copy)]
pub(super) struct Sel<'s> {
    segment: Option<&'s str>,
    region: Option<&'s str>,
    group: Option<&'s str>,
}

impl<'s> Sel<'s> {
    pub(super) fn new(
        segment: &'s Option<String>,
        region: &'s Option<String>,
        group: &'s Option<String>,
    ) -> Self {
        Sel {
            segment: segment.as_deref(),
            region: region.as_deref(),
            group: group.as_deref(),
        }
    }
}

/// Applies selector rules in order (later entries win) into `out`: the `i`-th rule, at
/// `{list}[i]` of `item`, checks its value (field `{list}[i].{value}`) against `range` and sets
/// it on every segment it matches.
pub(super) fn apply_rules<'r>(
    rules: impl Iterator<Item = (Sel<'r>, f64)>,
    (list, value): (&str, &str),
    range: Range,
    item: &Item,
    sel: &Selectors<'_>,
    out: &mut Sparse,
) -> Result<(), Error> {
    for (i, (rule, v)) in rules.enumerate() {
        let matched = sel.select(rule, item, || format!("{list}[{i}]"))?;
        check(v, item, || format!("{list}[{i}].{value}"), range)?;
        for &s in matched {
            out.set(s, v);
        }
    }
    Ok(())
}

/// The segments by id, region, group and (region, group), and the region and group names in
/// first-seen order.
pub(super) struct Selectors<'a> {
    ids: &'a HashMap<&'a str, usize>,
    regions: HashMap<&'a str, usize>,
    groups: HashMap<&'a str, usize>,
    /// `(region, group)` index of each segment.
    of: Vec<(usize, usize)>,
    by_region: Vec<Vec<usize>>,
    by_group: Vec<Vec<usize>>,
    by_pair: HashMap<(usize, usize), Vec<usize>>,
    all: Vec<usize>,
    pub(super) region_names: Vec<String>,
    pub(super) group_names: Vec<String>,
}

impl<'a> Selectors<'a> {
    /// Indexes `segments`, whose ids `ids` maps to their positions.
    pub(super) fn new(segments: &'a [Segment], ids: &'a HashMap<&'a str, usize>) -> Self {
        let mut sel = Selectors {
            ids,
            regions: HashMap::new(),
            groups: HashMap::new(),
            of: Vec::with_capacity(segments.len()),
            by_region: Vec::new(),
            by_group: Vec::new(),
            by_pair: HashMap::new(),
            all: (0..segments.len()).collect(),
            region_names: Vec::new(),
            group_names: Vec::new(),
        };
        for (s, seg) in segments.iter().enumerate() {
            let r = intern(&mut sel.regions, &mut sel.region_names, &seg.region);
            let g = intern(&mut sel.groups, &mut sel.group_names, &seg.group);
            if r == sel.by_region.len() {
                sel.by_region.push(Vec::new());
            }
            if g == sel.by_group.len() {
                sel.by_group.push(Vec::new());
            }
            sel.by_region[r].push(s);
            sel.by_group[g].push(s);
            sel.by_pair.entry((r, g)).or_default().push(s);
            sel.of.push((r, g));
        }
        sel
    }

    /// `(region, group)` index of segment `s`.
    pub(super) fn of(&self, s: usize) -> (usize, usize) {
        self.of[s]
    }

    /// The segments `sel` matches, in increasing order.
    ///
    /// # Errors
    ///
    /// A name of the selector is unknown (or malformed), or no segment has them all.
    /// `field` is the selector's path in `item` (empty at the item's top level).
    pub(super) fn select(
        &self,
        sel: Sel<'_>,
        item: &Item,
        field: impl Fn() -> String + Copy,
    ) -> Result<&[usize], Error> {
        let at = |sub: &'static str| {
            move || {
                let field = field();
                if field.is_empty() {
                    sub.to_string()
                } else {
                    format!("{field}.{sub}")
                }
            }
        };
        let known = |map: &HashMap<&str, usize>, name: Option<&str>, kind| {
            name.map(|n| lookup(map, n, item, at(kind), kind).copied())
                .transpose()
        };
        let s = match sel.segment {
            Some(id) => Some(lookup(self.ids, id, item, at("segment"), "segment")?),
            None => None,
        };
        let r = known(&self.regions, sel.region, "region")?;
        let g = known(&self.groups, sel.group, "group")?;
        let matched: &[usize] = match (s, r, g) {
            (Some(s), r, g) => {
                let (sr, sg) = self.of[*s];
                if r.is_none_or(|r| r == sr) && g.is_none_or(|g| g == sg) {
                    std::slice::from_ref(s)
                } else {
                    &[]
                }
            }
            (None, Some(r), Some(g)) => self.by_pair.get(&(r, g)).map_or(&[], Vec::as_slice),
            (None, Some(r), None) => &self.by_region[r],
            (None, None, Some(g)) => &self.by_group[g],
            (None, None, None) => &self.all,
        };
        if matched.is_empty() {
            // Each name exists, but no segment has them all (e.g. a segment of another region).
            return Err(Error::Invalid {
                item: item.clone(),
                field: at("segment/region/group")(),
                problem: "selects no segment: no segment has all of the given segment, region \
                          and group"
                    .to_string(),
            });
        }
        Ok(matched)
    }
}

/// The index of `name` in `names`, appending it when new.
fn intern<'a>(map: &mut HashMap<&'a str, usize>, names: &mut Vec<String>, name: &'a str) -> usize {
    *map.entry(name).or_insert_with(|| {
        names.push(name.to_string());
        names.len() - 1
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::selects;

    fn segment(id: &str, region: &str, group: &str) -> Segment {
        Segment {
            id: id.into(),
            region: region.into(),
            group: group.into(),
            population: 1,
            profile: None,
            source: None,
            risk: Vec::new(),
        }
    }

    #[test]
    fn select_agrees_with_a_scan() {
        let segments = [
            segment("a.x", "a", "x"),
            segment("a.y", "a", "y"),
            segment("b.x", "b", "x"),
            segment("c.z", "c", "z"),
        ];
        let ids: HashMap<&str, usize> = segments
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        let sel = Selectors::new(&segments, &ids);
        assert_eq!(sel.region_names, ["a", "b", "c"]);
        assert_eq!(sel.group_names, ["x", "y", "z"]);
        let opt = |v: &str| (!v.is_empty()).then(|| v.to_string());
        let item = Item::at("floor", 0);
        for s in ["", "a.x", "a.y", "b.x", "c.z"] {
            for r in ["", "a", "b", "c"] {
                for g in ["", "x", "y", "z"] {
                    let (s, r, g) = (opt(s), opt(r), opt(g));
                    let scan: Vec<usize> = (0..segments.len())
                        .filter(|&i| selects(&s, &r, &g, &segments[i]))
                        .collect();
                    match sel.select(Sel::new(&s, &r, &g), &item, String::new) {
                        Ok(found) => assert_eq!(found, scan, "{s:?} {r:?} {g:?}"),
                        Err(e) => {
                            assert!(scan.is_empty(), "{s:?} {r:?} {g:?}: {e}");
                            assert!(e.to_string().contains("selects no segment"), "{e}");
                        }
                    }
                }
            }
        }
    }
}
