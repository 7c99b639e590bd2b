//! A small HTML writer: tags and attribute names are `&'static str` (never user data), every
//! text and attribute value goes through [`escape`].

use crate::report::svg::{Svg, escape};

/// The page being written.
#[derive(Debug, Default)]
pub(crate) struct Html {
    out: String,
}

/// A table cell: its text and its class (`t` text, `n` a number, right-aligned, `k` text
/// kept on one line).
pub(crate) struct Cell {
    pub text: String,
    pub class: &'static str,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            class: "t",
        }
    }

    pub fn num(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            class: "n",
        }
    }

    pub fn keep(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            class: "k",
        }
    }
}

impl Html {
    /// `<tag a="v" ...>`.
    pub fn open(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) {
        self.out.push('<');
        self.out.push_str(tag);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            self.out.push_str(&escape(v));
            self.out.push('"');
        }
        self.out.push('>');
    }

    /// `</tag>`.
    pub fn close(&mut self, tag: &'static str) {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
    }

    /// Escaped text.
    pub fn text(&mut self, s: &str) {
        self.out.push_str(&escape(s));
    }

    /// `<tag attrs>text</tag>`.
    pub fn el(&mut self, tag: &'static str, attrs: &[(&'static str, &str)], text: &str) {
        self.open(tag, attrs);
        self.text(text);
        self.close(tag);
    }

    /// A fixed piece of markup of this crate (the style sheet, the doctype).
    pub fn fixed(&mut self, s: &'static str) {
        self.out.push_str(s);
    }

    /// A chart, in a figure with a caption.
    pub fn figure(&mut self, caption: &str, svg: &Svg) {
        self.open("figure", &[]);
        self.out.push_str(&svg.render());
        self.el("figcaption", &[], caption);
        self.close("figure");
    }

    /// A table with a header row.
    pub fn table(&mut self, header: &[&str], rows: &[Vec<Cell>]) {
        self.open("table", &[]);
        self.open("thead", &[]);
        self.open("tr", &[]);
        for h in header {
            self.el("th", &[], h);
        }
        self.close("tr");
        self.close("thead");
        self.open("tbody", &[]);
        for row in rows {
            self.open("tr", &[]);
            for c in row {
                self.el("td", &[("class", c.class)], &c.text);
            }
            self.close("tr");
        }
        self.close("tbody");
        self.close("table");
    }

    /// The page.
    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        let mut h = Html::default();
        h.open("p", &[("title", "\"><script>")]);
        h.text("<script>alert(1)</script>");
        h.close("p");
        let s = h.finish();
        assert!(!s.contains("<script>"));
        assert!(s.starts_with("<p title=\"&quot;&gt;&lt;script&gt;\">"));
    }
}
