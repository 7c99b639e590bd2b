//! Pass 1: the lists that must not be empty and duplicate ids.

use std::collections::HashMap;

use crate::error::{Error, Item};
use crate::model::Scenario;

/// Ids that other items refer to, mapped to their indices.
pub(super) struct Ids<'a> {
    pub(super) threats: HashMap<&'a str, usize>,
    pub(super) segments: HashMap<&'a str, usize>,
    pub(super) departments: HashMap<&'a str, usize>,
}

impl<'a> Ids<'a> {
    /// Runs the pass.
    pub(super) fn check(sc: &'a Scenario) -> Result<Ids<'a>, Error> {
        non_empty(sc)?;
        let threats = top_level("threat", "threats", &sc.threats, |t| &t.id)?;
        let segments = top_level("segment", "segments", &sc.segments, |s| &s.id)?;
        top_level("channel", "channels", &sc.channels, |c| &c.id)?;
        placements(sc)?;
        top_level("message", "messages", &sc.messages, |m| &m.id)?;
        let departments = top_level("department", "departments", &sc.departments, |d| &d.id)?;
        Ok(Ids {
            threats,
            segments,
            departments,
        })
    }
}

fn non_empty(sc: &Scenario) -> Result<(), Error> {
    for (field, empty) in [
        ("threats", sc.threats.is_empty()),
        ("segments", sc.segments.is_empty()),
    ] {
        if empty {
            return Err(Error::Invalid {
                item: Item::new("scenario", &sc.name),
                field: field.into(),
                problem: format!("must list at least one {}", &field[..field.len() - 1]),
            });
        }
    }
    Ok(())
}

/// Maps the ids of a top-level list (`name[i].id`) to indices.
fn top_level<'a, T>(
    kind: &'static str,
    name: &str,
    list: &'a [T],
    id: impl Fn(&'a T) -> &'a str,
) -> Result<HashMap<&'a str, usize>, Error> {
    index(kind, list.iter().map(id), |i| format!("{name}[{i}].id"))
}

/// Checks placement ids (unique across all channels).
fn placements(sc: &Scenario) -> Result<(), Error> {
    let all = sc.channels.iter().flat_map(|c| &c.placements);
    index("placement", all.map(|p| p.id.as_str()), |flat| {
        placement_path(sc, flat)
    })?;
    Ok(())
}

/// The path of the `flat`-th placement's id, counting across channels.
fn placement_path(sc: &Scenario, flat: usize) -> String {
    let mut k = flat;
    for (c, ch) in sc.channels.iter().enumerate() {
        if k < ch.placements.len() {
            return format!("channels[{c}].placements[{k}].id");
        }
        k -= ch.placements.len();
    }
    format!("placement #{flat}")
}

/// Maps ids to indices, rejecting duplicates; `path(i)` names the `id` field of item `i`
/// (built only for an error).
fn index<'a>(
    kind: &'static str,
    ids: impl IntoIterator<Item = &'a str>,
    path: impl Fn(usize) -> String,
) -> Result<HashMap<&'a str, usize>, Error> {
    let mut map = HashMap::new();
    for (i, id) in ids.into_iter().enumerate() {
        if let Some(&first) = map.get(id) {
            return Err(Error::DuplicateId {
                kind,
                id: id.to_string(),
                field: path(i),
                first: path(first),
            });
        }
        map.insert(id, i);
    }
    Ok(map)
}

/// Looks up a reference to an item of `kind` at `field` of `item`.
pub(super) fn lookup<'m>(
    map: &'m HashMap<&str, usize>,
    id: &str,
    item: &Item,
    field: impl Into<String>,
    kind: &'static str,
) -> Result<&'m usize, Error> {
    map.get(id).ok_or_else(|| Error::UnknownId {
        item: item.clone(),
        field: field.into(),
        kind,
        id: id.to_string(),
    })
}

/// [`lookup`] of an optional reference.
pub(super) fn lookup_opt(
    map: &HashMap<&str, usize>,
    id: &Option<String>,
    item: &Item,
    field: &str,
    kind: &'static str,
) -> Result<Option<usize>, Error> {
    id.as_ref()
        .map(|id| lookup(map, id, item, field, kind).copied())
        .transpose()
}
