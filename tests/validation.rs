//! The validation rules of `Scenario::from_json`, `Scenario::from_path` and
//! `Scenario::compile` (DESIGN.md "Validation"), as tables.
//!
//! Every row of [`bad_rows`] starts from a small valid scenario (`tests/data/base_scenario.json`)
//! and breaks one thing: as a `Scenario` struct where the rule is about values (NaN and infinity
//! cannot be written in JSON), as a JSON value or as text where the rule is about the document.
//! One test runs every row and reports every failing one; a row names the `Error` variant it
//! expects, its item (by id, or `#index` for items without one) and field, and substrings of
//! its Display text. Every error message must also stay one short line.
//!
//! [`good_rows`] are the boundary values that must still compile.

use fanzha::core::{SegmentId, ThreatId};
use fanzha::error::Item;
use fanzha::model::{Audience, Floor, Profile, ResponseOverride, Risk, Segment};
use fanzha::{Error, Scenario};
use serde_json::{Value, json};

/// A small valid scenario: two threats, two segments in two regions and groups, two channels
/// with one placement each (owned by two departments), two messages, a response override and a
/// reachable floor.
const BASE: &str = include_str!("data/base_scenario.json");

/// The longest error message a row may produce, in bytes: one line a planner can read. (The
/// longest legitimate one names a JSON path and quotes serde's list of a struct's fields; a
/// 309-digit number or a 100,000-character id would not fit.)
const MAX_MESSAGE: usize = 360;

fn base() -> Scenario {
    Scenario::from_json(BASE).expect("the base scenario is valid JSON")
}

fn base_value() -> Value {
    serde_json::from_str(BASE).expect("the base scenario is valid JSON")
}

fn segment(id: &str) -> Item {
    Item::new("segment", id)
}

fn placement(id: &str) -> Item {
    Item::new("placement", id)
}

fn message(id: &str) -> Item {
    Item::new("message", id)
}

fn channel(id: &str) -> Item {
    Item::new("channel", id)
}

fn resources() -> Item {
    Item::new("resources", "resources")
}

fn response() -> Item {
    Item::new("response", "response")
}

// --- the table machinery ---

/// How a row breaks the base scenario.
enum Break {
    /// Edit the scenario struct, then compile.
    Scenario(Box<dyn Fn(&mut Scenario)>),
    /// Edit the JSON document, then read and compile it.
    Json(Box<dyn Fn(&mut Value)>),
    /// Replace the document's text, then read and compile it.
    Text(Box<dyn Fn(&str) -> String>),
}

impl Break {
    fn apply(&self) -> Result<fanzha::Problem, Error> {
        match self {
            Break::Scenario(edit) => {
                let mut s = base();
                edit(&mut s);
                s.compile()
            }
            Break::Json(edit) => {
                let mut v = base_value();
                edit(&mut v);
                Scenario::from_json(&v.to_string())?.compile()
            }
            Break::Text(edit) => Scenario::from_json(&edit(BASE))?.compile(),
        }
    }
}

fn s(edit: impl Fn(&mut Scenario) + 'static) -> Break {
    Break::Scenario(Box::new(edit))
}

fn j(edit: impl Fn(&mut Value) + 'static) -> Break {
    Break::Json(Box::new(edit))
}

fn t(edit: impl Fn(&str) -> String + 'static) -> Break {
    Break::Text(Box::new(edit))
}

/// The error a row expects.
enum Want {
    /// `UnknownId`: item, field, kind and id.
    Unknown(Item, String, &'static str, String),
    /// `InvalidValue`: item, field and value (NaN equals NaN).
    Value(Item, String, f64),
    /// `Invalid`: item and field.
    Invalid(Item, String),
    /// `DuplicateId`: kind and id; both uses named by paths ending in `].id`.
    Duplicate(&'static str, &'static str),
    /// `Json`: parts of its path (each also in the Display text), and the line if it matters.
    Json(Vec<&'static str>, Option<usize>),
    /// `UnreachableFloor` of floor #0: segment, threat, required and the range of reachable.
    Unreachable(&'static str, &'static str, f64, (f64, f64)),
}

struct Row {
    name: String,
    brk: Break,
    want: Want,
    /// Substrings of the Display text.
    text: Vec<String>,
}

fn row(name: impl Into<String>, brk: Break, want: Want, text: &[&str]) -> Row {
    Row {
        name: name.into(),
        brk,
        want,
        text: text.iter().map(|t| t.to_string()).collect(),
    }
}

fn value(item: Item, field: &str, v: f64) -> Want {
    Want::Value(item, field.to_string(), v)
}

fn invalid(item: Item, field: &str) -> Want {
    Want::Invalid(item, field.to_string())
}

fn unknown(item: Item, field: &str, kind: &'static str, id: &str) -> Want {
    Want::Unknown(item, field.to_string(), kind, id.to_string())
}

fn json_at(path: &[&'static str]) -> Want {
    Want::Json(path.to_vec(), None)
}

fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(what()) }
}

fn names(text: &str, id: &str, field: &str) -> Result<(), String> {
    ensure(text.contains(id), || {
        format!("Display does not name item {id:?}")
    })?;
    ensure(text.contains(field), || {
        format!("Display does not name field {field:?}")
    })
}

/// Checks `err` against `want`; `Err` says what differs.
fn check_want(want: &Want, err: &Error, text: &str) -> Result<(), String> {
    let differs = || format!("expected {}, got {err:?}", want_name(want));
    match (want, err) {
        (
            Want::Unknown(item, field, kind, id),
            Error::UnknownId {
                item: i,
                field: f,
                kind: k,
                id: x,
            },
        ) => {
            ensure((i, f, k, x) == (item, field, kind, id), differs)?;
            names(text, &item.id, field)?;
            ensure(text.contains(&format!("{id:?}")), || {
                format!("Display lacks {id:?}")
            })
        }
        (
            Want::Value(item, field, v),
            Error::InvalidValue {
                item: i,
                field: f,
                value,
                ..
            },
        ) => {
            ensure(
                i == item && f == field && value.total_cmp(v).is_eq(),
                differs,
            )?;
            names(text, &item.id, field)
        }
        (
            Want::Invalid(item, field),
            Error::Invalid {
                item: i, field: f, ..
            },
        ) => {
            ensure(i == item && f == field, differs)?;
            names(text, &item.id, field)
        }
        (
            Want::Duplicate(kind, id),
            Error::DuplicateId {
                kind: k,
                id: x,
                field,
                first,
            },
        ) => {
            ensure(k == kind && x == id, differs)?;
            ensure(
                field.ends_with("].id") && first.ends_with("].id") && field != first,
                differs,
            )?;
            for part in [*kind, "].id", format!("{id:?}").as_str()] {
                ensure(text.contains(part), || format!("Display lacks {part:?}"))?;
            }
            Ok(())
        }
        (Want::Json(parts, want_line), Error::Json { path, line, .. }) => {
            for p in parts {
                ensure(path.contains(p), || format!("path {path:?} lacks {p:?}"))?;
                ensure(text.contains(p), || format!("Display lacks {p:?}"))?;
            }
            // serde_json counts lines from 1.
            ensure(*line >= 1, differs)?;
            ensure(want_line.is_none_or(|l| l == *line), differs)
        }
        (
            Want::Unreachable(seg, threat, required, (lo, hi)),
            Error::UnreachableFloor {
                item,
                segment,
                threat: f,
                required: r,
                reachable,
            },
        ) => {
            ensure(
                *item == Item::at("floor", 0) && segment == seg && f == threat,
                differs,
            )?;
            ensure(r == required && (*lo..=*hi).contains(reachable), differs)?;
            names(text, "#0", "min_reduction")?;
            names(text, seg, threat)
        }
        _ => Err(differs()),
    }
}

fn want_name(want: &Want) -> &'static str {
    match want {
        Want::Unknown(..) => "UnknownId",
        Want::Value(..) => "InvalidValue",
        Want::Invalid(..) => "Invalid",
        Want::Duplicate(..) => "DuplicateId",
        Want::Json(..) => "Json",
        Want::Unreachable(..) => "UnreachableFloor",
    }
}

