//! The report's plots as SVG strings, drawn with plotters' SVG backend (text as `<text>`
//! elements, sizes estimated without fonts: no font file and no system font library).
//! Coordinates are integer pixels and every input is ordered, so the bytes are stable.

use std::collections::BTreeMap;

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use super::ReportError;

/// A plot: its SVG and its legend (label and `#rrggbb` colour per series), which the page shows
/// as HTML beside the plot so that it never hides a bar.
pub struct Plot {
    pub svg: String,
    pub legend: Vec<(String, String)>,
}

fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn legend_of(cats: &[(usize, String)]) -> Vec<(String, String)> {
    cats.iter().map(|(i, c)| (c.clone(), hex(colour(*i)))).collect()
}

const W: u32 = 880;
const H: u32 = 340;
const FONT: &str = "sans-serif";

/// Tableau 10, then greys: one colour per category, in category order.
const PALETTE: [RGBColor; 12] = [
    RGBColor(78, 121, 167),
    RGBColor(242, 142, 43),
    RGBColor(225, 87, 89),
    RGBColor(118, 183, 178),
    RGBColor(89, 161, 79),
    RGBColor(237, 201, 72),
    RGBColor(176, 122, 161),
    RGBColor(255, 157, 167),
    RGBColor(156, 117, 95),
    RGBColor(186, 176, 172),
    RGBColor(110, 110, 110),
    RGBColor(60, 60, 60),
];

fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

fn plot_err<E: std::fmt::Display>(e: E) -> ReportError {
    ReportError::Plot(e.to_string())
}

/// A plot that has nothing to draw says so, at the same size.
pub fn no_data(title: &str) -> String {
    format!(
        "<svg width=\"{W}\" height=\"120\" viewBox=\"0 0 {W} 120\" xmlns=\"http://www.w3.org/2000/svg\">\
<rect x=\"0\" y=\"0\" width=\"{W}\" height=\"120\" fill=\"#FFFFFF\"/>\
<text x=\"{x}\" y=\"30\" font-family=\"{FONT}\" font-size=\"16\" text-anchor=\"middle\">{t}</text>\
<text x=\"{x}\" y=\"75\" font-family=\"{FONT}\" font-size=\"14\" fill=\"#666666\" text-anchor=\"middle\">no data</text></svg>",
        x = W / 2,
        t = super::escape_html(title)
    )
}

/// Every month from the first to the last key, or every year when that is more than 15 years
/// of months; the values re-keyed to those buckets.
pub fn buckets(by_month: &BTreeMap<String, BTreeMap<String, u64>>) -> (Vec<String>, BTreeMap<String, BTreeMap<String, u64>>) {
    let (Some(first), Some(last)) = (by_month.keys().next(), by_month.keys().next_back()) else {
        return (Vec::new(), BTreeMap::new());
    };
    let ym = |m: &str| -> (i32, i32) { (m[..4].parse().unwrap_or(0), m[5..7].parse().unwrap_or(1)) };
    let ((y0, m0), (y1, m1)) = (ym(first), ym(last));
    let months = (y1 - y0) * 12 + (m1 - m0) + 1;
    if months > 180 {
        let mut by_year: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for (m, cats) in by_month {
            let e = by_year.entry(m[..4].to_owned()).or_default();
            for (c, n) in cats {
                *e.entry(c.clone()).or_default() += n;
            }
        }
        return ((y0..=y1).map(|y| format!("{y:04}")).collect(), by_year);
    }
    let labels = (0..months).map(|k| {
        let t = y0 * 12 + (m0 - 1) + k;
        format!("{:04}-{:02}", t.div_euclid(12), t.rem_euclid(12) + 1)
    });
    (labels.collect(), by_month.clone())
}

/// Categories that occur, in the given order.
fn present(order: &[String], data: &BTreeMap<String, BTreeMap<String, u64>>) -> Vec<(usize, String)> {
    order.iter().enumerate().filter(|(_, c)| data.values().any(|m| m.get(*c).copied().unwrap_or(0) > 0)).map(|(i, c)| (i, c.clone())).collect()
}

fn label_of(labels: &[String], v: &SegmentValue<i32>) -> String {
    match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
        SegmentValue::Last => String::new(),
    }
}

