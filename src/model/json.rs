//! JSON reading with errors that name the item and field, not only line and column.

use std::io::{self, Read};
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Error;
use crate::core::limits::MAX_FILE_BYTES;

/// Reads and deserializes a JSON file; errors name the file.
pub(crate) fn from_json_file<T: DeserializeOwned>(path: &Path) -> Result<T, Error> {
    let text = read_capped(path, MAX_FILE_BYTES, "scenario file")?;
    from_json_str(&text).map_err(|e| e.in_file(path))
}

/// Reads a UTF-8 file of at most `limit` bytes, so an endless or huge file (`/dev/zero`, a
/// wrong path to a disk image) costs at most `limit + 1` bytes of memory. `what` names the
/// kind of file in the error (`"plan file"`).
///
/// # Errors
///
/// [`Error::Io`] naming the file, with the operating system's error,
/// [`io::ErrorKind::FileTooLarge`] beyond the limit, or [`io::ErrorKind::InvalidData`] for
/// text that is not UTF-8.
pub(crate) fn read_capped(path: &Path, limit: u64, what: &str) -> Result<String, Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut text = String::new();
    std::fs::File::open(path)
        .map_err(io)?
        .take(limit.saturating_add(1))
        .read_to_string(&mut text)
        .map_err(io)?;
    if text.len() as u64 > limit {
        return Err(io(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("larger than {}, the limit for a {what}", bytes(limit)),
        )));
    }
    Ok(text)
}

/// `n` bytes in words: MiB when a whole number of them.
pub(crate) fn bytes(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n % MIB == 0 {
        format!("{} MiB", n / MIB)
    } else {
        format!("{n} bytes")
    }
}

/// Deserializes `text`, turning any failure into [`Error::Json`] with an annotated path.
///
/// The document must be a JSON object: serde's derives would also take a struct written as an
/// array of its fields in order, which no person writes on purpose.
pub(crate) fn from_json_str<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    // Editors on Windows may start UTF-8 files with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(err) = not_an_object::<T>(text) {
        return Err(err);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = match serde_path_to_error::deserialize(&mut de) {
        Ok(v) => v,
        Err(err) => {
            let path = annotate(text, err.path());
            return Err(json_error(path, err.into_inner()));
        }
    };
    de.end().map_err(|e| json_error(String::new(), e))?;
    Ok(value)
}

/// The error for a document that is not a JSON object (after leading whitespace), if it is
/// not one; an empty document is left to serde's own message.
fn not_an_object<T>(text: &str) -> Option<Error> {
    let body = text.trim_start();
    let c = body.chars().next()?;
    if body.starts_with("{") {
        return None;
    }
    let i = text.len() - body.len();
    let line = text[..i].matches('\n').count() + 1;
    let column = i - text[..i].rfind('\n').map_or(0, |n| n + 1) + 1;
    let found = if body.starts_with("[") {
        "an array".to_string()
    } else if body.starts_with("\"") {
        "a string".to_string()
    } else {
        format!("{c:?}")
    };
    let expected = std::any::type_name::<T>()
        .rsplit("::")
        .next()
        .unwrap_or("object");
    Some(Error::Json {
        path: String::new(),
        message: format!(
            "invalid type: {found}, expected struct {expected} (a JSON object `{{...}}`)"
        ),
        line,
        column,
    })
}

fn json_error(path: String, err: serde_json::Error) -> Error {
    let full = err.to_string();
    // serde_json appends " at line L column C"; keep the message without it.
    let message = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => &full,
    };
    // A wrong-typed 100,000-character string would otherwise be quoted whole.
    let message = shorten(message, 200);
    Error::Json {
        path,
        message,
        line: err.line(),
        column: err.column(),
    }
}

