//! A small typed SVG builder: charts are [`Svg`] values holding [`Shape`]s ([`Rect`],
//! [`Line`], [`Text`], [`Path`]), rendered in one place ([`Svg::render`]) where every
//! attribute and text is escaped. No string concatenation of markup elsewhere.
//!
//! # Example
//!
//! ```
//! use fanzha::report::svg::{Anchor, Rect, Svg, Text};
//!
//! let mut svg = Svg::new(200.0, 100.0, "a bar");
//! svg.push(Rect::new(10.0, 10.0, 50.0, 20.0, "#369"));
//! svg.push(Text::new(10.0, 60.0, "<script>").anchor(Anchor::Start));
//! let markup = svg.render();
//! assert!(markup.starts_with("<svg"));
//! assert!(markup.contains("&lt;script&gt;") && !markup.contains("<script>"));
//! ```

use std::fmt::Write as _;

/// Fonts for SVG text: Latin first, then CJK-capable families (the browser picks per glyph).
pub const FONT_FAMILY: &str = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK SC', \
    'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', \
    'WenQuanYi Micro Hei', sans-serif";

/// Escapes `&`, `<`, `>`, `"` and `'` for HTML/SVG text and attribute values.
///
/// ```
/// assert_eq!(fanzha::report::svg::escape("<a href='x'>&"), "&lt;a href=&#39;x&#39;&gt;&amp;");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number as an SVG coordinate: finite, two decimals at most (non-finite becomes 0).
fn num(x: f64) -> String {
    if !x.is_finite() {
        return "0".into();
    }
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// A rectangle.
#[derive(Debug, Clone, PartialEq)]
pub struct Rect {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
    fill: String,
    opacity: Option<f64>,
    title: Option<String>,
}

impl Rect {
    /// A rectangle at `(x, y)` (top left), filled with `fill` (a CSS colour). Negative sizes
    /// are drawn as zero.
    pub fn new(x: f64, y: f64, width: f64, height: f64, fill: &str) -> Rect {
        Rect {
            x,
            y,
            width: width.max(0.0),
            height: height.max(0.0),
            fill: fill.to_string(),
            opacity: None,
            title: None,
        }
    }

    /// With a fill opacity in `[0, 1]`.
    #[must_use]
    pub fn opacity(mut self, opacity: f64) -> Rect {
        self.opacity = Some(opacity.clamp(0.0, 1.0));
        self
    }

    /// With a tooltip.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Rect {
        self.title = Some(title.into());
        self
    }
}

/// A straight line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    from: (f64, f64),
    to: (f64, f64),
    stroke: String,
    width: f64,
    dashed: bool,
}

impl Line {
    /// A line from `from` to `to`, 1 px wide.
    pub fn new(from: (f64, f64), to: (f64, f64), stroke: &str) -> Line {
        Line {
            from,
            to,
            stroke: stroke.to_string(),
            width: 1.0,
            dashed: false,
        }
    }

    /// With a stroke width.
    #[must_use]
    pub fn width(mut self, width: f64) -> Line {
        self.width = width;
        self
    }

    /// Dashed.
    #[must_use]
    pub fn dashed(mut self) -> Line {
        self.dashed = true;
        self
    }
}

/// Where a [`Text`] sits relative to its point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The text starts at the point.
    Start,
    /// The text is centred on the point.
    Middle,
    /// The text ends at the point.
    End,
}

/// A text label (any script: the font list is CJK-capable).
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    x: f64,
    y: f64,
    text: String,
    anchor: Anchor,
    size: f64,
    fill: String,
    bold: bool,
    rotate: bool,
}

impl Text {
    /// `text` with its baseline at `(x, y)`, 12 px, dark grey, anchored at its start.
    pub fn new(x: f64, y: f64, text: impl Into<String>) -> Text {
        Text {
            x,
            y,
            text: text.into(),
            anchor: Anchor::Start,
            size: 12.0,
            fill: "#333".into(),
            bold: false,
            rotate: false,
        }
    }