/// Stacked bars per time bucket, one colour per category.
pub fn stacked_bars(title: &str, y_desc: &str, order: &[String], by_month: &BTreeMap<String, BTreeMap<String, u64>>) -> Result<Plot, ReportError> {
    let (labels, data) = buckets(by_month);
    if labels.is_empty() {
        return Ok(Plot { svg: no_data(title), legend: Vec::new() });
    }
    let cats = present(order, &data);
    let n = labels.len() as i32;
    let totals: Vec<u64> = labels.iter().map(|b| data.get(b).map_or(0, |m| m.values().sum())).collect();
    let ymax = (totals.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.15).ceil() as u64;
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 16))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d((0..n).into_segmented(), 0u64..ymax)
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(12)
            .x_label_formatter(&|v| label_of(&labels, v))
            .y_desc(y_desc)
            .label_style((FONT, 11))
            .draw()
            .map_err(plot_err)?;
        let mut base = vec![0u64; labels.len()];
        for (ci, cat) in &cats {
            let c = colour(*ci);
            let mut rects = Vec::new();
            for (k, b) in labels.iter().enumerate() {
                let v = data.get(b).and_then(|m| m.get(cat)).copied().unwrap_or(0);
                if v > 0 {
                    let x = k as i32;
                    let mut r = Rectangle::new([(SegmentValue::Exact(x), base[k]), (SegmentValue::Exact(x + 1), base[k] + v)], c.filled());
                    r.set_margin(0, 0, 1, 1);
                    rects.push(r);
                    base[k] += v;
                }
            }
            chart.draw_series(rects).map_err(plot_err)?;
        }
        root.present().map_err(plot_err)?;
    }
    Ok(Plot { svg: buf, legend: legend_of(&cats) })
}

/// One line per category over time buckets.
pub fn lines(title: &str, y_desc: &str, order: &[String], by_month: &BTreeMap<String, BTreeMap<String, u64>>) -> Result<Plot, ReportError> {
    let (labels, data) = buckets(by_month);
    if labels.is_empty() {
        return Ok(Plot { svg: no_data(title), legend: Vec::new() });
    }
    let cats = present(order, &data);
    let n = labels.len() as i32;
    let ymax = (data.values().flat_map(|m| m.values().copied()).max().unwrap_or(1).max(1) as f64 * 1.15).ceil() as u64;
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 16))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d((0..n).into_segmented(), 0u64..ymax)
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(12)
            .x_label_formatter(&|v| label_of(&labels, v))
            .y_desc(y_desc)
            .label_style((FONT, 11))
            .draw()
            .map_err(plot_err)?;
        for (ci, cat) in &cats {
            let c = colour(*ci);
            let points: Vec<(SegmentValue<i32>, u64)> =
                labels.iter().enumerate().map(|(k, b)| (SegmentValue::CenterOf(k as i32), data.get(b).and_then(|m| m.get(cat)).copied().unwrap_or(0))).collect();
            chart.draw_series(points.iter().map(|p| Circle::new(p.clone(), 3, c.filled()))).map_err(plot_err)?;
            chart.draw_series(LineSeries::new(points, c.stroke_width(2))).map_err(plot_err)?;
        }
        root.present().map_err(plot_err)?;
    }
    Ok(Plot { svg: buf, legend: legend_of(&cats) })
}

/// Bin edges 1, 2, 5, 10, 20, 50, ... past `max`.
pub fn log_edges(max: i64) -> Vec<i64> {
    let mut edges = vec![1i64];
    let mut decade = 1i64;
    while *edges.last().unwrap_or(&1) <= max {
        for m in [2, 5, 10] {
            edges.push(decade.saturating_mul(m));
        }
        decade = decade.saturating_mul(10);
        if decade >= i64::MAX / 10 {
            break;
        }
    }
    edges
}

/// `1 200` as `1.2k`, `3 000 000` as `3M`: axis labels.
fn short_count(v: f64) -> String {
    let (d, s) = if v >= 1e6 { (v / 1e6, "M") } else if v >= 1e3 { (v / 1e3, "k") } else { (v, "") };
    if (d - d.round()).abs() < 1e-9 {
        format!("{}{s}", d.round() as i64)
    } else {
        format!("{d:.1}{s}")
    }
}

/// A histogram of stated counts on a logarithmic count axis (bins 1-2, 2-5, 5-10, ...).
pub fn count_histogram(title: &str, counts: &[i64]) -> Result<Plot, ReportError> {
    let positive: Vec<i64> = counts.iter().copied().filter(|&c| c >= 1).collect();
    let Some(&max) = positive.iter().max() else {
        return Ok(Plot { svg: no_data(title), legend: Vec::new() });
    };
    let edges = log_edges(max);
    let mut bins = vec![0u64; edges.len() - 1];
    for c in &positive {
        let k = edges.windows(2).position(|w| *c >= w[0] && *c < w[1]).unwrap_or(bins.len() - 1);
        bins[k] += 1;
    }
    let ymax = (bins.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.15).ceil() as u64;
    let x_end = *edges.last().unwrap_or(&10) as f64;
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 16))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d((1f64..x_end).log_scale(), 0u64..ymax)
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc("stated count (count_low, else count_high), log scale")
            .x_label_formatter(&|v| short_count(*v))
            .y_desc("claims")
            .label_style((FONT, 11))
            .draw()
            .map_err(plot_err)?;
        let c = colour(0);
        chart
            .draw_series(bins.iter().enumerate().filter(|(_, &v)| v > 0).map(|(k, &v)| {
                let mut r = Rectangle::new([(edges[k] as f64, 0u64), (edges[k + 1] as f64, v)], c.filled());
                r.set_margin(0, 0, 1, 1);
                r
            }))
            .map_err(plot_err)?;
        root.present().map_err(plot_err)?;
    }
    Ok(Plot { svg: buf, legend: Vec::new() })
}