fn run(row: &Row) -> Result<(), String> {
    let err = match row.brk.apply() {
        Ok(_) => return Err("compiled, expected an error".to_string()),
        Err(e) => e,
    };
    let text = err.to_string();
    check_want(&row.want, &err, &text).map_err(|e| format!("{e}\n    Display: {text}"))?;
    for part in &row.text {
        ensure(text.contains(part.as_str()), || {
            format!("Display lacks {part:?}: {text}")
        })?;
    }
    ensure(text.len() <= MAX_MESSAGE && !text.contains('\n'), || {
        format!(
            "message of {} bytes is not one short line: {text:.400}",
            text.len()
        )
    })
}

#[test]
fn every_bad_input_gives_its_error() {
    let rows = bad_rows();
    let mut seen = std::collections::HashSet::new();
    for r in &rows {
        assert!(
            seen.insert(r.name.clone()),
            "two rows are named {:?}",
            r.name
        );
    }
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|r| run(r).err().map(|e| format!("{}: {e}", r.name)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[test]
fn boundary_values_compile() {
    let failures: Vec<String> = good_rows()
        .into_iter()
        .filter_map(|(name, brk)| match brk.apply() {
            Ok(p) if p.loss_at_risk().is_finite() => None,
            Ok(_) => Some(format!("{name}: infinite loss at risk")),
            Err(e) => Some(format!("{name}: {e}")),
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// --- the rows ---

fn bad_rows() -> Vec<Row> {
    [
        unknown_ids(),
        unknown_selectors(),
        duplicates(),
        bad_numbers(),
        ranges(),
        formats_and_floors(),
        documents(),
        empty_lists_and_selectors(),
        malformed_ids(),
        tiny_values(),
        huge_values(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn unknown_ids() -> Vec<Row> {
    let phishing = || Some("phishing".to_string());
    vec![
        row(
            "unknown threat in a risk entry",
            s(|s| s.segments[1].risk[0].threat = "phishing".into()),
            unknown(
                segment("village.elderly"),
                "risk[0].threat",
                "threat",
                "phishing",
            ),
            &[],
        ),
        row(
            "unknown threat in a message's relevance",
            s(|s| s.messages[0].threats[0].threat = "phishing".into()),
            unknown(
                message("brushing.comic"),
                "threats[0].threat",
                "threat",
                "phishing",
            ),
            &[],
        ),
        row(
            "unknown threat in a response override",
            s(move |s| s.response.overrides[0].threat = phishing()),
            unknown(
                Item::at("response override", 0),
                "threat",
                "threat",
                "phishing",
            ),
            &[],
        ),
        row(
            "unknown threat in a floor",
            s(move |s| s.floors[0].threat = phishing()),
            unknown(Item::at("floor", 0), "threat", "threat", "phishing"),
            &[],
        ),
        row(
            "unknown owner department of a channel",
            s(|s| s.channels[1].owner = Some("finance".into())),
            unknown(channel("radio"), "owner", "department", "finance"),
            &[],
        ),
        row(
            "unknown owner department of a message",
            s(|s| s.messages[1].owner = Some("finance".into())),
            unknown(message("health.radio"), "owner", "department", "finance"),
            &[],
        ),
        row(
            // "town" is a region; as a group it must be unknown, not silently match nothing.
            "a region name is not a group name",
            s(|s| s.messages[0].appeal[0].group = Some("town".into())),
            unknown(
                message("brushing.comic"),
                "appeal[0].group",
                "group",
                "town",
            ),
            &[],
        ),
    ]
}

/// The selector (segment, region, group) of the first rule at each site.
type Selector<'a> = (
    &'a mut Option<String>,
    &'a mut Option<String>,
    &'a mut Option<String>,
);

/// Where a selector lives: its name, the item owning it, the path prefix of its fields, and
/// how to reach it.
type Site = (
    &'static str,
    Item,
    &'static str,
    fn(&mut Scenario) -> Selector<'_>,
);

fn sites() -> Vec<Site> {
    vec![
        (
            "audience",
            placement("radio.morning"),
            "audience[0].",
            |s| {
                let a = &mut s.channels[1].placements[0].audience[0];
                (&mut a.segment, &mut a.region, &mut a.group)
            },
        ),
        ("appeal", message("health.radio"), "appeal[0].", |s| {
            let a = &mut s.messages[1].appeal[0];
            (&mut a.segment, &mut a.region, &mut a.group)
        }),
        ("override", Item::at("response override", 0), "", |s| {
            let o = &mut s.response.overrides[0];
            (&mut o.segment, &mut o.region, &mut o.group)
        }),
        ("floor", Item::at("floor", 0), "", |s| {
            let f = &mut s.floors[0];
            (&mut f.segment, &mut f.region, &mut f.group)
        }),
    ]
}

fn unknown_selectors() -> Vec<Row> {
    let mut rows = Vec::new();
    for (site, item, prefix, at) in sites() {
        for key in ["segment", "region", "group"] {
            let bad = format!("no_such_{key}");
            let name = bad.clone();
            let edit = move |s: &mut Scenario| {
                let (seg, reg, grp) = at(s);
                let slot = match key {
                    "segment" => seg,
                    "region" => reg,
                    _ => grp,
                };
                *slot = Some(name.clone());
            };
            rows.push(row(
                format!("unknown {key} in {site}"),
                s(edit),
                unknown(item.clone(), &format!("{prefix}{key}"), key, &bad),
                &[],
            ));
        }
    }
    rows
}

fn duplicates() -> Vec<Row> {
    vec![
        row(
            "duplicate threat id",
            s(|s| {
                let mut t = s.threats[1].clone();
                t.name = "Another name".into();
                s.threats.push(t);
            }),
            Want::Duplicate("threat", "health"),
            &[],
        ),
        row(
            "duplicate segment id",
            s(|s| {
                let mut seg = s.segments[0].clone();
                seg.region = "village".into();
                s.segments.push(seg);
            }),
            Want::Duplicate("segment", "town.young"),
            &[],
        ),
        row(
            "duplicate channel id",
            s(|s| {
                let mut ch = s.channels[1].clone();
                ch.placements[0].id = "radio.evening".into();
                s.channels.push(ch);
            }),
            Want::Duplicate("channel", "radio"),
            &[],
        ),
        row(
            "duplicate placement id across two channels",
            s(|s| s.channels[1].placements[0].id = "douyin.young".into()),
            Want::Duplicate("placement", "douyin.young"),
            &[
                "channels[1].placements[0].id",
                "channels[0].placements[0].id",
            ],
        ),
        row(
            "duplicate placement id within one channel",
            s(|s| {
                let p = s.channels[0].placements[0].clone();
                s.channels[0].placements.push(p);
            }),
            Want::Duplicate("placement", "douyin.young"),
            &["channels[0].placements[1].id"],
        ),
        row(
            "duplicate message id",
            s(|s| {
                let mut m = s.messages[0].clone();
                m.format = "audio".into();
                s.messages.push(m);
            }),
            Want::Duplicate("message", "brushing.comic"),
            &[],
        ),
        row(
            "duplicate department id",
            s(|s| {
                let mut d = s.departments[0].clone();
                d.money = None;
                s.departments.push(d);
            }),
            Want::Duplicate("department", "police"),
            &[],
        ),
        row(
            "duplicate threat in one segment's risk list",
            s(|s| {
                let mut r = s.segments[0].risk[0].clone();
                r.rate = 0.5;
                s.segments[0].risk.push(r);
            }),
            invalid(segment("town.young"), "risk[1].threat"),
            &["brushing", "second time"],
        ),
        row(
            "duplicate threat in one message's relevance list",
            s(|s| {
                let r = s.messages[0].threats[0].clone();
                s.messages[0].threats.push(r);
            }),
            invalid(message("brushing.comic"), "threats[1].threat"),
            &["brushing", "second time"],
        ),
    ]
}

/// A field that must be a finite number `>= 0`: name, item, field path, setter.
type NumberField = (&'static str, Item, &'static str, fn(&mut Scenario, f64));

fn non_negative_fields() -> Vec<NumberField> {
    vec![
        (
            "unit_cost",
            placement("douyin.young"),
            "unit_cost",
            |s, v| s.channels[0].placements[0].unit_cost = v,
        ),
        (
            "setup_cost",
            placement("radio.morning"),
            "setup_cost",
            |s, v| s.channels[1].placements[0].setup_cost = v,
        ),
        (
            "placement staff_hours",
            placement("radio.morning"),
            "staff_hours",
            |s, v| s.channels[1].placements[0].staff_hours = v,
        ),
        (
            "per_unit",
            placement("douyin.young"),
            "audience[0].per_unit",
            |s, v| s.channels[0].placements[0].audience[0].per_unit = v,
        ),
        (
            "production_cost",
            message("health.radio"),
            "production_cost",
            |s, v| s.messages[1].production_cost = v,
        ),
        (
            "loss",
            segment("village.elderly"),
            "risk[0].loss",
            |s, v| s.segments[1].risk[0].loss = v,
        ),
        ("rate", segment("town.young"), "risk[0].rate", |s, v| {
            s.segments[0].risk[0].rate = v
        }),
        ("resources money", resources(), "money", |s, v| {
            s.resources.money = Some(v)
        }),
        (
            "resources staff_hours",
            resources(),
            "staff_hours",
            |s, v| s.resources.staff_hours = Some(v),
        ),
        (
            "department money",
            Item::new("department", "police"),
            "money",
            |s, v| s.departments[0].money = Some(v),
        ),
        (
            "department staff_hours",
            Item::new("department", "propaganda"),
            "staff_hours",
            |s, v| s.departments[1].staff_hours = Some(v),
        ),
    ]
}

/// Negative, NaN and infinite values of every number that must be `>= 0`; the message shows
/// the value.
fn bad_numbers() -> Vec<Row> {
    let mut rows = Vec::new();
    for (name, item, field, set) in non_negative_fields() {
        for (bad, shown) in [
            (-1.0, "-1"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            rows.push(row(
                format!("{name} = {shown}"),
                s(move |s| set(s, bad)),
                value(item.clone(), field, bad),
                &[&format!("is {shown}, expected")],
            ));
        }
    }
    for literal in ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"] {
        // The number is read in the e400 cases, so serde names where it is.
        let text: &[&str] = if literal.contains("e400") {
            &["unit_cost"]
        } else {
            &[]
        };
        rows.push(row(
            format!("JSON cannot carry {literal}"),
            t(move |base| {
                let cut =
                    base.replacen("\"unit_cost\": 30", &format!("\"unit_cost\": {literal}"), 1);
                assert_ne!(cut, base, "the base has a unit_cost of 30");
                cut
            }),
            Want::Json(vec![], Some(13)),
            text,
        ));
    }
    rows
}

/// Numbers outside the ranges the model needs.
fn ranges() -> Vec<Row> {
    let profile = |women| Profile::default().with("women", women);
    vec![
        row(
            "rate above one",
            s(|s| s.segments[0].risk[0].rate = 1.5),
            value(segment("town.young"), "risk[0].rate", 1.5),
            &["[0, 1)"],
        ),
        row(
            "rate one: a yearly victimisation rate is below 1",
            s(|s| s.segments[0].risk[0].rate = 1.0),
            value(segment("town.young"), "risk[0].rate", 1.0),
            &["is 1, expected a number in [0, 1)"],
        ),
        row(
            "depth zero",
            s(|s| s.channels[0].depth = 0.0),
            value(channel("douyin"), "depth", 0.0),
            &["(0, 1]"],
        ),
        row(
            "depth above one",
            s(|s| s.channels[1].depth = 1.5),
            value(channel("radio"), "depth", 1.5),
            &[],
        ),
        row(
            "ceiling one",
            s(|s| s.response.ceiling = 1.0),
            value(response(), "ceiling", 1.0),
            &["[0, 1)"],
        ),
        row(
            "override ceiling one",
            s(|s| s.response.overrides[0].ceiling = Some(1.0)),
            value(Item::at("response override", 0), "ceiling", 1.0),
            &[],
        ),
        row(
            "scale zero",
            s(|s| s.response.scale = 0.0),
            value(response(), "scale", 0.0),
            &["> 0"],
        ),
        row(
            "override scale zero",
            s(|s| s.response.overrides[0].scale = Some(0.0)),
            value(Item::at("response override", 0), "scale", 0.0),
            &[],
        ),
        row(
            "relevance above one",
            s(|s| s.messages[0].threats[0].relevance = 1.2),
            value(message("brushing.comic"), "threats[0].relevance", 1.2),
            &[],
        ),
        row(
            "appeal negative",
            s(|s| s.messages[1].appeal[0].value = -0.1),
            value(message("health.radio"), "appeal[0].value", -0.1),
            &[],
        ),
        row(
            "min_reduction zero",
            s(|s| s.floors[0].min_reduction = 0.0),
            value(Item::at("floor", 0), "min_reduction", 0.0),
            &["(0, 1)"],
        ),
        row(
            "min_reduction one",
            s(|s| s.floors[0].min_reduction = 1.0),
            value(Item::at("floor", 0), "min_reduction", 1.0),
            &[],
        ),
        row(
            "profile share above one",
            s(move |s| s.segments[1].profile = Some(profile(1.1))),
            value(segment("village.elderly"), "profile.women", 1.1),
            &[],
        ),
    ]
}

fn formats_and_floors() -> Vec<Row> {
    vec![
        row(
            "message format no placement carries",
            s(|s| s.messages[0].format = "poster".into()),
            invalid(message("brushing.comic"), "format"),
            &["poster", "carried by no placement"],
        ),
        row(
            // The override gives elderly/health a ceiling of 0.5.
            "floor above the ceiling is unreachable",
            s(|s| s.floors[0].min_reduction = 0.6),
            Want::Unreachable("village.elderly", "health", 0.6, (1e-9, 0.5)),
            &[],
        ),
        row(
            // One radio spot: 0.5 exposures x depth 0.15 = 0.075 absorbed; the response
            // (ceiling 0.5, scale 3) gives 0.5 (1 - exp(-0.025)) ~ 0.0123 < 0.05.
            "floor below the ceiling unreachable for a tiny capacity",
            s(|s| s.channels[1].placements[0].capacity = 1),
            {
                let r = 0.5 * (1.0 - (-0.075f64 / 3.0).exp());
                Want::Unreachable("village.elderly", "health", 0.05, (r - 1e-9, r + 1e-9))
            },
            &[],
        ),
        row(
            "floor on a segment no message appeals to is unreachable",
            s(|s| s.messages[1].appeal[0].value = 0.0),
            Want::Unreachable("village.elderly", "health", 0.05, (0.0, 0.0)),
            &[],
        ),
    ]
}

/// Removes `key` from the object at `v`.
fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().expect("an object").remove(key);
}

/// The document: missing fields, wrong types, unknown fields, broken text.
fn documents() -> Vec<Row> {
    vec![
        row(
            "missing placement unit_cost",
            j(|v| remove(&mut v["channels"][0]["placements"][0], "unit_cost")),
            json_at(&[
                "channels[0]",
                "\"douyin\"",
                "placements[0]",
                "\"douyin.young\"",
            ]),
            &["missing field `unit_cost`"],
        ),
        row(
            "missing segment population",
            j(|v| remove(&mut v["segments"][1], "population")),
            json_at(&["segments[1]", "\"village.elderly\""]),
            &["missing field `population`"],
        ),
        row(
            "missing risk rate",
            j(|v| remove(&mut v["segments"][0]["risk"][0], "rate")),
            json_at(&["segments[0]", "\"town.young\"", "risk[0]", "\"brushing\""]),
            &["missing field `rate`"],
        ),
        row(
            "missing floor min_reduction",
            j(|v| remove(&mut v["floors"][0], "min_reduction")),
            json_at(&["floors[0]"]),
            &["missing field `min_reduction`"],
        ),
        row(
            "missing top-level response",
            j(|v| remove(v, "response")),
            json_at(&[]),
            &["missing field `response`"],
        ),
        row(
            "wrong type: rate a string",
            j(|v| v["segments"][0]["risk"][0]["rate"] = json!("high")),
            json_at(&["\"town.young\"", "risk[0]", "> rate"]),
            &["invalid type", "\"high\""],
        ),
        row(
            "wrong type: negative population",
            j(|v| v["segments"][1]["population"] = json!(-2000)),
            json_at(&["\"village.elderly\"", "> population"]),
            &["-2000"],
        ),
        row(
            "wrong type: fractional capacity",
            j(|v| v["channels"][1]["placements"][0]["capacity"] = json!(2.5)),
            json_at(&["\"radio\"", "\"radio.morning\"", "capacity"]),
            &["invalid type"],
        ),
        row(
            "wrong type: formats not a list",
            j(|v| v["channels"][1]["placements"][0]["formats"] = json!("audio")),
            json_at(&["\"radio.morning\"", "formats"]),
            &["invalid type", "sequence"],
        ),
        row(
            "wrong type: threat id a number",
            j(|v| v["messages"][0]["threats"][0]["threat"] = json!(7)),
            json_at(&["messages[0]", "\"brushing.comic\"", "threats[0]", "threat"]),
            &["invalid type"],
        ),
        row(
            "unknown field in a placement",
            j(|v| {
                let p = v["channels"][0]["placements"][0]
                    .as_object_mut()
                    .expect("object");
                let cost = p.remove("setup_cost").expect("base has a setup_cost");
                p.insert("setup_cots".into(), cost);
            }),
            json_at(&["\"douyin.young\"", "setup_cots"]),
            &["unknown field `setup_cots`"],
        ),
        row(
            "unknown top-level field",
            j(|v| v["budget"] = json!(1000)),
            json_at(&["budget"]),
            &["unknown field `budget`"],
        ),
        row(
            "unknown field in a floor",
            j(|v| v["floors"][0]["min_reductoin"] = json!(0.1)),
            json_at(&["floors[0]", "min_reductoin"]),
            &["unknown field `min_reductoin`"],
        ),
        row(
            "empty document",
            t(|_| String::new()),
            json_at(&[]),
            &["EOF"],
        ),
        row(
            "trailing characters after the document",
            t(|base| format!("{base} }}")),
            json_at(&[]),
            &["trailing characters"],
        ),
        row(
            // Serde derives accept a struct as a sequence of its fields in order; the file
            // format is objects.
            "top-level array is not a scenario",
            t(|_| top_level_array().to_string()),
            json_at(&[]),
            &["expected struct Scenario"],
        ),
        row(
            // Neither the path nor the message quotes a huge id or string whole.
            "wrong type: a 100,000-character string for a rate, in an item with a huge id",
            j(|v| {
                v["segments"][0]["id"] = json!("y".repeat(100_000));
                v["segments"][0]["risk"][0]["rate"] = json!("x".repeat(100_000));
            }),
            json_at(&["segments[0] \"yyyy", "(100000 characters)", "> rate"]),
            &["invalid type: string \"xxxx", "characters)"],
        ),
        row(
            "top-level wrong type says what was expected",
            t(|_| "\"a scenario\"".to_string()),
            json_at(&[]),
            &["invalid type", "Scenario"],
        ),
    ]
}

/// The base's fields as a JSON array, in declaration order.
fn top_level_array() -> Value {
    let v = base_value();
    let fields = [
        "name",
        "currency",
        "description",
        "threats",
        "segments",
        "channels",
        "messages",
        "response",
        "resources",
        "departments",
        "floors",
    ];
    fields
        .iter()
        .map(|f| match *f {
            "currency" => json!("CNY"),
            "description" => Value::Null,
            f => v[f].clone(),
        })
        .collect()
}

fn empty_lists_and_selectors() -> Vec<Row> {
    let scenario = || Item::new("scenario", "Base town");
    vec![
        row(
            "empty threats",
            s(|s| s.threats.clear()),
            invalid(scenario(), "threats"),
            &["at least one threat"],
        ),
        row(
            "empty segments",
            s(|s| s.segments.clear()),
            invalid(scenario(), "segments"),
            &["at least one segment"],
        ),
        row(
            "empty threats in JSON too",
            j(|v| v["threats"] = json!([])),
            invalid(scenario(), "threats"),
            &["at least one"],
        ),
        row(
            "selector that selects no segment",
            s(|s| {
                s.floors = vec![Floor {
                    segment: Some("town.young".into()),
                    region: Some("village".into()),
                    group: None,
                    threat: None,
                    min_reduction: 0.01,
                    source: None,
                }]
            }),
            invalid(Item::at("floor", 0), "segment/region/group"),
            &["selects no segment"],
        ),
        row(
            "override that sets nothing",
            s(|s| {
                s.response.overrides = vec![ResponseOverride {
                    segment: None,
                    region: None,
                    group: Some("young".into()),
                    threat: None,
                    ceiling: None,
                    scale: None,
                    source: None,
                }]
            }),
            invalid(Item::at("response override", 0), "ceiling/scale"),
            &["sets neither"],
        ),
    ]
}

// --- hardening: ids, tiny and huge numbers ---

/// Ids and names that are empty, blank, hold control characters or are too long.
fn malformed_ids() -> Vec<Row> {
    let long = || "x".repeat(100_000);
    vec![
        row(
            "empty threat id",
            s(|s| s.threats[0].id = String::new()),
            invalid(Item::at("threat", 0), "id"),
            &["threat #0: field `id` is empty"],
        ),
        row(
            "whitespace-only segment id",
            s(|s| s.segments[1].id = " \u{3000} ".into()),
            invalid(Item::at("segment", 1), "id"),
            &["only whitespace"],
        ),
        row(
            "NUL in a channel id",
            s(|s| s.channels[1].id = "rad\0io".into()),
            invalid(Item::at("channel", 1), "id"),
            &["control character U+0000 at character 3"],
        ),
        row(
            "NUL in a threat id, from JSON",
            j(|v| v["threats"][1]["id"] = json!("hea\u{0}lth")),
            invalid(Item::at("threat", 1), "id"),
            &["U+0000"],
        ),
        row(
            "newline in a message id",
            s(|s| s.messages[1].id = "health\nradio".into()),
            invalid(Item::at("message", 1), "id"),
            &["U+000A"],
        ),
        row(
            "DEL in a department id",
            s(|s| s.departments[0].id = "police\u{7f}".into()),
            invalid(Item::at("department", 0), "id"),
            &["U+007F"],
        ),
        row(
            "100,000-character placement id",
            s(move |s| s.channels[0].placements[0].id = long()),
            invalid(channel("douyin"), "placements[0].id"),
            &["100000 characters long; at most 256"],
        ),
        row(
            "257-character segment id",
            s(|s| s.segments[0].id = "y".repeat(257)),
            invalid(Item::at("segment", 0), "id"),
            &["257 characters"],
        ),
        row(
            "empty region",
            s(|s| s.segments[0].region = String::new()),
            invalid(segment("town.young"), "region"),
            &["is empty"],
        ),
        row(
            "tab in a group",
            s(|s| s.segments[1].group = "eld\terly".into()),
            invalid(segment("village.elderly"), "group"),
            &["U+0009"],
        ),
        row(
            "empty format of a placement",
            s(|s| s.channels[1].placements[0].formats[0] = String::new()),
            invalid(placement("radio.morning"), "formats[0]"),
            &["is empty"],
        ),
        row(
            "control character in a message format",
            s(|s| s.messages[1].format = "au\u{1b}dio".into()),
            invalid(message("health.radio"), "format"),
            &["U+001B"],
        ),
        row(
            "100,000-character threat reference",
            s(move |s| s.segments[0].risk[0].threat = long()),
            invalid(segment("town.young"), "risk[0].threat"),
            &["100000 characters"],
        ),
        row(
            "NUL in a selector region",
            s(|s| s.channels[1].placements[0].audience[0].region = Some("vil\0lage".into())),
            invalid(placement("radio.morning"), "audience[0].region"),
            &["U+0000"],
        ),
        row(
            "empty owner reference",
            s(|s| s.channels[1].owner = Some(String::new())),
            invalid(channel("radio"), "owner"),
            &["is empty"],
        ),
    ]
}

/// Subnormal and other tiny positive coefficients: each is 0 or at least 1e-9, the scale at
/// least 1e-12. The messages print them compactly.
fn tiny_values() -> Vec<Row> {
    let tiny = 1e-320;
    vec![
        row(
            "subnormal rate",
            s(move |s| s.segments[0].risk[0].rate = tiny),
            value(segment("town.young"), "risk[0].rate", tiny),
            &["is 1e-320, expected", "at least 1e-9"],
        ),
        row(
            "subnormal depth",
            s(move |s| s.channels[0].depth = tiny),
            value(channel("douyin"), "depth", tiny),
            &["is 1e-320, expected a number in (0, 1], at least 1e-9"],
        ),
        row(
            "depth just below the minimum",
            s(|s| s.channels[0].depth = 9.9e-10),
            value(channel("douyin"), "depth", 9.9e-10),
            &["9.9e-10"],
        ),
        row(
            "subnormal relevance",
            s(move |s| s.messages[0].threats[0].relevance = tiny),
            value(message("brushing.comic"), "threats[0].relevance", tiny),
            &["at least 1e-9"],
        ),
        row(
            "subnormal appeal",
            s(move |s| s.messages[1].appeal[0].value = tiny),
            value(message("health.radio"), "appeal[0].value", tiny),
            &["at least 1e-9"],
        ),
        row(
            "subnormal per_unit",
            s(move |s| s.channels[0].placements[0].audience[0].per_unit = tiny),
            value(placement("douyin.young"), "audience[0].per_unit", tiny),
            &["at least 1e-9"],
        ),
        row(
            "subnormal ceiling",
            s(move |s| s.response.ceiling = tiny),
            value(response(), "ceiling", tiny),
            &["at least 1e-9"],
        ),
        row(
            "subnormal override ceiling",
            s(move |s| s.response.overrides[0].ceiling = Some(tiny)),
            value(Item::at("response override", 0), "ceiling", tiny),
            &[],
        ),
        row(
            "subnormal min_reduction",
            s(move |s| s.floors[0].min_reduction = tiny),
            value(Item::at("floor", 0), "min_reduction", tiny),
            &["at least 1e-9"],
        ),
        row(
            "scale 5e-324",
            s(|s| s.response.scale = 5e-324),
            value(response(), "scale", 5e-324),
            &["is 5e-324, expected a number > 0 in [1e-12, 1e9]"],
        ),
        row(
            "override scale 5e-324, from JSON",
            j(|v| v["response"]["overrides"][0]["scale"] = json!(5e-324)),
            value(Item::at("response override", 0), "scale", 5e-324),
            &["5e-324"],
        ),
        row(
            "scale just below the minimum",
            s(|s| s.response.scale = 9e-13),
            value(response(), "scale", 9e-13),
            &[],
        ),
    ]
}

/// Absurd magnitudes, each finite alone: every one is bounded, and the message prints it
/// compactly (1e308 is not 309 digits).
fn huge_values() -> Vec<Row> {
    /// A row for `value` at `field` of `item`, set by `set`, whose message shows `shown`.
    fn huge(
        name: &str,
        item: Item,
        field: &str,
        v: f64,
        shown: &str,
        set: fn(&mut Scenario, f64),
    ) -> Row {
        row(name, s(move |s| set(s, v)), value(item, field, v), &[shown])
    }
    let mut rows = vec![
        huge(
            "loss 1e308",
            segment("town.young"),
            "risk[0].loss",
            1e308,
            "is 1e308, expected a finite number in [0, 1e12]",
            |s, v| s.segments[0].risk[0].loss = v,
        ),
        huge(
            "loss just above 1e12",
            segment("town.young"),
            "risk[0].loss",
            1.000001e12,
            "1.000001e12",
            |s, v| s.segments[0].risk[0].loss = v,
        ),
        huge(
            "per_unit 2^70",
            placement("douyin.young"),
            "audience[0].per_unit",
            2f64.powi(70),
            "is 1.1805916207174113e21, expected a number in [0, 1e6]",
            |s, v| s.channels[0].placements[0].audience[0].per_unit = v,
        ),
        huge(
            "per_unit 1e200",
            placement("douyin.young"),
            "audience[0].per_unit",
            1e200,
            "1e200",
            |s, v| s.channels[0].placements[0].audience[0].per_unit = v,
        ),
        huge(
            "unit_cost 1e16",
            placement("douyin.young"),
            "unit_cost",
            1e16,
            "is 1e16, expected a finite number in [0, 1e15]",
            |s, v| s.channels[0].placements[0].unit_cost = v,
        ),
        huge(
            "setup_cost 1e300",
            placement("radio.morning"),
            "setup_cost",
            1e300,
            "1e300",
            |s, v| s.channels[1].placements[0].setup_cost = v,
        ),
        huge(
            "staff hours per unit 2e15",
            placement("radio.morning"),
            "staff_hours",
            2e15,
            "2e15",
            |s, v| s.channels[1].placements[0].staff_hours = v,
        ),
        huge(
            "production_cost 1e100",
            message("health.radio"),
            "production_cost",
            1e100,
            "1e100",
            |s, v| s.messages[1].production_cost = v,
        ),
        huge("money 1e16", resources(), "money", 1e16, "1e16", |s, v| {
            s.resources.money = Some(v)
        }),
        huge(
            "staff hours 1e300",
            resources(),
            "staff_hours",
            1e300,
            "1e300",
            |s, v| s.resources.staff_hours = Some(v),
        ),
        huge(
            "department money 1e16",
            Item::new("department", "police"),
            "money",
            1e16,
            "1e16",
            |s, v| s.departments[0].money = Some(v),
        ),
        huge("scale 1e10", response(), "scale", 1e10, "1e10", |s, v| {
            s.response.scale = v
        }),
    ];
    rows.extend([
        row(
            "population 2e10",
            s(|s| s.segments[1].population = 20_000_000_000),
            value(segment("village.elderly"), "population", 2e10),
            &["is 2e10, expected a number of people at most 1e10"],
        ),
        row(
            "population u64::MAX",
            s(|s| s.segments[1].population = u64::MAX),
            value(segment("village.elderly"), "population", u64::MAX as f64),
            &["1.8446744073709552e19"],
        ),
        row(
            "capacity 1e13",
            s(|s| s.channels[1].placements[0].capacity = 10_000_000_000_000),
            value(placement("radio.morning"), "capacity", 1e13),
            &["is 1e13, expected a number of units at most 1e12"],
        ),
        row(
            "capacity u64::MAX, from JSON",
            j(|v| v["channels"][1]["placements"][0]["capacity"] = json!(u64::MAX)),
            value(placement("radio.morning"), "capacity", u64::MAX as f64),
            &[],
        ),
    ]);
    rows
}

// --- what must still compile ---

fn good_rows() -> Vec<(&'static str, Break)> {
    vec![
        ("the base", s(|_| {})),
        (
            "boundary values",
            s(|s| {
                s.segments[0].risk[0].rate = 1.0 - f64::EPSILON;
                s.segments[1].risk[0].rate = 0.0;
                s.segments[0].risk[0].loss = 0.0;
                s.channels[0].depth = 1.0;
                s.channels[0].placements[0].unit_cost = 0.0;
                s.channels[0].placements[0].audience[0].per_unit = 0.0;
                s.messages[0].threats[0].relevance = 0.0;
                s.messages[1].threats[0].relevance = 1.0;
                s.messages[0].appeal[0].value = 0.0;
                s.messages[1].appeal[0].value = 1.0;
                s.response.ceiling = 0.0;
                s.resources.money = Some(0.0);
                s.resources.staff_hours = Some(0.0);
                s.departments[0].money = Some(0.0);
            }),
        ),
        (
            "the least positive coefficients",
            s(|s| {
                s.segments[0].risk[0].rate = 1e-9;
                s.channels[0].depth = 1e-9;
                s.channels[0].placements[0].audience[0].per_unit = 1e-9;
                s.messages[0].threats[0].relevance = 1e-9;
                s.messages[0].appeal[0].value = 1e-9;
                s.response.ceiling = 1e-9;
                s.response.scale = 1e-12;
                s.floors[0].min_reduction = 1e-9;
            }),
        ),
        (
            "the greatest magnitudes, all at once",
            s(|s| {
                for seg in &mut s.segments {
                    seg.population = 10_000_000_000;
                    seg.risk[0].loss = 1e12;
                    seg.risk[0].rate = 0.999;
                }
                for p in s.channels.iter_mut().flat_map(|c| &mut c.placements) {
                    p.unit_cost = 1e15;
                    p.setup_cost = 1e15;
                    p.staff_hours = 1e15;
                    p.capacity = 1_000_000_000_000;
                    p.audience[0].per_unit = 1e6;
                }
                for m in &mut s.messages {
                    m.production_cost = 1e15;
                }
                s.resources.money = Some(1e15);
                s.resources.staff_hours = Some(1e15);
                s.departments[0].money = Some(1e15);
            }),
        ),
        (
            "the greatest scale, without the floor it makes unreachable",
            s(|s| {
                s.response.scale = 1e9;
                s.floors.clear();
            }),
        ),
        (
            // Capacity 20: 20 x 0.075 = 1.5 absorbed -> 0.5 (1 - exp(-0.5)) ~ 0.197 >= 0.05.
            "a floor reachable with exactly enough capacity",
            s(|s| s.channels[1].placements[0].capacity = 20),
        ),
        (
            "256-character and non-ASCII ids and names",
            s(|s| {
                s.channels[1].id = "电".repeat(256);
                s.segments[0].region = "r".repeat(256);
                s.segments[1].id = "句容.老年".into();
                s.messages[1].appeal[0].segment = Some("句容.老年".into());
            }),
        ),
        ("a byte-order mark", t(|base| format!("\u{feff}{base}"))),
    ]
}

// --- tests that are not one row ---

#[test]
fn base_scenario_compiles_with_its_floor() {
    let problem = base().compile().expect("the base scenario is valid");
    assert_eq!(problem.segment_count(), 2);
    assert_eq!(problem.threat_count(), 2);
    assert_eq!(problem.placements().len(), 2);
    assert_eq!(problem.arms().len(), 2);
    assert_eq!(problem.floors().len(), 1);
    assert_eq!(problem.departments().len(), 2);
}

#[test]
fn base_value_reads_back_equal() {
    let s = Scenario::from_json(&base_value().to_string()).expect("valid");
    assert_eq!(s, base());
    assert_eq!(Scenario::from_json(&s.to_json()).expect("round trip"), s);
    let bom = format!("\u{feff}{BASE}");
    assert_eq!(
        Scenario::from_json(&bom).expect("a byte-order mark"),
        base()
    );
}

#[test]
fn truncated_json_anywhere_is_a_json_error_at_the_end() {
    // Cut the document at many points, including inside strings and numbers.
    let cuts: Vec<usize> = (1..BASE.len())
        .step_by(37)
        .chain([BASE.len() - 2])
        .collect();
    for cut in cuts {
        if !BASE.is_char_boundary(cut) {
            continue;
        }
        let text = &BASE[..cut];
        let err = Scenario::from_json(text).expect_err("a truncated document");
        let Error::Json {
            line,
            column,
            message,
            ..
        } = &err
        else {
            panic!("cut at {cut}: expected Json, got {err:?}")
        };
        assert!(message.contains("EOF"), "cut at {cut}: {err}");
        // EOF is reported at the end of the text.
        let last_line = text.split('\n').count();
        assert_eq!(*line, last_line, "cut at {cut}: {err}");
        let last_len = text.rsplit('\n').next().map_or(0, |l| l.chars().count());
        assert!(*column <= last_len.max(1), "cut at {cut}: {err}");
        assert!(err.to_string().contains(&format!("line {line}")), "{err}");
    }
}

/// Reading an endless file stops at the size limit (64 MiB) instead of filling memory.
#[cfg(unix)]
#[test]
fn an_endless_file_is_refused_at_the_size_limit() {
    let path = std::path::Path::new("/dev/zero");
    if !path.exists() {
        return;
    }
    let err = Scenario::from_path(path).expect_err("/dev/zero is not a scenario");
    let Error::Io { source, .. } = &err else {
        panic!("expected Io, got {err:?}")
    };
    assert_eq!(source.kind(), std::io::ErrorKind::FileTooLarge, "{err}");
    let text = err.to_string();
    for part in [
        "/dev/zero",
        "larger than 64 MiB, the limit for a scenario file",
    ] {
        assert!(text.contains(part), "{text}");
    }
}

/// 100,000 segments, each in its own region, with a rule per region or segment in every kind
/// of selector. A quadratic compile (a linear search per region, a scan of every segment per
/// rule) took about a minute for this in a debug build; the linear one takes well under a
/// second. The limit is generous so that a slow machine never fails it, and a quadratic
/// version always does.
#[test]
fn compiling_100k_segments_in_distinct_regions_is_fast() {
    let n = 100_000;
    let scenario = distinct_regions(n);
    let start = std::time::Instant::now();
    let problem = scenario.compile().expect("the scenario is valid");
    let took = start.elapsed();
    assert_eq!(problem.segment_count(), n);
    assert_eq!(problem.regions().len(), n);
    assert_eq!(problem.arms().len(), 1);
    assert_eq!(problem.arms()[0].cells.len(), n);
    assert_eq!(problem.floors().len(), n / 100);
    // Every tenth region's override (ceiling 0.5) and every region's own audience (0.2) won.
    assert_eq!(
        problem.cell(SegmentId::new(10), ThreatId::new(0)).ceiling,
        0.5
    );
    assert_eq!(
        problem.cell(SegmentId::new(11), ThreatId::new(0)).ceiling,
        0.4
    );
    assert!(
        problem.parameters().placements[0]
            .audience
            .iter()
            .all(|&g| g == 0.2)
    );
    assert!(
        took < std::time::Duration::from_secs(15),
        "compiling {n} segments took {took:?}"
    );
}

fn distinct_regions(n: usize) -> Scenario {
    let mut s = base();
    let region = |i: usize| format!("r{i}");
    s.segments = (0..n)
        .map(|i| Segment {
            id: format!("r{i}.g{}", i % 3),
            region: region(i),
            group: format!("g{}", i % 3),
            population: 1000,
            profile: None,
            source: None,
            risk: vec![Risk {
                threat: "brushing".into(),
                rate: 0.001,
                loss: 1000.0,
                source: None,
            }],
        })
        .collect();
    s.channels.truncate(1);
    s.channels[0].owner = None;
    let p = &mut s.channels[0].placements[0];
    p.capacity = 1000;
    p.audience = std::iter::once(None)
        .chain((0..n).map(|i| Some(region(i))))
        .map(|region| Audience {
            segment: None,
            per_unit: if region.is_some() { 0.2 } else { 0.1 },
            region,
            group: None,
            source: None,
        })
        .collect();
    s.messages.truncate(1);
    s.messages[0].owner = None;
    s.messages[0].appeal = (0..n)
        .map(|i| fanzha::model::Appeal {
            segment: Some(format!("r{i}.g{}", i % 3)),
            region: None,
            group: None,
            value: 1.0,
        })
        .collect();
    s.response.overrides = (0..n)
        .step_by(10)
        .map(|i| ResponseOverride {
            segment: None,
            region: Some(region(i)),
            group: Some(format!("g{}", i % 3)),
            threat: None,
            ceiling: Some(0.5),
            scale: None,
            source: None,
        })
        .collect();
    s.floors = (0..n)
        .step_by(100)
        .map(|i| Floor {
            segment: None,
            region: Some(region(i)),
            group: None,
            threat: Some("brushing".into()),
            min_reduction: 0.05,
            source: None,
        })
        .collect();
    s.departments.clear();
    s
}
