//! The pulse page's charts, drawn at build time as plain SVG: bars and nothing else, no script,
//! no text. A template wraps each drawing in its `<svg viewBox role="img" aria-label>`, so the
//! chart's name comes from the interface's catalogue in the page's language, and its colours
//! come from the theme's stylesheet (classes, never inline colours), so they follow the light
//! and dark schemes. Every bar carries its figure as `data-` attributes, so the drawing can be
//! checked against the table beneath it.
//!
//! Written with quick-xml rather than a charting crate: those that draw SVG (plotters,
//! charts-rs) measure their labels with a font stack and write colours into the drawing; these
//! charts have no labels of their own and must take their colours from the page.

use quick_xml::Writer;
use serde::Serialize;

use crate::xml::{Xml, empty};

/// The inside of one inline SVG and its coordinate system.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct Drawing {
    /// For the `viewBox` attribute.
    pub view_box: String,
    /// The SVG elements, safe to insert as they are.
    pub body: String,
}

/// Units of height of a column chart; widths are [`COLUMN`] per column.
const HEIGHT: f64 = 40.0;
/// Units of width of one column, its gap included.
const COLUMN: f64 = 10.0;
/// The gap between columns, so that bars side by side stay apart.
const GAP: f64 = 2.0;
/// Units of width of a bar chart's full bar.
const WIDTH: f64 = 100.0;
/// Units of height of one bar.
const BAR: f64 = 10.0;

/// Vertical bars, one per column, each `value / max` of the full height; every bar, a zero one
/// too (of no height), names its column (`keys`) and its value in `data-key` and `data-value`.
pub(super) fn columns(values: &[usize], keys: &[String], max: usize) -> Drawing {
    let width = COLUMN * values.len() as f64;
    let body = draw(|w| {
        for (i, (&value, key)) in values.iter().zip(keys).enumerate() {
            let height = share(value, max) * HEIGHT;
            empty(
                w,
                "rect",
                &[
                    ("class", "chart-bar"),
                    ("x", &number(i as f64 * COLUMN + GAP / 2.0)),
                    ("y", &number(HEIGHT - height)),
                    ("width", &number(COLUMN - GAP)),
                    ("height", &number(height)),
                    ("data-key", key),
                    ("data-value", &value.to_string()),
                ],
            )?;
        }
        baseline(w, width, HEIGHT)
    });
    Drawing {
        view_box: format!("0 0 {} {}", number(width), number(HEIGHT)),
        body,
    }
}

/// One horizontal bar, `value / max` of the full width, under an outlined bar `outline / max`
/// wide when there is one (a longest run behind a current one): filled and outlined tell
/// the two apart without colour. The figures are in `data-value` and `data-outline`.
pub(super) fn bar(value: usize, outline: Option<usize>, max: usize) -> Drawing {
    let body = draw(|w| {
        empty(
            w,
            "rect",
            &[
                ("class", "chart-bar"),
                ("x", "0"),
                ("y", "0"),
                ("width", &number(share(value, max) * WIDTH)),
                ("height", &number(BAR)),
                ("data-value", &value.to_string()),
            ],
        )?;
        // Over the filled bar, so its edge shows where the two are as long.
        if let Some(outline) = outline {
            empty(
                w,
                "rect",
                &[
                    ("class", "chart-outline"),
                    ("x", "0"),
                    ("y", "0"),
                    ("width", &number(share(outline, max) * WIDTH)),
                    ("height", &number(BAR)),
                    ("vector-effect", "non-scaling-stroke"),
                    ("data-outline", &outline.to_string()),
                ],
            )?;
        }
        Ok(())
    });
    Drawing {
        view_box: format!("0 0 {} {}", number(WIDTH), number(BAR)),
        body,
    }
}

/// The line bars stand on, so that a row of zeros still reads as a chart.
fn baseline(w: &mut Xml, width: f64, y: f64) -> std::io::Result<()> {
    empty(
        w,
        "line",
        &[
            ("class", "chart-axis"),
            ("x1", "0"),
            ("y1", &number(y)),
            ("x2", &number(width)),
            ("y2", &number(y)),
            ("vector-effect", "non-scaling-stroke"),
        ],
    )
}

fn draw(body: impl FnOnce(&mut Xml) -> std::io::Result<()>) -> String {
    let mut w = Writer::new(Vec::new());
    body(&mut w).expect("writing SVG to memory cannot fail");
    String::from_utf8(w.into_inner()).expect("quick-xml writes UTF-8")
}

/// `value / max`, 0 when `max` is 0; never more than 1.
fn share(value: usize, max: usize) -> f64 {
    if max == 0 {
        0.0
    } else {
        (value as f64 / max as f64).min(1.0)
    }
}

/// A coordinate with at most two decimals and no trailing zeros: `12`, `3.5`, `0.33`.
fn number(n: f64) -> String {
    let text = format!("{n:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `(attribute, value)` pairs of every `rect`, read back with an XML reader.
    fn rects(body: &str) -> Vec<Vec<(String, String)>> {
        let mut reader = quick_xml::Reader::from_str(body);
        let mut found = Vec::new();
        loop {
            match reader.read_event().unwrap() {
                quick_xml::events::Event::Empty(e) if e.name().as_ref() == "rect" => {
                    found.push(
                        e.attributes()
                            .map(|a| {
                                let a = a.unwrap();
                                (
                                    a.key.as_ref().to_string(),
                                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                        .unwrap()
                                        .into_owned(),
                                )
                            })
                            .collect(),
                    );
                }
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
        }
        found
    }

    fn get<'a>(rect: &'a [(String, String)], name: &str) -> &'a str {
        &rect.iter().find(|(k, _)| k == name).unwrap().1
    }

    #[test]
    fn columns_stand_on_the_baseline_in_proportion_and_carry_their_figures() {
        let keys: Vec<String> = ["2026-W46", "2026-W47", "2026-W48"]
            .map(String::from)
            .to_vec();
        let drawing = columns(&[2, 0, 4], &keys, 4);
        assert_eq!(drawing.view_box, "0 0 30 40");
        let rects = rects(&drawing.body);
        assert_eq!(
            rects.len(),
            3,
            "a zero is a bar of no height, not a missing one"
        );
        let heights: Vec<&str> = rects.iter().map(|r| get(r, "height")).collect();
        assert_eq!(heights, ["20", "0", "40"]);
        assert_eq!(get(&rects[0], "y"), "20");
        assert_eq!(get(&rects[2], "data-key"), "2026-W48");
        assert_eq!(get(&rects[2], "data-value"), "4");
        assert!(drawing.body.contains(r#"class="chart-axis""#));
        assert!(
            !drawing.body.contains("fill"),
            "colours come from the stylesheet"
        );
    }

    #[test]
    fn a_bar_is_filled_over_its_outline() {
        let drawn = rects(&bar(3, Some(12), 12).body);
        assert_eq!(get(&drawn[0], "class"), "chart-bar");
        assert_eq!(get(&drawn[0], "width"), "25");
        assert_eq!(get(&drawn[0], "data-value"), "3");
        assert_eq!(get(&drawn[1], "class"), "chart-outline");
        assert_eq!(get(&drawn[1], "width"), "100");
        assert_eq!(get(&drawn[1], "data-outline"), "12");
        assert_eq!(rects(&bar(0, None, 0).body).len(), 1);
    }

    #[test]
    fn keys_are_escaped() {
        let drawing = columns(&[1], &["a\"<b>".to_string()], 1);
        assert!(
            drawing.body.contains("a&quot;&lt;b&gt;"),
            "{}",
            drawing.body
        );
    }
}
