//! Charts as [`Svg`] values, from plain numbers: horizontal bars, lines with a band, a heat
//! map and ranges (intervals, tornado). Nothing here knows about plans.

use crate::report::svg::{Anchor, Circle, Line, Path, Rect, Svg, Text};
use crate::report::width::truncate;

/// Colours of the series, in order.
pub(crate) const PALETTE: [&str; 6] = [
    "#1f5fa8", "#d9822b", "#2e8b57", "#b03a48", "#6b4fa3", "#8a8a8a",
];
const AXIS: &str = "#666";
const GRID: &str = "#e3e3e3";
/// Width of every chart (px).
pub(crate) const WIDTH: f64 = 760.0;

/// Pixels per display column of 12 px text (a CJK character is two columns).
const PX_PER_COLUMN: f64 = 6.8;

/// `label` cut (ending in `…`) to fit `px` pixels of 12 px text; the full label stays in the
/// shape's tooltip.
pub(crate) fn fit(label: &str, px: f64) -> String {
    truncate(label, (px / PX_PER_COLUMN).floor().max(2.0) as usize)
}

/// About `n` round tick values covering `[lo, hi]`.
pub(crate) fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
    let raw = (hi - lo) / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut t = (lo / step).floor() * step;
    let mut out = Vec::new();
    while t <= hi + step * 1e-9 && out.len() < 50 {
        out.push(t);
        t += step;
    }
    out
}

/// A number for an axis or a label: thousands separated, `decimals` after the point.
pub(crate) fn fmt_num(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(a, b)| (a, b));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// A short axis number: 1.2M, 350k, 12.
pub(crate) fn fmt_short(x: f64) -> String {
    let a = x.abs();
    if a >= 1e6 {
        format!("{}M", trim(x / 1e6))
    } else if a >= 1e4 {
        format!("{}k", trim(x / 1e3))
    } else if a >= 10.0 || a == 0.0 {
        fmt_num(x, 0)
    } else {
        trim(x)
    }
}

fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Horizontal bars, one per `(label, value)`; `value_label` writes the number at the bar's end.
pub(crate) fn bars(
    title: &str,
    rows: &[(String, f64)],
    value_label: impl Fn(f64) -> String,
) -> Svg {
    let row_h = 24.0;
    let label_w = 280.0;
    let height = 20.0 + row_h * rows.len().max(1) as f64;
    let mut svg = Svg::new(WIDTH, height, title);
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max);
    let span = WIDTH - label_w - 110.0;
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = 10.0 + i as f64 * row_h;
        let w = if max > 0.0 {
            span * v.max(0.0) / max
        } else {
            0.0
        };
        svg.push(Text::new(label_w - 8.0, y + 16.0, label.clone()).anchor(Anchor::End));
        svg.push(
            Rect::new(label_w, y + 3.0, w.max(1.0), row_h - 6.0, PALETTE[0])
                .title(format!("{label}: {}", value_label(*v))),
        );
        svg.push(Text::new(label_w + w + 6.0, y + 16.0, value_label(*v)));
    }
    svg
}

/// One line of a [`LineChart`].
pub(crate) struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub dashed: bool,
}

/// A shaded band: its legend name and `(x, low, high)` points.
pub(crate) type Band = (String, Vec<(f64, f64, f64)>);

/// A line chart: series, an optional shaded band `(x, low, high)`, marked points and
/// vertical markers.
pub(crate) struct LineChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    pub band: Option<Band>,
    /// Marked points: x, y, label (none when empty), colour index in [`PALETTE`].
    pub marks: Vec<(f64, f64, String, usize)>,
    pub vlines: Vec<(f64, String)>,
    /// Whether the y axis starts at zero (else at the lowest value, to show the shape).
    pub from_zero: bool,
}

struct Frame {
    left: f64,
    top: f64,
    w: f64,
    h: f64,
    x: (f64, f64),
    y: (f64, f64),
}

impl Frame {
    fn px(&self, x: f64) -> f64 {
        self.left + self.w * (x - self.x.0) / (self.x.1 - self.x.0)
    }
    fn py(&self, y: f64) -> f64 {
        self.top + self.h * (1.0 - (y - self.y.0) / (self.y.1 - self.y.0))
    }
}

/// Draws the axes, grid and tick labels of `f` into `svg`.
fn axes(svg: &mut Svg, f: &Frame, x_label: &str, y_label: &str) {
    for t in ticks(f.y.0, f.y.1, 5) {
        if t < f.y.0 - 1e-9 || t > f.y.1 + 1e-9 {
            continue;
        }
        let y = f.py(t);
        svg.push(Line::new((f.left, y), (f.left + f.w, y), GRID));
        svg.push(
            Text::new(f.left - 6.0, y + 4.0, fmt_short(t))
                .anchor(Anchor::End)
                .size(11.0),
        );
    }
    for t in ticks(f.x.0, f.x.1, 8) {
        if t < f.x.0 - 1e-9 || t > f.x.1 + 1e-9 {
            continue;
        }
        let x = f.px(t);
        svg.push(Line::new((x, f.top + f.h), (x, f.top + f.h + 4.0), AXIS));
        svg.push(
            Text::new(x, f.top + f.h + 17.0, fmt_short(t))
                .anchor(Anchor::Middle)
                .size(11.0),
        );
    }
    svg.push(Line::new(
        (f.left, f.top + f.h),
        (f.left + f.w, f.top + f.h),
        AXIS,
    ));
    svg.push(Line::new((f.left, f.top), (f.left, f.top + f.h), AXIS));
    svg.push(Text::new(f.left + f.w / 2.0, f.top + f.h + 34.0, x_label).anchor(Anchor::Middle));
    svg.push(
        Text::new(16.0, f.top + f.h / 2.0, y_label)
            .anchor(Anchor::Middle)
            .vertical(),
    );
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi { (0.0, 1.0) } else { (lo, hi) }
}

