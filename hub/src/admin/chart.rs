//! Bar charts for the admin pages as inline SVG: no script, nothing fetched, drawn by the
//! browser from the page itself (the Content-Security-Policy allows it), readable
//! without the picture: the chart names itself and its figures in `<title>` and
//! `<desc>`, and every bar carries its label and value in a `<title>` a pointer shows.
//! The table beside each chart holds the same figures.

use std::fmt::Write;

use super::html::esc;

/// One bar: its label (escaped here) and value, with the value as the page shows it.
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub shown: String,
}

const WIDTH: i64 = 720;
const HEIGHT: i64 = 180;
/// Room under the bars for the first and last labels.
const AXIS: i64 = 20;

/// A bar chart of `bars` in order; negative values hang below the zero line. `title`
/// names the chart for screen readers (escaped here).
pub fn bars(title: &str, bars: &[Bar]) -> String {
    if bars.is_empty() {
        return String::new();
    }
    let max = bars.iter().map(|b| b.value.max(0)).max().unwrap_or(0);
    let min = bars.iter().map(|b| b.value.min(0)).min().unwrap_or(0);
    let span = (max - min).max(1);
    let plot = HEIGHT - AXIS;
    let zero = plot * max / span;
    let n = i64::try_from(bars.len()).unwrap_or(i64::MAX);
    let slot = (WIDTH / n).max(1);
    let gap = (slot / 5).min(6);
    let desc: Vec<String> = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.shown))
        .collect();
    let mut out = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
         preserveAspectRatio=\"none\" aria-label=\"{title}\">\n<title>{title}</title>\n\
         <desc>{desc}</desc>\n",
        title = esc(title),
        desc = esc(&desc.join("; "))
    );
    for (i, bar) in bars.iter().enumerate() {
        let x = i64::try_from(i).unwrap_or(0) * slot + gap / 2;
        let h = (plot * bar.value.abs() / span).max(i64::from(bar.value != 0));
        let (y, class) = if bar.value >= 0 {
            (zero - h, "bar")
        } else {
            (zero, "bar negative")
        };
        let _ = writeln!(
            out,
            "<rect class=\"{class}\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\">\
             <title>{label}: {shown}</title></rect>",
            w = (slot - gap).max(1),
            label = esc(&bar.label),
            shown = esc(&bar.shown)
        );
    }
    let _ = writeln!(
        out,
        "<line class=\"axis\" x1=\"0\" y1=\"{zero}\" x2=\"{WIDTH}\" y2=\"{zero}\"></line>"
    );
    if let (Some(first), Some(last)) = (bars.first(), bars.last()) {
        let _ = writeln!(
            out,
            "<text x=\"0\" y=\"{HEIGHT}\" class=\"tick\">{}</text>",
            esc(&first.label)
        );
        if bars.len() > 1 {
            let _ = writeln!(
                out,
                "<text x=\"{WIDTH}\" y=\"{HEIGHT}\" class=\"tick end\">{}</text>",
                esc(&last.label)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: i64) -> Bar {
        Bar {
            label: label.into(),
            value,
            shown: format!("{value} €"),
        }
    }

    fn heights(svg: &str) -> Vec<i64> {
        svg.split("height=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next()?.parse().ok())
            .collect()
    }

    #[test]
    fn bars_are_scaled_to_the_largest_and_named_for_screen_readers() {
        let svg = bars(
            "Net <sales>",
            &[bar("1 Dec", 100), bar("2 Dec", 50), bar("3 Dec", 0)],
        );
        assert!(svg.contains("<title>Net &lt;sales&gt;</title>"));
        assert!(svg.contains("<desc>1 Dec: 100 €; 2 Dec: 50 €; 3 Dec: 0 €</desc>"));
        // Only the bars carry a height attribute.
        assert_eq!(heights(&svg), vec![160, 80, 0]);
        assert!(svg.contains(">1 Dec</text>") && svg.contains(">3 Dec</text>"));
    }

    #[test]
    fn a_negative_day_hangs_below_the_zero_line() {
        let svg = bars("Net", &[bar("a", 300), bar("b", -100)]);
        assert_eq!(heights(&svg), vec![120, 40]);
        assert!(svg.contains("class=\"bar negative\" x=\"363\" y=\"120\""));
        assert!(svg.contains("y1=\"120\""));
        assert!(bars("Net", &[]).is_empty());
    }

    #[test]
    fn labels_cannot_break_out_of_the_picture() {
        let svg = bars("t", &[bar("</svg><script>x</script>", 1)]);
        assert!(!svg.contains("<script>"));
    }
}
