//! One test per validation rule of `Scenario::from_json` and `Scenario::compile`
//! (DESIGN.md "Validation"): every bad input gives the right `Error` variant, and its Display
//! text names the offending item (by id, or `#index` for items without one) and the field.
//!
//! Each test starts from a small valid scenario (`tests/data/base_scenario.json`) and breaks
//! one thing: as a `Scenario` struct where the rule is about values (NaN and infinity cannot be
//! written in JSON), as a JSON value where the rule is about the document.

use fanzha::error::Item;
use fanzha::{Error, Scenario};
use serde_json::{Value, json};

/// A small valid scenario: two threats, two segments in two regions and groups, two channels
/// with one placement each (owned by two departments), two messages, a response override and a
/// reachable floor.
const BASE: &str = include_str!("data/base_scenario.json");

fn base() -> Scenario {
    Scenario::from_json(BASE).expect("the base scenario is valid JSON")
}

fn base_value() -> Value {
    serde_json::from_str(BASE).expect("the base scenario is valid JSON")
}

/// Reads a scenario from a JSON value, expecting a JSON error.
fn json_err(v: &Value) -> Error {
    match Scenario::from_json(&v.to_string()) {
        Ok(_) => panic!("expected a JSON error for\n{v:#}"),
        Err(e) => e,
    }
}

/// Compiles a scenario, expecting an error.
fn compile_err(s: &Scenario) -> Error {
    match s.compile() {
        Ok(_) => panic!("expected a compile error for\n{}", s.to_json()),
        Err(e) => e,
    }
}

/// Asserts `err` is `UnknownId` with these item, field, kind and id, and that its Display text
/// names the item id, the field and the unknown id.
#[track_caller]
fn assert_unknown(err: &Error, item: Item, field: &str, kind: &str, id: &str) {
    match err {
        Error::UnknownId {
            item: i,
            field: f,
            kind: k,
            id: x,
        } => {
            assert_eq!(*i, item, "{err}");
            assert_eq!(f, field, "{err}");
            assert_eq!(*k, kind, "{err}");
            assert_eq!(x, id, "{err}");
        }
        other => panic!("expected UnknownId, got {other:?}"),
    }
    assert_display_names(err, &item.id, field);
    assert!(err.to_string().contains(&format!("{id:?}")), "{err}");
}

/// Asserts `err` is `InvalidValue` for this item and field, and that its Display text names both.
#[track_caller]
fn assert_invalid_value(err: &Error, item: Item, field: &str) -> f64 {
    let value = match err {
        Error::InvalidValue {
            item: i,
            field: f,
            value,
            ..
        } => {
            assert_eq!(*i, item, "{err}");
            assert_eq!(f, field, "{err}");
            *value
        }
        other => panic!("expected InvalidValue, got {other:?}"),
    };
    assert_display_names(err, &item.id, field);
    value
}

/// Asserts `err` is `Invalid` for this item and field, and that its Display text names both.
#[track_caller]
fn assert_invalid(err: &Error, item: Item, field: &str) -> String {
    let problem = match err {
        Error::Invalid {
            item: i,
            field: f,
            problem,
        } => {
            assert_eq!(*i, item, "{err}");
            assert_eq!(f, field, "{err}");
            problem.clone()
        }
        other => panic!("expected Invalid, got {other:?}"),
    };
    assert_display_names(err, &item.id, field);
    problem
}

