//! A diagram as an SVG image: the terminal layout's boxes as rectangles
//! with text, its arrows as paths ending in a marker, names shown as on the
//! terminal (`escape::visible_name`) and XML-escaped.
//! Pure and deterministic: the same diagram gives the same bytes.
//!
//! Written by hand: it is the same cell layout as the terminal drawing,
//! scaled, and a handful of elements; an SVG crate would add nothing.

use std::fmt::Write as _;

use super::Diagram;
use super::layout;
use super::text::{edges, lines_with};
use crate::escape::visible_name;

/// Pixels per character cell, across and down.
const CELL_WIDTH: usize = 8;
const CELL_HEIGHT: usize = 18;
/// Blank pixels around the drawing.
const MARGIN: usize = 8;

/// The diagram as a standalone SVG document.
pub fn draw(diagram: &Diagram) -> String {
    let lines = lines_with(diagram, "→", false, |s| {
        visible_name(s, false).into_owned()
    });
    let placed = layout::place(&lines, &edges(diagram));
    let x = |cell: usize| MARGIN + cell * CELL_WIDTH + CELL_WIDTH / 2;
    let y = |cell: usize| MARGIN + cell * CELL_HEIGHT + CELL_HEIGHT / 2;
    let (width, height) = (
        placed.width * CELL_WIDTH + 2 * MARGIN,
        placed.height * CELL_HEIGHT + 2 * MARGIN,
    );
    let mut out = String::new();
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"monospace\" font-size=\"13\">\n\
         <defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
         markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">\
         <path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333\"/></marker></defs>\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    for (b, text) in placed.boxes.iter().zip(&lines) {
        let (left, top) = (x(b.x), y(b.y));
        let (right, bottom) = (x(b.x + b.width - 1), y(b.y + b.height - 1));
        let _ = writeln!(
            out,
            "<g><rect x=\"{left}\" y=\"{top}\" width=\"{}\" height=\"{}\" fill=\"#f6f8fa\" stroke=\"#333\"/>",
            right - left,
            bottom - top
        );
        if b.height > 3 {
            let rule = y(b.y + 2);
            let _ = writeln!(
                out,
                "<line x1=\"{left}\" y1=\"{rule}\" x2=\"{right}\" y2=\"{rule}\" stroke=\"#333\"/>"
            );
        }
        for (i, line) in text.iter().enumerate() {
            let row = b.y + if i == 0 { 1 } else { i + 2 };
            let weight = if i == 0 { " font-weight=\"bold\"" } else { "" };
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" dominant-baseline=\"central\" xml:space=\"preserve\"{weight}>{}</text>",
                x(b.x + 2) - CELL_WIDTH / 2,
                y(row),
                escape(line)
            );
        }
        out.push_str("</g>\n");
    }
    for arrow in &placed.arrows {
        let mut d = String::new();
        let last = arrow.points.len() - 1;
        for (i, &(cx, cy)) in arrow.points.iter().enumerate() {
            let mut px = x(cx);
            // The head's tip touches the target box's border.
            if i == last {
                px = if arrow.leftward {
                    px - CELL_WIDTH / 2
                } else {
                    px + CELL_WIDTH / 2
                };
            }
            let _ = write!(d, "{}{px},{}", if i == 0 { "M" } else { " L" }, y(cy));
        }
        let link = &diagram.links[arrow.link];
        let _ = writeln!(
            out,
            "<path d=\"{d}\" fill=\"none\" stroke=\"#333\" marker-end=\"url(#head)\"><title>{}</title></path>",
            escape(&visible_name(
                &format!(
                    "{} ({}) → {} ({})",
                    diagram.tables[link.from].title,
                    link.columns.join(", "),
                    diagram.tables[link.to].title,
                    link.ref_columns.join(", ")
                ),
                false
            ))
        );
    }
    out.push_str("</svg>\n");
    out
}

/// `text` safe inside an XML element or attribute (names come through
/// `visible_name`, so no control character is left to replace).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}
