//! Display width of text in a terminal, so columns of Chinese names line up.

/// Columns `s` takes in a monospaced terminal: East Asian wide and fullwidth characters (CJK
/// ideographs, kana, Hangul, fullwidth forms, most emoji) count 2, combining marks, zero-width
/// characters and control characters 0, everything else 1.
///
/// A small approximation of Unicode's East Asian Width (UAX #11) with ambiguous characters
/// (e.g. `—`, `…`) counted narrow, as terminals outside CJK locales show them.
///
/// # Complexity
///
/// `O(chars)`.
///
/// # Example
///
/// ```
/// use fanzha::report::display_width;
///
/// assert_eq!(display_width("huayang"), 7);
/// assert_eq!(display_width("华阳镇"), 6);
/// assert_eq!(display_width("句容 2023"), 9);
/// assert_eq!(display_width("e\u{301}"), 1); // e + combining acute
/// ```
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Columns one character takes (see [`display_width`]).
fn char_width(c: char) -> usize {
    let u = u32::from(c);
    if is_zero_width(u) {
        0
    } else if is_wide(u) {
        2
    } else {
        1
    }
}

fn is_zero_width(u: u32) -> bool {
    matches!(u,
        0x00..=0x1F | 0x7F..=0x9F       // control characters
        | 0x0300..=0x036F               // combining diacritical marks
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F
        | 0x200B..=0x200F               // zero-width space, joiners, marks
        | 0x2028..=0x202E | 0x2060..=0x2064
        | 0xFE00..=0xFE0F               // variation selectors
        | 0xFEFF                        // byte-order mark
    )
}

fn is_wide(u: u32) -> bool {
    matches!(u,
        0x1100..=0x115F                 // Hangul Jamo initials
        | 0x2E80..=0x303E               // CJK radicals, punctuation
        | 0x3041..=0x33FF               // kana, bopomofo, CJK compatibility
        | 0x3400..=0x4DBF               // CJK extension A
        | 0x4E00..=0x9FFF               // CJK unified ideographs
        | 0xA000..=0xA4CF               // Yi
        | 0xAC00..=0xD7A3               // Hangul syllables
        | 0xF900..=0xFAFF               // CJK compatibility ideographs
        | 0xFE30..=0xFE4F               // CJK compatibility forms
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 // fullwidth forms
        | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF // emoji
        | 0x20000..=0x3FFFD             // CJK extensions B and beyond
    )
}

/// `s` cut to at most `width` columns, ending in `…` when cut.
///
/// ```text
/// truncate("courier_impersonation", 14) == "courier_imper…"
/// truncate("华阳镇老年人", 7) == "华阳镇…"
/// ```
pub(crate) fn truncate(s: &str, width: usize) -> String {
    if display_width(s) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        // Keep one column for the ellipsis.
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `s` padded with spaces to `width` columns, on the right (`left = true`) or the left.
pub(crate) fn pad(s: &str, width: usize, left: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(display_width(s)));
    if left {
        format!("{s}{fill}")
    } else {
        format!("{fill}{s}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_count_two() {
        assert_eq!(display_width("反诈"), 4);
        assert_eq!(display_width("ｆａｎ"), 6, "fullwidth latin");
        assert_eq!(display_width("한국"), 4);
        assert_eq!(display_width(""), 0);
        assert_eq!(display_width("a\u{200b}b"), 2, "zero-width space");
        assert_eq!(display_width("—…"), 2, "ambiguous counted narrow");
    }

    #[test]
    fn truncate_keeps_within_the_width() {
        assert_eq!(truncate("courier_impersonation", 14), "courier_imper…");
        assert_eq!(display_width(&truncate("courier_impersonation", 14)), 14);
        assert_eq!(truncate("order_brushing", 14), "order_brushing");
        assert_eq!(truncate("华阳镇老年人", 7), "华阳镇…");
        assert_eq!(
            truncate("华阳镇老年人", 8),
            "华阳镇…",
            "a wide char never splits"
        );
        assert_eq!(truncate("abc", 0), "");
    }

    #[test]
    fn pad_by_display_width() {
        assert_eq!(pad("华阳", 6, true), "华阳  ");
        assert_eq!(pad("ab", 4, false), "  ab");
        assert_eq!(pad("toolong", 3, true), "toolong");
    }
}