    /// With an anchor.
    #[must_use]
    pub fn anchor(mut self, anchor: Anchor) -> Text {
        self.anchor = anchor;
        self
    }

    /// With a font size (px).
    #[must_use]
    pub fn size(mut self, size: f64) -> Text {
        self.size = size;
        self
    }

    /// With a colour.
    #[must_use]
    pub fn fill(mut self, fill: &str) -> Text {
        self.fill = fill.to_string();
        self
    }

    /// Bold.
    #[must_use]
    pub fn bold(mut self) -> Text {
        self.bold = true;
        self
    }

    /// Turned 90 degrees counter-clockwise about its point (a y-axis title).
    #[must_use]
    pub fn vertical(mut self) -> Text {
        self.rotate = true;
        self
    }
}

/// A polyline or polygon through points.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    points: Vec<(f64, f64)>,
    closed: bool,
    stroke: Option<(String, f64)>,
    fill: Option<(String, f64)>,
    dashed: bool,
}

impl Path {
    /// An open line through `points`, stroked with `stroke` 2 px wide.
    pub fn line(points: Vec<(f64, f64)>, stroke: &str) -> Path {
        Path {
            points,
            closed: false,
            stroke: Some((stroke.to_string(), 2.0)),
            fill: None,
            dashed: false,
        }
    }

    /// A closed area through `points`, filled with `fill` at `opacity`.
    pub fn area(points: Vec<(f64, f64)>, fill: &str, opacity: f64) -> Path {
        Path {
            points,
            closed: true,
            stroke: None,
            fill: Some((fill.to_string(), opacity.clamp(0.0, 1.0))),
            dashed: false,
        }
    }

    /// Dashed.
    #[must_use]
    pub fn dashed(mut self) -> Path {
        self.dashed = true;
        self
    }
}

/// A circle (a marker).
#[derive(Debug, Clone, PartialEq)]
pub struct Circle {
    center: (f64, f64),
    radius: f64,
    fill: String,
    title: Option<String>,
}

impl Circle {
    /// A filled circle.
    pub fn new(center: (f64, f64), radius: f64, fill: &str) -> Circle {
        Circle {
            center,
            radius: radius.max(0.0),
            fill: fill.to_string(),
            title: None,
        }
    }

    /// With a tooltip.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Circle {
        self.title = Some(title.into());
        self
    }
}

/// One drawn thing.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A rectangle.
    Rect(Rect),
    /// A line.
    Line(Line),
    /// A label.
    Text(Text),
    /// A polyline or polygon.
    Path(Path),
    /// A circle.
    Circle(Circle),
}

macro_rules! into_shape {
    ($($t:ident),*) => {$(
        impl From<$t> for Shape {
            fn from(s: $t) -> Shape {
                Shape::$t(s)
            }
        }
    )*};
}
into_shape!(Rect, Line, Text, Path, Circle);

/// An SVG picture: a size, an accessible title and shapes in drawing order.
#[derive(Debug, Clone, PartialEq)]
pub struct Svg {
    width: f64,
    height: f64,
    title: String,
    shapes: Vec<Shape>,
}

impl Svg {
    /// An empty picture `width` x `height` px, described by `title` (for screen readers).
    pub fn new(width: f64, height: f64, title: impl Into<String>) -> Svg {
        Svg {
            width,
            height,
            title: title.into(),
            shapes: Vec::new(),
        }
    }

    /// Adds a shape on top of the others.
    pub fn push(&mut self, shape: impl Into<Shape>) {
        self.shapes.push(shape.into());
    }

    /// Its width (px).
    pub fn width(&self) -> f64 {
        self.width
    }

    /// Its height (px).
    pub fn height(&self) -> f64 {
        self.height
    }

    /// Its shapes.
    pub fn shapes(&self) -> &[Shape] {
        &self.shapes
    }

    /// The markup: one `<svg>` element, every text and attribute escaped.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let (w, h) = (num(self.width), num(self.height));
        // Writing to a String cannot fail.
        let _ = write!(
            out,
            "<svg width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" role=\"img\" font-family=\"{}\"><title>{}</title>",
            escape(FONT_FAMILY),
            escape(&self.title)
        );
        for s in &self.shapes {
            render_shape(&mut out, s);
        }
        out.push_str("</svg>");
        out
    }
}

