//! The crate's one error type.

mod diffusion;

pub use diffusion::DiffusionError;

use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong with a user's data or request.
///
/// Validation errors name the offending item (kind and id) and the field, so a planner can
/// find the line to fix. The enum is `#[non_exhaustive]`: new variants may appear in minor
/// releases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// An error about the contents of a file: wraps the error and names the file.
    #[error("{}: {error}", path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// What is wrong in it.
        #[source]
        error: Box<Error>,
    },

    /// The JSON is malformed, truncated, or a value has the wrong type, is missing or unknown.
    #[error("{}{message} (line {line}, column {column})", at_path(path))]
    Json {
        /// Where in the document, e.g. `segments[3] "huayang.young_gig" > risk[0] > rate`;
        /// empty for syntax errors.
        path: String,
        /// What serde said.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column, as serde_json counts it (0 when the input ends at the start of a
        /// line).
        column: usize,
    },

    /// Two items of one kind share an id.
    #[error("duplicate {kind} id {id:?}: field `{field}` repeats `{first}`")]
    DuplicateId {
        /// Kind of item (`"segment"`, `"placement"` …).
        kind: &'static str,
        /// The id.
        id: String,
        /// Where the second use is, e.g. `channels[2].placements[0].id`.
        field: String,
        /// Where the first use is.
        first: String,
    },

    /// A field refers to an id that does not exist.
    #[error("{item}: field `{field}` refers to unknown {kind} {id:?}")]
    UnknownId {
        /// The item holding the reference.
        item: Item,
        /// The field.
        field: String,
        /// Kind of the referenced item.
        kind: &'static str,
        /// The unknown id.
        id: String,
    },

    /// A number is NaN, infinite, negative or outside its range.
    #[error("{item}: field `{field}` is {}, expected {expected}", Compact(*value))]
    InvalidValue {
        /// The item holding the number.
        item: Item,
        /// The field.
        field: String,
        /// The value found.
        value: f64,
        /// The allowed range, in words.
        expected: &'static str,
    },

    /// A list that must not be empty is empty, or an item is otherwise unusable.
    #[error("{item}: field `{field}` {problem}")]
    Invalid {
        /// The item.
        item: Item,
        /// The field.
        field: String,
        /// What is wrong.
        problem: String,
    },

    /// A floor cannot be met even with every unit of every placement.
    #[error(
        "{item}: field `min_reduction` asks {} for segment {segment:?} and threat {threat:?}, \
         but at most {reachable:.6} is reachable with every unit of every placement",
        Compact(*required)
    )]
    UnreachableFloor {
        /// The floor.
        item: Item,
        /// Segment id.
        segment: String,
        /// Threat id.
        threat: String,
        /// The floor's reduction.
        required: f64,
        /// The most reduction all placements at capacity achieve.
        reachable: f64,
    },

    /// A strategy could not meet the fairness floors within the resources.
    #[error(
        "{item}: could not meet the floor for segment {segment:?} and threat {threat:?} within \
         the resources: reached reduction {achieved:.6} of the required {required} (shortfall \
         {shortfall:.6}); {unmet} floor(s) unmet in all",
        shortfall = required - achieved
    )]
    FloorShortfall {
        /// The floor entry of the scenario that set this target.
        item: Item,
        /// How many (segment, threat) floor targets were unmet when resources ran out.
        unmet: usize,
        /// Segment id.
        segment: String,
        /// Threat id.
        threat: String,
        /// Required reduction.
        required: f64,
        /// Reduction reached when resources ran out.
        achieved: f64,
    },

    /// A plan names a message on a placement that cannot carry its format.
    #[error("allocation {index}: message {message:?} cannot run on placement {placement:?}")]
    IncompatibleArm {
        /// Position in the plan's allocation list.
        index: usize,
        /// Message id.
        message: String,
        /// Placement id.
        placement: String,
    },

    /// A plan breaks constraints of the problem.
    #[error("infeasible plan: {}", list(violations))]
    Infeasible {
        /// Every broken constraint.
        violations: Vec<Violation>,
    },

    /// A plan or argument was made for another problem: its length differs.
    #[error("{what} has {found} entries, but the problem needs {expected}")]
    Mismatch {
        /// What does not fit (e.g. `"plan"`).
        what: &'static str,
        /// Entries the problem needs.
        expected: usize,
        /// Entries found.
        found: usize,
    },

    /// A parameter of a strategy or function is outside its range.
    #[error("parameter `{parameter}` {problem}")]
    InvalidParameter {
        /// The parameter.
        parameter: &'static str,
        /// What is wrong, e.g. "must be in [0, 1), got 1.5".
        problem: String,
    },

    /// An error of the word-of-mouth layer (graph files, seed selection arguments).
    #[error(transparent)]
    Diffusion(#[from] DiffusionError),

    /// A strategy name that is not known.
    #[error("unknown strategy {name:?}; known: {known}")]
    UnknownStrategy {
        /// The name asked for.
        name: String,
        /// The known names, comma-separated.
        known: String,
    },

    /// Not even the continuous relaxation meets every fairness floor within the resources, so
    /// no plan can.
    #[error(
        "no plan can meet every fairness floor within the resources (not even fractional \
         units, with fixed costs spread over the units, meet them all)"
    )]
    FloorsUnaffordable,

    /// An exact search stopped at its node limit before proving optimality.
    #[error(
        "{method}: node limit {nodes} reached; the best plan found is proven within \
         {gap_percent:.4}% of the optimum (Exact::search returns it)",
        gap_percent = 100.0 * gap
    )]
    NotProven {
        /// The method (e.g. `"exact"`).
        method: &'static str,
        /// Nodes solved.
        nodes: usize,
        /// Proven gap `1 - value / bound` of the best plan found.
        gap: f64,
    },

    /// A problem is too large for an exact method; the message says which limit.
    #[error("{method}: {problem}")]
    TooLarge {
        /// The method (e.g. `"exact"`).
        method: &'static str,
        /// What is too large, and what to use instead.
        problem: String,
    },
}

