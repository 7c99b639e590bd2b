//! Pass over messages: cost, owner, relevance, appeal and format; and the arms (compatible
//! message-placement pairs) with their absorbed exposures per unit.

use std::collections::HashMap;

use super::cell;
use super::channels::Channels;
use super::checks::{Range, check};
use super::draft::{Arm, MessageInfo};
use super::ids::{Ids, lookup, lookup_opt};
use super::selectors::{Sel, Selectors, apply_rules};
use super::sparse::Sparse;
use crate::error::{Error, Item};
use crate::model::Scenario;
use crate::model::scenario::Message;

/// Runs the pass: the messages in file order and their arms, message by message.
pub(super) fn messages(
    sc: &Scenario,
    ids: &Ids<'_>,
    sel: &Selectors<'_>,
    ch: &Channels<'_>,
) -> Result<(Vec<MessageInfo>, Vec<Arm>), Error> {
    let carriers = carriers(ch);
    let mut messages = Vec::with_capacity(sc.messages.len());
    let mut arms = Vec::new();
    let mut appeal = Sparse::new(sc.segments.len());
    for (m, msg) in sc.messages.iter().enumerate() {
        let item = Item::new("message", &msg.id);
        check(msg.production_cost, &item, "production_cost", Range::Amount)?;
        let owner = lookup_opt(&ids.departments, &msg.owner, &item, "owner", "department")?;
        let relevance = relevance(msg, &item, ids)?;
        let rules = msg
            .appeal
            .iter()
            .map(|a| (Sel::new(&a.segment, &a.region, &a.group), a.value));
        apply_rules(
            rules,
            ("appeal", "value"),
            Range::Coefficient,
            &item,
            sel,
            &mut appeal,
        )?;
        let Some(ks) = carriers.get(msg.format.as_str()) else {
            return Err(Error::Invalid {
                item,
                field: "format".into(),
                problem: format!("{:?} is carried by no placement", msg.format),
            });
        };
        for &k in ks {
            arms.push(arm(m, k, ch, &appeal, &relevance, sc.threats.len()));
        }
        appeal.clear();
        messages.push(MessageInfo {
            id: msg.id.clone(),
            format: msg.format.clone(),
            production_cost: msg.production_cost,
            owner,
        });
    }
    Ok((messages, arms))
}

/// The placements carrying each format, in increasing order.
fn carriers<'a>(ch: &Channels<'a>) -> HashMap<&'a str, Vec<usize>> {
    let mut map: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, formats) in ch.formats.iter().enumerate() {
        for f in formats.iter() {
            let list = map.entry(f.as_str()).or_default();
            // A placement listing a format twice carries it once.
            if list.last() != Some(&k) {
                list.push(k);
            }
        }
    }
    map
}

/// The positive relevances `(threat, relevance)`, by increasing threat.
fn relevance(msg: &Message, item: &Item, ids: &Ids<'_>) -> Result<Vec<(usize, f64)>, Error> {
    let mut relevance = vec![None; ids.threats.len()];
    for (i, r) in msg.threats.iter().enumerate() {
        let field = || format!("threats[{i}].threat");
        let f = *lookup(&ids.threats, &r.threat, item, field, "threat")?;
        if relevance[f].is_some() {
            return Err(Error::Invalid {
                item: item.clone(),
                field: field(),
                problem: format!("lists threat {:?} a second time", r.threat),
            });
        }
        check(
            r.relevance,
            item,
            || format!("threats[{i}].relevance"),
            Range::Coefficient,
        )?;
        relevance[f] = Some(r.relevance);
    }
    Ok(relevance
        .into_iter()
        .enumerate()
        .filter_map(|(f, w)| w.filter(|&w| w > 0.0).map(|w| (f, w)))
        .collect())
}

/// The arm of message `m` on placement `k`: absorbed exposures per unit `g d a w` of each
/// cell it reaches.
fn arm(
    m: usize,
    k: usize,
    ch: &Channels<'_>,
    appeal: &Sparse,
    relevance: &[(usize, f64)],
    n_f: usize,
) -> Arm {
    let p = &ch.placements[k];
    let depth = ch.channels[p.channel].depth;
    let mut absorbed = Vec::new();
    for &(s, g) in &p.audience {
        let a = appeal.get(s);
        if a <= 0.0 {
            continue;
        }
        for &(f, w) in relevance {
            let coef = g * depth * a * w;
            if coef > 0.0 {
                absorbed.push((cell(s, f, n_f), coef));
            }
        }
    }
    Arm {
        message: m,
        placement: k,
        exposures: p.audience.clone(),
        absorbed,
    }
}