/// The line chart as SVG, with its legend under the plot.
pub(crate) fn line_chart(c: &LineChart) -> Svg {
    let xs = c.series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let ys = c.series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
    let band = c.band.iter().flat_map(|(_, b)| b.iter());
    let (x0, x1) = bounds(xs.chain(band.clone().map(|b| b.0)));
    let (y0, y1) = bounds(ys.chain(band.map(|b| b.2)));
    let y0 = if c.from_zero {
        y0.min(0.0)
    } else {
        y0 - 0.05 * (y1 - y0)
    };
    let y1 = y1.max(y0);
    let legend = c.series.len() + usize::from(c.band.is_some());
    let f = Frame {
        left: 70.0,
        top: 14.0,
        w: WIDTH - 100.0,
        h: 240.0,
        x: (x0.min(0.0), if x1 > x0.min(0.0) { x1 } else { x0 + 1.0 }),
        y: (
            y0,
            if y1 > y0 {
                y1 + 0.05 * (y1 - y0)
            } else {
                y0 + 1.0
            },
        ),
    };
    let height = f.top + f.h + 50.0 + 18.0 * legend.div_ceil(2) as f64;
    let mut svg = Svg::new(WIDTH, height, c.title.clone());
    axes(&mut svg, &f, &c.x_label, &c.y_label);
    if let Some((_, band)) = &c.band {
        let mut pts: Vec<(f64, f64)> = band.iter().map(|b| (f.px(b.0), f.py(b.2))).collect();
        pts.extend(band.iter().rev().map(|b| (f.px(b.0), f.py(b.1))));
        svg.push(Path::area(pts, PALETTE[0], 0.15));
    }
    for (x, label) in &c.vlines {
        let px = f.px(*x);
        svg.push(Line::new((px, f.top), (px, f.top + f.h), AXIS).dashed());
        svg.push(
            Text::new(px + 4.0, f.top + 12.0, label.clone())
                .size(11.0)
                .fill(AXIS),
        );
    }
    for (i, s) in c.series.iter().enumerate() {
        let pts = s.points.iter().map(|p| (f.px(p.0), f.py(p.1))).collect();
        let mut path = Path::line(pts, PALETTE[i % PALETTE.len()]);
        if s.dashed {
            path = path.dashed();
        }
        svg.push(path);
    }
    for (x, y, label, colour) in &c.marks {
        let colour = PALETTE[colour % PALETTE.len()];
        svg.push(Circle::new((f.px(*x), f.py(*y)), 5.0, colour).title(label.clone()));
        if !label.is_empty() {
            svg.push(Text::new(f.px(*x) + 8.0, f.py(*y) + 16.0, label.clone()).size(11.0));
        }
    }
    let mut entries: Vec<(String, &str, bool)> = c
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), PALETTE[i % PALETTE.len()], false))
        .collect();
    if let Some((name, _)) = &c.band {
        entries.push((name.clone(), PALETTE[0], true));
    }
    for (i, (name, colour, area)) in entries.iter().enumerate() {
        let x = f.left + (i % 2) as f64 * (f.w / 2.0);
        let y = f.top + f.h + 52.0 + 18.0 * (i / 2) as f64;
        let mark = Rect::new(x, y - 9.0, 18.0, if *area { 10.0 } else { 3.0 }, colour);
        svg.push(if *area { mark.opacity(0.3) } else { mark });
        svg.push(Text::new(x + 24.0, y, name.clone()));
    }
    svg
}