/// Renders a serde path with the id of each list item it passes through, e.g.
/// `segments[3] "huayang.young_gig" > risk[0] "order_brushing" > rate`.
fn annotate(text: &str, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment as P;
    // The document may be syntactically broken; then ids are unavailable.
    let root: Option<Value> = serde_json::from_str(text).ok();
    let mut node = root.as_ref();
    let mut parts: Vec<String> = Vec::new();
    for seg in path.iter() {
        match seg {
            P::Seq { index } => {
                node = node.and_then(|n| n.get(*index));
                let mut part = match parts.pop() {
                    Some(p) => format!("{p}[{index}]"),
                    None => format!("[{index}]"),
                };
                if let Some(id) = node.and_then(item_name) {
                    part.push_str(&format!(" {:?}", shorten(id, 32)));
                }
                parts.push(part);
            }
            P::Map { key } => {
                node = node.and_then(|n| n.get(key.as_str()));
                parts.push(key.clone());
            }
            P::Enum { variant } => parts.push(variant.clone()),
            P::Unknown => parts.push("?".to_string()),
        }
    }
    parts.join(" > ")
}

/// `text` cut to its first `max` characters, with `…` and the full length when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => format!("{}… ({} characters)", &text[..end], text.chars().count()),
    }
}

/// The id of a list item: its `id`, else the `threat` it is about, else its selector.
fn item_name(v: &Value) -> Option<&str> {
    ["id", "threat", "segment", "group", "region", "message"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
}

#[cfg(test)]
mod tests {
    use super::{bytes, read_capped};
    use crate::{Error, Scenario};

    #[test]
    fn a_file_over_the_limit_is_refused() {
        let dir = std::env::temp_dir().join(format!("fanzha-json-cap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("ten.json");
        std::fs::write(&path, "0123456789").unwrap();
        assert_eq!(read_capped(&path, 10, "test file").unwrap(), "0123456789");
        let err = read_capped(&path, 9, "test file").unwrap_err();
        let Error::Io { source, .. } = &err else {
            panic!("not an I/O error: {err:?}");
        };
        assert_eq!(source.kind(), std::io::ErrorKind::FileTooLarge);
        let text = err.to_string();
        assert!(text.starts_with(&path.display().to_string()), "{text}");
        assert!(
            text.contains("larger than 9 bytes, the limit for a test file"),
            "{text}"
        );
        assert_eq!(bytes(16 * 1024 * 1024), "16 MiB");
        assert_eq!(bytes(1000), "1000 bytes");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn type_error_names_item_and_field() {
        let text = r#"{"name": "x", "threats": [], "channels": [], "messages": [],
            "response": {"ceiling": 0.3, "scale": 2},
            "segments": [{"id": "a.b", "region": "a", "group": "b", "population": 5,
                          "risk": [{"threat": "t", "rate": "high", "loss": 1}]}]}"#;
        let err = Scenario::from_json(text).unwrap_err();
        let Error::Json { path, line, .. } = &err else {
            panic!("expected a JSON error, got {err:?}")
        };
        assert_eq!(path, r#"segments[0] "a.b" > risk[0] "t" > rate"#);
        assert_eq!(*line, 4);
        assert!(err.to_string().contains("invalid type"), "{err}");
    }

    #[test]
    fn truncated_json_keeps_line_and_column() {
        let err = Scenario::from_json("{\"name\": \"x\",\n \"threats\": [").unwrap_err();
        let Error::Json { line, column, .. } = err else {
            panic!("expected a JSON error")
        };
        assert_eq!((line, column), (2, 13));
    }

    #[test]
    fn unknown_field_is_rejected() {
        let text = r#"{"name": "x", "threats": [], "segments": [], "channels": [], "messages": [],
            "response": {"ceiling": 0.3, "scale": 2, "scael": 3}}"#;
        let err = Scenario::from_json(text).unwrap_err();
        assert!(err.to_string().contains("scael"), "{err}");
        assert!(err.to_string().contains("response"), "{err}");
    }

    #[test]
    fn missing_field_names_item() {
        let text = r#"{"name": "x", "threats": [{"id": "t"}], "segments": [], "channels": [],
            "messages": [], "response": {"ceiling": 0.3, "scale": 2}}"#;
        let err = Scenario::from_json(text).unwrap_err().to_string();
        assert!(err.contains("missing field `name`"), "{err}");
        assert!(err.contains(r#"threats[0] "t""#), "{err}");
    }
}