fn at_path(path: &str) -> String {
    if path.is_empty() || path == "." {
        String::new()
    } else {
        format!("at {path}: ")
    }
}

fn list(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A number in an error message: the shortest text that reads back to it, in scientific
/// notation from `1e10` up and below `1e-4` (so `1e308` is not 309 digits, nor `5e-324` 324).
struct Compact(f64);

impl fmt::Display for Compact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.0.abs();
        if a.is_finite() && a != 0.0 && !(1e-4..1e10).contains(&a) {
            write!(f, "{:e}", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// Names an item of a scenario in an error: its kind and id (or position when it has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Kind (`"segment"`, `"placement"`, `"floor"` …).
    pub kind: &'static str,
    /// Id, or `#index` for items without an id.
    pub id: String,
}

impl Item {
    /// An item with an id.
    pub fn new(kind: &'static str, id: impl Into<String>) -> Self {
        Item {
            kind,
            id: id.into(),
        }
    }

    /// An item without an id, named by its position (0-based) in its list.
    pub fn at(kind: &'static str, index: usize) -> Self {
        Item {
            kind,
            id: format!("#{index}"),
        }
    }
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.id.starts_with('#') {
            write!(f, "{} {}", self.kind, self.id)
        } else {
            write!(f, "{} {:?}", self.kind, self.id)
        }
    }
}

impl Error {
    /// Wraps this error with the file it came from.
    pub fn in_file(self, path: impl Into<PathBuf>) -> Error {
        Error::InFile {
            path: path.into(),
            error: Box::new(self),
        }
    }
}

/// A constraint a plan breaks.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Violation {
    /// Spends more than the money limit.
    Money {
        /// Money spent.
        spent: f64,
        /// The limit.
        limit: f64,
    },
    /// Uses more than the staff-hour limit.
    StaffHours {
        /// Hours used.
        used: f64,
        /// The limit.
        limit: f64,
    },
    /// Buys more units of a placement than it has.
    Capacity {
        /// Placement id.
        placement: String,
        /// Units bought.
        units: u64,
        /// Its capacity.
        capacity: u64,
    },
    /// A department spends more than its money.
    DepartmentMoney {
        /// Department id.
        department: String,
        /// Money spent.
        spent: f64,
        /// Its limit.
        limit: f64,
    },
    /// A department gives more than its staff hours.
    DepartmentHours {
        /// Department id.
        department: String,
        /// Hours used.
        used: f64,
        /// Its limit.
        limit: f64,
    },
    /// A fairness floor is not met.
    Floor {
        /// Segment id.
        segment: String,
        /// Threat id.
        threat: String,
        /// Reduction reached.
        reduction: f64,
        /// Reduction required.
        required: f64,
    },
    /// A calendar plan uses more of a per-week limit than it has.
    Weekly {
        /// The limit, e.g. `staff hours of week 3`.
        resource: String,
        /// Amount used.
        used: f64,
        /// The limit.
        limit: f64,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::Money { spent, limit } => {
                write!(f, "money: spends {spent:.2}, limit {limit}")
            }
            Violation::StaffHours { used, limit } => {
                write!(f, "staff hours: uses {used:.2}, limit {limit}")
            }
            Violation::Capacity {
                placement,
                units,
                capacity,
            } => write!(
                f,
                "placement {placement:?}: {units} units, capacity {capacity}"
            ),
            Violation::DepartmentMoney {
                department,
                spent,
                limit,
            } => write!(
                f,
                "department {department:?} money: spends {spent:.2}, limit {limit}"
            ),
            Violation::DepartmentHours {
                department,
                used,
                limit,
            } => write!(
                f,
                "department {department:?} staff hours: uses {used:.2}, limit {limit}"
            ),
            Violation::Floor {
                segment,
                threat,
                reduction,
                required,
            } => write!(
                f,
                "floor for segment {segment:?} and threat {threat:?}: reduction {reduction:.6}, \
                 required {required}"
            ),
            Violation::Weekly {
                resource,
                used,
                limit,
            } => write!(f, "{resource}: uses {used:.2}, limit {limit}"),
        }
    }
}