#[track_caller]
fn assert_duplicate(err: &Error, kind: &str, id: &str) {
    match err {
        Error::DuplicateId {
            kind: k,
            id: x,
            field,
            first,
        } => {
            assert_eq!(*k, kind, "{err}");
            assert_eq!(x, id, "{err}");
            // Both uses are named by their path, ending in the `id` field.
            assert!(field.ends_with("].id"), "{err}");
            assert!(first.ends_with("].id"), "{err}");
            assert_ne!(field, first, "{err}");
        }
        other => panic!("expected DuplicateId, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains(kind), "{text}");
    assert!(text.contains("].id"), "{text}");
    assert!(text.contains(&format!("{id:?}")), "{text}");
}

/// Asserts the Display text names the item id and the field.
#[track_caller]
fn assert_display_names(err: &Error, id: &str, field: &str) {
    let text = err.to_string();
    assert!(
        text.contains(id),
        "Display does not name item {id:?}: {text}"
    );
    assert!(
        text.contains(field),
        "Display does not name field {field:?}: {text}"
    );
}

/// Asserts `err` is a JSON error whose path contains each of `path_parts` and whose Display text
/// contains each of `text_parts`; returns (path, message, line, column).
#[track_caller]
fn assert_json(err: &Error, path_parts: &[&str], text_parts: &[&str]) -> (String, usize, usize) {
    let (path, line, column) = match err {
        Error::Json {
            path, line, column, ..
        } => (path.clone(), *line, *column),
        other => panic!("expected Json, got {other:?}"),
    };
    let text = err.to_string();
    for p in path_parts {
        assert!(path.contains(p), "path {path:?} lacks {p:?}; {text}");
        assert!(text.contains(p), "Display lacks {p:?}: {text}");
    }
    for t in text_parts {
        assert!(text.contains(t), "Display lacks {t:?}: {text}");
    }
    // serde_json counts columns from 1, but reports column 0 for an EOF at a line start.
    assert!(line >= 1, "line {line} column {column}: {text}");
    (path, line, column)
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

// --- the base itself ---

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
}

#[test]
fn boundary_values_are_accepted() {
    let mut s = base();
    s.segments[0].risk[0].rate = 1.0;
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
    s.compile().expect("boundary values are in range");
}

// --- unknown ids ---

#[test]
fn unknown_threat_in_risk_entry() {
    let mut s = base();
    s.segments[1].risk[0].threat = "phishing".into();
    let err = compile_err(&s);
    assert_unknown(
        &err,
        segment("village.elderly"),
        "risk[0].threat",
        "threat",
        "phishing",
    );
}

#[test]
fn unknown_threat_in_message_relevance() {
    let mut s = base();
    s.messages[0].threats[0].threat = "phishing".into();
    let err = compile_err(&s);
    assert_unknown(
        &err,
        message("brushing.comic"),
        "threats[0].threat",
        "threat",
        "phishing",
    );
}

#[test]
fn unknown_threat_in_response_override() {
    let mut s = base();
    s.response.overrides[0].threat = Some("phishing".into());
    let err = compile_err(&s);
    assert_unknown(
        &err,
        Item::at("response override", 0),
        "threat",
        "threat",
        "phishing",
    );
}

#[test]
fn unknown_threat_in_floor() {
    let mut s = base();
    s.floors[0].threat = Some("phishing".into());
    let err = compile_err(&s);
    assert_unknown(&err, Item::at("floor", 0), "threat", "threat", "phishing");
}

#[test]
fn unknown_owner_department_of_channel() {
    let mut s = base();
    s.channels[1].owner = Some("finance".into());
    let err = compile_err(&s);
    assert_unknown(
        &err,
        Item::new("channel", "radio"),
        "owner",
        "department",
        "finance",
    );
}

#[test]
fn unknown_owner_department_of_message() {
    let mut s = base();
    s.messages[1].owner = Some("finance".into());
    let err = compile_err(&s);
    assert_unknown(
        &err,
        message("health.radio"),
        "owner",
        "department",
        "finance",
    );
}

/// Where a selector lives.
#[derive(Clone, Copy, Debug)]
enum Site {
    Audience,
    Appeal,
    Override,
    Floor,
}

/// Sets selector `key` (`segment`, `region` or `group`) of the first selector at `site` to an
/// unknown name, and checks the error names the selector's owner, the key and the name.
fn unknown_selector(site: Site, key: &str) {
    let mut s = base();
    let bad = Some(format!("no_such_{key}"));
    let set =
        |seg: &mut Option<String>, reg: &mut Option<String>, grp: &mut Option<String>| match key {
            "segment" => *seg = bad.clone(),
            "region" => *reg = bad.clone(),
            "group" => *grp = bad.clone(),
            _ => unreachable!("selector keys are segment, region, group"),
        };
    let item = match site {
        Site::Audience => {
            let a = &mut s.channels[1].placements[0].audience[0];
            set(&mut a.segment, &mut a.region, &mut a.group);
            placement("radio.morning")
        }
        Site::Appeal => {
            let a = &mut s.messages[1].appeal[0];
            set(&mut a.segment, &mut a.region, &mut a.group);
            message("health.radio")
        }
        Site::Override => {
            let o = &mut s.response.overrides[0];
            set(&mut o.segment, &mut o.region, &mut o.group);
            Item::at("response override", 0)
        }
        Site::Floor => {
            let f = &mut s.floors[0];
            set(&mut f.segment, &mut f.region, &mut f.group);
            Item::at("floor", 0)
        }
    };
    let err = compile_err(&s);
    let Error::UnknownId {
        item: i,
        field,
        kind,
        id,
    } = &err
    else {
        panic!("{site:?}.{key}: expected UnknownId, got {err:?}")
    };
    assert_eq!(*i, item, "{err}");
    assert_eq!(*kind, key, "{err}");
    assert_eq!(*id, format!("no_such_{key}"), "{err}");
    assert!(
        field.ends_with(key),
        "{site:?}: field {field:?} should end with {key:?}"
    );
    match site {
        Site::Audience => assert!(field.starts_with("audience[0]"), "{field}"),
        Site::Appeal => assert!(field.starts_with("appeal[0]"), "{field}"),
        Site::Override | Site::Floor => {}
    }
    assert_display_names(&err, &item.id, field);
    assert!(err.to_string().contains(&format!("no_such_{key}")), "{err}");
}

#[test]
fn unknown_segment_in_audience() {
    unknown_selector(Site::Audience, "segment");
}

#[test]
fn unknown_region_in_audience() {
    unknown_selector(Site::Audience, "region");
}

#[test]
fn unknown_group_in_audience() {
    unknown_selector(Site::Audience, "group");
}

#[test]
fn unknown_segment_in_appeal() {
    unknown_selector(Site::Appeal, "segment");
}

#[test]
fn unknown_region_in_appeal() {
    unknown_selector(Site::Appeal, "region");
}

#[test]
fn unknown_group_in_appeal() {
    unknown_selector(Site::Appeal, "group");
}

#[test]
fn unknown_segment_in_override() {
    unknown_selector(Site::Override, "segment");
}

#[test]
fn unknown_region_in_override() {
    unknown_selector(Site::Override, "region");
}

#[test]
fn unknown_group_in_override() {
    unknown_selector(Site::Override, "group");
}

#[test]
fn unknown_segment_in_floor() {
    unknown_selector(Site::Floor, "segment");
}

#[test]
fn unknown_region_in_floor() {
    unknown_selector(Site::Floor, "region");
}

#[test]
fn unknown_group_in_floor() {
    unknown_selector(Site::Floor, "group");
}

#[test]
fn a_region_name_is_not_a_group_name() {
    // "town" is a region; as a group it must be unknown, not silently match nothing.
    let mut s = base();
    s.messages[0].appeal[0].group = Some("town".into());
    let err = compile_err(&s);
    assert_unknown(
        &err,
        message("brushing.comic"),
        "appeal[0].group",
        "group",
        "town",
    );
}

// --- duplicate ids ---

#[test]
fn duplicate_threat_id() {
    let mut s = base();
    let mut t = s.threats[1].clone();
    t.name = "Another name".into();
    s.threats.push(t);
    assert_duplicate(&compile_err(&s), "threat", "health");
}

#[test]
fn duplicate_segment_id() {
    let mut s = base();
    let mut seg = s.segments[0].clone();
    seg.region = "village".into();
    s.segments.push(seg);
    assert_duplicate(&compile_err(&s), "segment", "town.young");
}

#[test]
fn duplicate_channel_id() {
    let mut s = base();
    let mut ch = s.channels[1].clone();
    ch.placements[0].id = "radio.evening".into();
    s.channels.push(ch);
    assert_duplicate(&compile_err(&s), "channel", "radio");
}

#[test]
fn duplicate_placement_id_across_two_channels() {
    let mut s = base();
    s.channels[1].placements[0].id = "douyin.young".into();
    assert_duplicate(&compile_err(&s), "placement", "douyin.young");
}

#[test]
fn duplicate_placement_id_within_one_channel() {
    let mut s = base();
    let p = s.channels[0].placements[0].clone();
    s.channels[0].placements.push(p);
    assert_duplicate(&compile_err(&s), "placement", "douyin.young");
}

#[test]
fn duplicate_message_id() {
    let mut s = base();
    let mut m = s.messages[0].clone();
    m.format = "audio".into();
    s.messages.push(m);
    assert_duplicate(&compile_err(&s), "message", "brushing.comic");
}

#[test]
fn duplicate_department_id() {
    let mut s = base();
    let mut d = s.departments[0].clone();
    d.money = None;
    s.departments.push(d);
    assert_duplicate(&compile_err(&s), "department", "police");
}

#[test]
fn duplicate_threat_in_one_segments_risk_list() {
    let mut s = base();
    let mut r = s.segments[0].risk[0].clone();
    r.rate = 0.5;
    s.segments[0].risk.push(r);
    let problem = assert_invalid(&compile_err(&s), segment("town.young"), "risk[1].threat");
    assert!(problem.contains("brushing"), "{problem}");
}

#[test]
fn duplicate_threat_in_one_messages_relevance_list() {
    let mut s = base();
    let r = s.messages[0].threats[0].clone();
    s.messages[0].threats.push(r);
    let problem = assert_invalid(
        &compile_err(&s),
        message("brushing.comic"),
        "threats[1].threat",
    );
    assert!(problem.contains("brushing"), "{problem}");
}

// --- negative, NaN and infinite numbers ---

const BAD_NUMBERS: [f64; 4] = [-1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY];

/// For each bad number, sets it with `set` and checks the error names `item` and `field`.
#[track_caller]
fn rejects_bad_numbers(item: Item, field: &str, set: impl Fn(&mut Scenario, f64)) {
    for bad in BAD_NUMBERS {
        let mut s = base();
        set(&mut s, bad);
        let err = compile_err(&s);
        let value = assert_invalid_value(&err, item.clone(), field);
        assert!(
            value.total_cmp(&bad).is_eq(),
            "{field} = {bad}: error reports {value}"
        );
        let text = err.to_string();
        let shown = if bad.is_nan() {
            "NaN".to_string()
        } else {
            bad.to_string()
        };
        assert!(text.contains(&shown), "{field} = {bad}: {text}");
    }
}

#[test]
fn bad_unit_cost() {
    rejects_bad_numbers(placement("douyin.young"), "unit_cost", |s, v| {
        s.channels[0].placements[0].unit_cost = v;
    });
}

#[test]
fn bad_setup_cost() {
    rejects_bad_numbers(placement("radio.morning"), "setup_cost", |s, v| {
        s.channels[1].placements[0].setup_cost = v;
    });
}

#[test]
fn bad_placement_staff_hours() {
    rejects_bad_numbers(placement("radio.morning"), "staff_hours", |s, v| {
        s.channels[1].placements[0].staff_hours = v;
    });
}

#[test]
fn bad_audience_per_unit() {
    rejects_bad_numbers(placement("douyin.young"), "audience[0].per_unit", |s, v| {
        s.channels[0].placements[0].audience[0].per_unit = v;
    });
}

#[test]
fn bad_production_cost() {
    rejects_bad_numbers(message("health.radio"), "production_cost", |s, v| {
        s.messages[1].production_cost = v;
    });
}

#[test]
fn bad_loss() {
    rejects_bad_numbers(segment("village.elderly"), "risk[0].loss", |s, v| {
        s.segments[1].risk[0].loss = v;
    });
}

#[test]
fn bad_rate() {
    rejects_bad_numbers(segment("town.young"), "risk[0].rate", |s, v| {
        s.segments[0].risk[0].rate = v;
    });
}

#[test]
fn bad_resources_money() {
    rejects_bad_numbers(Item::new("resources", "resources"), "money", |s, v| {
        s.resources.money = Some(v);
    });
}

#[test]
fn bad_resources_staff_hours() {
    rejects_bad_numbers(
        Item::new("resources", "resources"),
        "staff_hours",
        |s, v| {
            s.resources.staff_hours = Some(v);
        },
    );
}

#[test]
fn bad_department_money() {
    rejects_bad_numbers(Item::new("department", "police"), "money", |s, v| {
        s.departments[0].money = Some(v);
    });
}

#[test]
fn bad_department_staff_hours() {
    rejects_bad_numbers(
        Item::new("department", "propaganda"),
        "staff_hours",
        |s, v| {
            s.departments[1].staff_hours = Some(v);
        },
    );
}

#[test]
fn json_cannot_carry_nan_or_infinity() {
    for literal in ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"] {
        let text = BASE.replacen("\"unit_cost\": 30", &format!("\"unit_cost\": {literal}"), 1);
        assert_ne!(text, BASE, "the base has a unit_cost of 30");
        let err = Scenario::from_json(&text).expect_err(literal);
        let Error::Json { line, .. } = &err else {
            panic!("{literal}: expected Json, got {err:?}")
        };
        assert_eq!(*line, 13, "{literal}: {err}");
        if literal.contains("e400") {
            // The number is read, so serde names where it is.
            assert!(err.to_string().contains("unit_cost"), "{literal}: {err}");
        }
    }
}

// --- out-of-range rates and shares ---

#[test]
fn rate_above_one() {
    let mut s = base();
    s.segments[0].risk[0].rate = 1.5;
    let err = compile_err(&s);
    assert_eq!(
        assert_invalid_value(&err, segment("town.young"), "risk[0].rate"),
        1.5
    );
    assert!(err.to_string().contains("[0, 1]"), "{err}");
}

#[test]
fn depth_zero() {
    let mut s = base();
    s.channels[0].depth = 0.0;
    let err = compile_err(&s);
    assert_eq!(
        assert_invalid_value(&err, Item::new("channel", "douyin"), "depth"),
        0.0
    );
    assert!(err.to_string().contains("(0, 1]"), "{err}");
}

#[test]
fn depth_above_one() {
    let mut s = base();
    s.channels[1].depth = 1.5;
    let err = compile_err(&s);
    assert_eq!(
        assert_invalid_value(&err, Item::new("channel", "radio"), "depth"),
        1.5
    );
}

#[test]
fn ceiling_one() {
    let mut s = base();
    s.response.ceiling = 1.0;
    let err = compile_err(&s);
    assert_eq!(
        assert_invalid_value(&err, Item::new("response", "response"), "ceiling"),
        1.0
    );
    assert!(err.to_string().contains("[0, 1)"), "{err}");
}

#[test]
fn override_ceiling_one() {
    let mut s = base();
    s.response.overrides[0].ceiling = Some(1.0);
    let err = compile_err(&s);
    assert_eq!(
        assert_invalid_value(&err, Item::at("response override", 0), "ceiling"),
        1.0
    );
}

#[test]
fn scale_zero() {
    let mut s = base();
    s.response.scale = 0.0;
    let err = compile_err(&s);
    assert_eq!(
        assert_invalid_value(&err, Item::new("response", "response"), "scale"),
        0.0
    );
    assert!(err.to_string().contains("> 0"), "{err}");
}

#[test]
fn override_scale_zero() {
    let mut s = base();
    s.response.overrides[0].scale = Some(0.0);
    let err = compile_err(&s);
    assert_eq!(
        assert_invalid_value(&err, Item::at("response override", 0), "scale"),
        0.0
    );
}

#[test]
fn relevance_above_one() {
    let mut s = base();
    s.messages[0].threats[0].relevance = 1.2;
    let err = compile_err(&s);
    assert_eq!(
        assert_invalid_value(&err, message("brushing.comic"), "threats[0].relevance"),
        1.2
    );
}

#[test]
fn appeal_negative() {
    let mut s = base();
    s.messages[1].appeal[0].value = -0.1;
    let err = compile_err(&s);
    assert_eq!(
        assert_invalid_value(&err, message("health.radio"), "appeal[0].value"),
        -0.1
    );
}

#[test]
fn min_reduction_zero() {
    let mut s = base();
    s.floors[0].min_reduction = 0.0;
    let err = compile_err(&s);
    assert_eq!(
        assert_invalid_value(&err, Item::at("floor", 0), "min_reduction"),
        0.0
    );
    assert!(err.to_string().contains("(0, 1)"), "{err}");
}

#[test]
fn min_reduction_one() {
    let mut s = base();
    s.floors[0].min_reduction = 1.0;
    let err = compile_err(&s);
    assert_eq!(
        assert_invalid_value(&err, Item::at("floor", 0), "min_reduction"),
        1.0
    );
}

#[test]
fn profile_share_above_one() {
    let mut s = base();
    s.segments[1].profile = Some(fanzha::model::Profile {
        women: Some(1.1),
        under_35: None,
        source: None,
    });
    let err = compile_err(&s);
    assert_eq!(
        assert_invalid_value(&err, segment("village.elderly"), "profile.women"),
        1.1
    );
}

// --- formats and floors ---

#[test]
fn message_format_no_placement_carries() {
    let mut s = base();
    s.messages[0].format = "poster".into();
    let problem = assert_invalid(&compile_err(&s), message("brushing.comic"), "format");
    assert!(problem.contains("poster"), "{problem}");
}

#[test]
fn floor_above_the_ceiling_is_unreachable() {
    let mut s = base();
    // The override gives elderly/health a ceiling of 0.5.
    s.floors[0].min_reduction = 0.6;
    let err = compile_err(&s);
    let Error::UnreachableFloor {
        item,
        segment,
        threat,
        required,
        reachable,
    } = &err
    else {
        panic!("expected UnreachableFloor, got {err:?}")
    };
    assert_eq!(*item, Item::at("floor", 0));
    assert_eq!(segment, "village.elderly");
    assert_eq!(threat, "health");
    assert_eq!(*required, 0.6);
    assert!(
        *reachable > 0.0 && *reachable <= 0.5,
        "reachable {reachable}"
    );
    assert_display_names(&err, "#0", "min_reduction");
    let text = err.to_string();
    assert!(
        text.contains("village.elderly") && text.contains("health"),
        "{text}"
    );
}

#[test]
fn floor_below_the_ceiling_unreachable_for_tiny_capacity() {
    let mut s = base();
    // One radio spot: 0.5 exposures x depth 0.15 = 0.075 absorbed; the response (ceiling 0.5,
    // scale 3) gives 0.5 (1 - exp(-0.025)) ~ 0.0123 < 0.05.
    s.channels[1].placements[0].capacity = 1;
    let err = compile_err(&s);
    let Error::UnreachableFloor {
        item,
        segment,
        threat,
        required,
        reachable,
    } = &err
    else {
        panic!("expected UnreachableFloor, got {err:?}")
    };
    assert_eq!(*item, Item::at("floor", 0));
    assert_eq!(segment, "village.elderly");
    assert_eq!(threat, "health");
    assert_eq!(*required, 0.05);
    let expected = 0.5 * (1.0 - (-0.075f64 / 3.0).exp());
    assert!(
        (reachable - expected).abs() < 1e-9,
        "reachable {reachable}, expected {expected}"
    );
    assert_display_names(&err, "#0", "min_reduction");
}

#[test]
fn floor_reachable_with_exactly_enough_capacity_compiles() {
    // Capacity 20: 20 x 0.075 = 1.5 absorbed -> 0.5 (1 - exp(-0.5)) ~ 0.197 >= 0.05.
    let mut s = base();
    s.channels[1].placements[0].capacity = 20;
    s.compile().expect("the floor is reachable");
}

#[test]
fn floor_on_a_segment_no_message_appeals_to_is_unreachable() {
    let mut s = base();
    s.messages[1].appeal[0].value = 0.0;
    let err = compile_err(&s);
    let Error::UnreachableFloor { reachable, .. } = &err else {
        panic!("expected UnreachableFloor, got {err:?}")
    };
    assert_eq!(*reachable, 0.0, "{err}");
}

// --- the document: missing fields, wrong types, unknown fields, truncation ---

#[test]
fn missing_placement_unit_cost() {
    let mut v = base_value();
    v["channels"][0]["placements"][0]
        .as_object_mut()
        .expect("object")
        .remove("unit_cost");
    let err = json_err(&v);
    assert_json(
        &err,
        &[
            "channels[0]",
            "\"douyin\"",
            "placements[0]",
            "\"douyin.young\"",
        ],
        &["missing field `unit_cost`"],
    );
}

#[test]
fn missing_segment_population() {
    let mut v = base_value();
    v["segments"][1]
        .as_object_mut()
        .expect("object")
        .remove("population");
    let err = json_err(&v);
    assert_json(
        &err,
        &["segments[1]", "\"village.elderly\""],
        &["missing field `population`"],
    );
}

#[test]
fn missing_risk_rate() {
    let mut v = base_value();
    v["segments"][0]["risk"][0]
        .as_object_mut()
        .expect("object")
        .remove("rate");
    let err = json_err(&v);
    assert_json(
        &err,
        &["segments[0]", "\"town.young\"", "risk[0]", "\"brushing\""],
        &["missing field `rate`"],
    );
}

#[test]
fn missing_floor_min_reduction() {
    let mut v = base_value();
    v["floors"][0]
        .as_object_mut()
        .expect("object")
        .remove("min_reduction");
    let err = json_err(&v);
    assert_json(&err, &["floors[0]"], &["missing field `min_reduction`"]);
}

#[test]
fn missing_top_level_response() {
    let mut v = base_value();
    v.as_object_mut().expect("object").remove("response");
    let err = json_err(&v);
    assert_json(&err, &[], &["missing field `response`"]);
}

#[test]
fn wrong_type_rate_string() {
    let mut v = base_value();
    v["segments"][0]["risk"][0]["rate"] = json!("high");
    let err = json_err(&v);
    let (path, _, _) = assert_json(
        &err,
        &["\"town.young\"", "risk[0]", "rate"],
        &["invalid type", "\"high\""],
    );
    assert!(path.ends_with("rate"), "{path}");
}

#[test]
fn wrong_type_negative_population() {
    let mut v = base_value();
    v["segments"][1]["population"] = json!(-2000);
    let err = json_err(&v);
    let (path, _, _) = assert_json(&err, &["\"village.elderly\"", "population"], &["-2000"]);
    assert!(path.ends_with("population"), "{path}");
}

#[test]
fn wrong_type_fractional_capacity() {
    let mut v = base_value();
    v["channels"][1]["placements"][0]["capacity"] = json!(2.5);
    let err = json_err(&v);
    assert_json(
        &err,
        &["\"radio\"", "\"radio.morning\"", "capacity"],
        &["invalid type"],
    );
}

#[test]
fn wrong_type_formats_not_a_list() {
    let mut v = base_value();
    v["channels"][1]["placements"][0]["formats"] = json!("audio");
    let err = json_err(&v);
    assert_json(
        &err,
        &["\"radio.morning\"", "formats"],
        &["invalid type", "sequence"],
    );
}

#[test]
fn wrong_type_threat_id_number() {
    let mut v = base_value();
    v["messages"][0]["threats"][0]["threat"] = json!(7);
    let err = json_err(&v);
    assert_json(
        &err,
        &["messages[0]", "\"brushing.comic\"", "threats[0]", "threat"],
        &["invalid type"],
    );
}

#[test]
fn unknown_field_in_placement() {
    let mut v = base_value();
    let p = v["channels"][0]["placements"][0]
        .as_object_mut()
        .expect("object");
    let cost = p.remove("setup_cost").expect("base has a setup_cost");
    p.insert("setup_cots".into(), cost);
    let err = json_err(&v);
    assert_json(
        &err,
        &["\"douyin.young\"", "setup_cots"],
        &["unknown field `setup_cots`"],
    );
}

#[test]
fn unknown_top_level_field() {
    let mut v = base_value();
    v["budget"] = json!(1000);
    let err = json_err(&v);
    assert_json(&err, &["budget"], &["unknown field `budget`"]);
}

#[test]
fn unknown_field_in_floor() {
    let mut v = base_value();
    v["floors"][0]["min_reductoin"] = json!(0.1);
    let err = json_err(&v);
    assert_json(
        &err,
        &["floors[0]", "min_reductoin"],
        &["unknown field `min_reductoin`"],
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

#[test]
fn empty_document() {
    let err = Scenario::from_json("").expect_err("empty");
    assert_json(&err, &[], &["EOF"]);
}

#[test]
fn trailing_characters_after_the_document() {
    let text = format!("{BASE} }}");
    let err = Scenario::from_json(&text).expect_err("trailing characters");
    assert_json(&err, &[], &["trailing characters"]);
}

#[test]
fn top_level_array_is_not_a_scenario() {
    // Serde derives accept a struct as a sequence of its fields in order, so a JSON array with
    // the fields of a Scenario in declaration order is accepted: the file format is objects.
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
    let arr: Vec<Value> = fields
        .iter()
        .map(|f| match f {
            &"currency" => json!("CNY"),
            &"description" => Value::Null,
            f => v[*f].clone(),
        })
        .collect();
    let err = Scenario::from_json(&Value::Array(arr).to_string())
        .expect_err("an array is not a scenario object");
    assert!(
        err.to_string().contains("expected struct Scenario"),
        "{err}"
    );
}

#[test]
fn top_level_wrong_type_says_what_was_expected() {
    let err = Scenario::from_json("\"a scenario\"").expect_err("a string");
    assert_json(&err, &[], &["invalid type", "Scenario"]);
}

// --- empty lists ---

#[test]
fn empty_threats() {
    let mut s = base();
    s.threats.clear();
    let problem = assert_invalid(
        &compile_err(&s),
        Item::new("scenario", "Base town"),
        "threats",
    );
    assert!(problem.contains("at least one"), "{problem}");
}

#[test]
fn empty_segments() {
    let mut s = base();
    s.segments.clear();
    let problem = assert_invalid(
        &compile_err(&s),
        Item::new("scenario", "Base town"),
        "segments",
    );
    assert!(problem.contains("at least one"), "{problem}");
}

#[test]
fn empty_threats_in_json_too() {
    let mut v = base_value();
    v["threats"] = json!([]);
    let s = Scenario::from_json(&v.to_string()).expect("an empty list is valid JSON");
    let err = compile_err(&s);
    assert_invalid(&err, Item::new("scenario", "Base town"), "threats");
}

// --- numbers that are finite alone but overflow together ---

#[test]
fn value_at_risk_overflow_is_rejected() {
    let mut s = base();
    // 1000 people x 0.002 x 1e308 yuan = 2e308: infinite in f64.
    s.segments[0].risk[0].loss = 1e308;
    let err = compile_err(&s);
    assert!(
        matches!(err, Error::InvalidValue { .. } | Error::Invalid { .. }),
        "expected a validation error, got {err:?}"
    );
    assert_display_names(&err, "town.young", "loss");
}

// --- added with the review fixes ---

#[test]
fn selector_that_selects_no_segment() {
    let mut s = base();
    let seg = s.segments[0].id.clone();
    let other_region = s
        .segments
        .iter()
        .find(|x| x.region != s.segments[0].region)
        .map(|x| x.region.clone());
    let Some(region) = other_region else {
        // The base has one region: combine a segment id with a group it is not in.
        let group = s
            .segments
            .iter()
            .find(|x| x.group != s.segments[0].group)
            .expect("base has two groups")
            .group
            .clone();
        s.floors = vec![fanzha::model::Floor {
            segment: Some(seg.clone()),
            region: None,
            group: Some(group),
            threat: None,
            min_reduction: 0.01,
            source: None,
        }];
        let err = compile_err(&s);
        assert!(matches!(err, Error::Invalid { .. }), "{err:?}");
        assert!(err.to_string().contains("selects no segment"), "{err}");
        assert!(err.to_string().contains("floor #0"), "{err}");
        return;
    };
    s.floors = vec![fanzha::model::Floor {
        segment: Some(seg),
        region: Some(region),
        group: None,
        threat: None,
        min_reduction: 0.01,
        source: None,
    }];
    let err = compile_err(&s);
    assert!(matches!(err, Error::Invalid { .. }), "{err:?}");
    assert!(err.to_string().contains("selects no segment"), "{err}");
}

#[test]
fn override_that_sets_nothing() {
    let mut s = base();
    s.response.overrides = vec![fanzha::model::ResponseOverride {
        segment: None,
        region: None,
        group: Some(s.segments[0].group.clone()),
        threat: None,
        ceiling: None,
        scale: None,
        source: None,
    }];
    let err = compile_err(&s);
    assert!(matches!(err, Error::Invalid { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("response override #0"), "{text}");
    assert!(text.contains("ceiling"), "{text}");
}

#[test]
fn byte_order_mark_is_accepted() {
    let text = format!("\u{feff}{BASE}");
    assert_eq!(Scenario::from_json(&text).unwrap(), base());
}