fn title_of(title: &Option<String>) -> String {
    title
        .as_ref()
        .map_or(String::new(), |t| format!("<title>{}</title>", escape(t)))
}

fn render_shape(out: &mut String, shape: &Shape) {
    let _ = match shape {
        Shape::Rect(r) => write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{}>{}</rect>",
            num(r.x),
            num(r.y),
            num(r.width),
            num(r.height),
            escape(&r.fill),
            r.opacity
                .map_or(String::new(), |o| format!(" fill-opacity=\"{}\"", num(o))),
            title_of(&r.title)
        ),
        Shape::Line(l) => write!(
            out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}/>",
            num(l.from.0),
            num(l.from.1),
            num(l.to.0),
            num(l.to.1),
            escape(&l.stroke),
            num(l.width),
            if l.dashed {
                " stroke-dasharray=\"4 3\""
            } else {
                ""
            }
        ),
        Shape::Text(t) => render_text(out, t),
        Shape::Path(p) => render_path(out, p),
        Shape::Circle(c) => write!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\">{}</circle>",
            num(c.center.0),
            num(c.center.1),
            num(c.radius),
            escape(&c.fill),
            title_of(&c.title)
        ),
    };
}

fn render_text(out: &mut String, t: &Text) -> std::fmt::Result {
    let anchor = match t.anchor {
        Anchor::Start => "start",
        Anchor::Middle => "middle",
        Anchor::End => "end",
    };
    let rotate = if t.rotate {
        format!(" transform=\"rotate(-90 {} {})\"", num(t.x), num(t.y))
    } else {
        String::new()
    };
    write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" font-size=\"{}\" fill=\"{}\"{}{rotate}>{}</text>",
        num(t.x),
        num(t.y),
        num(t.size),
        escape(&t.fill),
        if t.bold { " font-weight=\"bold\"" } else { "" },
        escape(&t.text)
    )
}

fn render_path(out: &mut String, p: &Path) -> std::fmt::Result {
    if p.points.is_empty() {
        return Ok(());
    }
    let mut d = String::new();
    for (i, &(x, y)) in p.points.iter().enumerate() {
        let _ = write!(
            d,
            "{}{},{} ",
            if i == 0 { "M" } else { "L" },
            num(x),
            num(y)
        );
    }
    if p.closed {
        d.push('Z');
    }
    let stroke = match &p.stroke {
        Some((c, w)) => format!(" stroke=\"{}\" stroke-width=\"{}\"", escape(c), num(*w)),
        None => String::new(),
    };
    let fill = match &p.fill {
        Some((c, o)) => format!(" fill=\"{}\" fill-opacity=\"{}\"", escape(c), num(*o)),
        None => " fill=\"none\"".to_string(),
    };
    let dash = if p.dashed {
        " stroke-dasharray=\"6 4\""
    } else {
        ""
    };
    write!(out, "<path d=\"{}\"{stroke}{fill}{dash}/>", d.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_finite() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.256), "1.26");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(-0.001), "0");
    }

    #[test]
    fn every_string_is_escaped() {
        let mut svg = Svg::new(10.0, 10.0, "t</title><script>");
        svg.push(Rect::new(0.0, 0.0, 1.0, 1.0, "\"red").title("<b>"));
        svg.push(Text::new(0.0, 0.0, "a&b"));
        let m = svg.render();
        assert!(!m.contains("<script>") && !m.contains("<b>") && !m.contains("\"red"));
        assert!(m.contains("a&amp;b"));
    }

    #[test]
    fn a_path_is_drawn_through_its_points() {
        let mut svg = Svg::new(10.0, 10.0, "p");
        svg.push(Path::area(vec![(0.0, 0.0), (1.0, 2.0)], "#000", 0.5));
        assert!(svg.render().contains("d=\"M0,0 L1,2 Z\""));
    }
}