/// A heat map: `values[r][c]` in `[0, max]` shaded from white to blue, each cell labelled by
/// `label`.
pub(crate) fn heat_map(
    title: &str,
    rows: &[String],
    cols: &[String],
    values: &[Vec<f64>],
    label: impl Fn(f64) -> String,
) -> Svg {
    let label_w = 300.0;
    let cell_w = ((WIDTH - label_w - 10.0) / cols.len().max(1) as f64).min(120.0);
    let cell_h = 26.0;
    let head = 46.0;
    let height = head + cell_h * rows.len() as f64 + 10.0;
    let width = (label_w + cell_w * cols.len() as f64 + 10.0).max(300.0);
    let mut svg = Svg::new(width, height, title);
    let max = values.iter().flatten().copied().fold(0.0, f64::max);
    let size = if cell_w < 40.0 { 9.0 } else { 11.0 };
    for (j, c) in cols.iter().enumerate() {
        let x = label_w + cell_w * (j as f64 + 0.5);
        let text = Text::new(x, head - 8.0, c.clone())
            .anchor(Anchor::Middle)
            .size(size);
        svg.push(text);
    }
    for (i, r) in rows.iter().enumerate() {
        let y = head + cell_h * i as f64;
        svg.push(Text::new(label_w - 8.0, y + 17.0, fit(r, label_w - 12.0)).anchor(Anchor::End));
        for (j, &v) in values.get(i).map_or(&[][..], |v| &v[..]).iter().enumerate() {
            let share = if max > 0.0 {
                (v / max).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let x = label_w + cell_w * j as f64;
            svg.push(
                Rect::new(x + 1.0, y + 1.0, cell_w - 2.0, cell_h - 2.0, PALETTE[0])
                    .opacity(0.06 + 0.94 * share)
                    .title(format!(
                        "{r} · {}: {}",
                        cols.get(j).map_or("", |s| s),
                        label(v)
                    )),
            );
            if cell_w >= 34.0 && v != 0.0 {
                let ink = if share > 0.55 { "#fff" } else { "#222" };
                svg.push(
                    Text::new(x + cell_w / 2.0, y + 17.0, label(v))
                        .anchor(Anchor::Middle)
                        .size(size)
                        .fill(ink),
                );
            }
        }
    }
    svg
}

/// One row of a [`ranges`] chart: a label, an interval and a point in it.
pub(crate) struct RangeRow {
    pub label: String,
    pub low: f64,
    pub mid: f64,
    pub high: f64,
}

/// Intervals on one horizontal axis, one row each (uncertainty ranges, a tornado); `centre`
/// draws a vertical reference line.
pub(crate) fn ranges(title: &str, x_label: &str, rows: &[RangeRow], centre: Option<f64>) -> Svg {
    let row_h = 26.0;
    let label_w = 300.0;
    let vals = rows
        .iter()
        .flat_map(|r| [r.low, r.mid, r.high])
        .chain(centre);
    let (lo, hi) = bounds(vals);
    let pad = (hi - lo).max(hi.abs() * 0.05).max(1e-9) * 0.05;
    let f = Frame {
        left: label_w,
        top: 8.0,
        w: WIDTH - label_w - 30.0,
        h: row_h * rows.len().max(1) as f64,
        x: (lo - pad, hi + pad),
        y: (0.0, 1.0),
    };
    let mut svg = Svg::new(WIDTH, f.top + f.h + 44.0, title);
    for t in ticks(f.x.0, f.x.1, 6) {
        if t < f.x.0 || t > f.x.1 {
            continue;
        }
        let x = f.px(t);
        svg.push(Line::new((x, f.top), (x, f.top + f.h), GRID));
        svg.push(
            Text::new(x, f.top + f.h + 16.0, fmt_short(t))
                .anchor(Anchor::Middle)
                .size(11.0),
        );
    }
    if let Some(c) = centre {
        let x = f.px(c);
        svg.push(Line::new((x, f.top), (x, f.top + f.h), AXIS).width(1.5));
    }
    for (i, r) in rows.iter().enumerate() {
        let y = f.top + row_h * i as f64;
        svg.push(
            Text::new(label_w - 8.0, y + 17.0, fit(&r.label, label_w - 12.0)).anchor(Anchor::End),
        );
        let (a, b) = (f.px(r.low.min(r.high)), f.px(r.low.max(r.high)));
        svg.push(
            Rect::new(a, y + 6.0, (b - a).max(2.0), row_h - 12.0, PALETTE[1]).title(format!(
                "{}: {} – {}",
                r.label,
                fmt_num(r.low, 0),
                fmt_num(r.high, 0)
            )),
        );
        svg.push(
            Line::new(
                (f.px(r.mid), y + 3.0),
                (f.px(r.mid), y + row_h - 3.0),
                "#222",
            )
            .width(2.0),
        );
    }
    svg.push(Text::new(f.left + f.w / 2.0, f.top + f.h + 34.0, x_label).anchor(Anchor::Middle));
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        let t = ticks(0.0, 9_300.0, 5);
        assert_eq!(t.first(), Some(&0.0));
        assert!(*t.last().unwrap() >= 8_000.0);
        assert!(t.windows(2).all(|w| (w[1] - w[0] - 2_000.0).abs() < 1e-6));
    }

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(fmt_num(1_234_567.4, 0), "1,234,567");
        assert_eq!(fmt_num(-1234.5, 1), "-1,234.5");
        assert_eq!(fmt_num(-0.01, 0), "0");
        assert_eq!(fmt_short(350_000.0), "350k");
        assert_eq!(fmt_short(2_500_000.0), "2.5M");
    }

    #[test]
    fn a_chart_with_no_data_still_has_a_size() {
        let svg = line_chart(&LineChart {
            title: "t".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            series: vec![],
            band: None,
            marks: vec![],
            vlines: vec![],
            from_zero: true,
        });
        assert!(svg.width() > 0.0 && svg.height() > 0.0);
        let svg = bars("b", &[], |v| v.to_string());
        assert!(svg.height() > 0.0);
    }
}
