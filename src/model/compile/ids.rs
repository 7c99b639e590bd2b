//! Pass 1: the lists that must not be empty, the form of every id and name, and duplicate ids.

use std::collections::HashMap;

use super::checks::{Field, check_id, id_problem};
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
        for seg in &sc.segments {
            let item = Item::new("segment", &seg.id);
            check_id(&seg.region, &item, "region")?;
            check_id(&seg.group, &item, "group")?;
        }
        top_level("channel", "channels", &sc.channels, |c| &c.id)?;
        placements(sc)?;
        top_level("message", "messages", &sc.messages, |m| &m.id)?;
        for m in &sc.messages {
            check_id(&m.format, &Item::new("message", &m.id), "format")?;
        }
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

/// Checks the ids of a top-level list (`name[i].id`) and maps them to indices.
fn top_level<'a, T>(
    kind: &'static str,
    name: &str,
    list: &'a [T],
    id: impl Fn(&'a T) -> &'a str,
) -> Result<HashMap<&'a str, usize>, Error> {
    for (i, x) in list.iter().enumerate() {
        check_id(id(x), &Item::at(kind, i), "id")?;
    }
    index(kind, list.iter().map(id), |i| format!("{name}[{i}].id"))
}

/// Checks placement ids (unique across all channels) and formats.
fn placements(sc: &Scenario) -> Result<(), Error> {
    for ch in &sc.channels {
        let item = Item::new("channel", &ch.id);
        for (i, p) in ch.placements.iter().enumerate() {
            check_id(&p.id, &item, || format!("placements[{i}].id"))?;
        }
    }
    let all = sc.channels.iter().flat_map(|c| &c.placements);
    index("placement", all.map(|p| p.id.as_str()), |flat| {
        placement_path(sc, flat)
    })?;
    for p in sc.channels.iter().flat_map(|c| &c.placements) {
        let item = Item::new("placement", &p.id);
        for (j, f) in p.formats.iter().enumerate() {
            check_id(f, &item, || format!("formats[{j}]"))?;
        }
    }
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

/// Looks up a reference to an item of `kind` at `field` of `item`: an id of a malformed form
/// is named as such, any other missing id as unknown.
pub(super) fn lookup<'m>(
    map: &'m HashMap<&str, usize>,
    id: &str,
    item: &Item,
    field: impl Field,
    kind: &'static str,
) -> Result<&'m usize, Error> {
    map.get(id).ok_or_else(|| match id_problem(id) {
        Some(problem) => Error::Invalid {
            item: item.clone(),
            field: field.path(),
            problem,
        },
        None => Error::UnknownId {
            item: item.clone(),
            field: field.path(),
            kind,
            id: id.to_string(),
        },
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
