//! The HTML report's two charts as inline SVG (no script, no external image, so the CSP
//! holds and the report prints): the delay of each Received hop as bars, and the trace
//! timeline as one lane per journey. Text in them goes through [`Markup`] like the rest.

use super::markup::Markup;
use super::summary::{HopRow, JourneySummary, TimelineEntry};

/// Bars drawn at most; the table under the chart lists every hop.
const MAX_BARS: usize = 60;
/// Width of the drawing in user units.
const WIDTH: f64 = 720.0;
/// Width of the label column.
const LABEL: f64 = 260.0;
/// Height of one bar or lane.
const ROW: f64 = 24.0;
/// Characters of a host name shown in a bar's label.
const LABEL_CHARS: usize = 30;

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let head: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{head}…")
    }
}

fn svg_open(m: &mut Markup, height: f64, label: &str) {
    let view = format!("0 0 {WIDTH:.0} {height:.0}");
    m.open(
        "svg",
        &[
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("viewBox", &view),
            ("class", "chart"),
            ("role", "img"),
            ("aria-label", label),
        ],
    );
    m.element("title", &[], label);
}

fn text_at(m: &mut Markup, x: f64, y: f64, class: &'static str, text: &str) {
    m.trusted("<text x=\"")
        .number(x)
        .trusted("\" y=\"")
        .number(y)
        .trusted("\" class=\"");
    m.trusted(class).trusted("\">").text(text).close("text");
}

/// A rectangle at `(x, y)` of `(width, height)`.
fn rect(m: &mut Markup, (x, y): (f64, f64), (width, height): (f64, f64), class: &'static str) {
    m.trusted("<rect x=\"")
        .number(x)
        .trusted("\" y=\"")
        .number(y)
        .trusted("\" width=\"")
        .number(width)
        .trusted("\" height=\"")
        .number(height)
        .trusted("\" class=\"")
        .trusted(class)
        .trusted("\"/>");
}

/// The hop-delay bar chart, or nothing when no hop has a delay.
pub fn hop_delays(m: &mut Markup, hops: &[HopRow]) {
    let shown = hops.get(..hops.len().min(MAX_BARS)).unwrap_or_default();
    let longest = shown
        .iter()
        .filter_map(|h| h.delay_seconds)
        .fold(0.0_f64, f64::max);
    if shown.iter().all(|h| h.delay_seconds.is_none()) {
        return;
    }
    let height = ROW * shown.len() as f64 + 8.0;
    svg_open(m, height, "Delay added by each Received hop");
    let bar_space = WIDTH - LABEL - 90.0;
    for (i, hop) in shown.iter().enumerate() {
        let y = ROW * i as f64 + 4.0;
        let host = if hop.by.is_empty() { "?" } else { &hop.by };
        let label = format!("{}. {}", hop.index, shorten(host, LABEL_CHARS));
        text_at(m, LABEL - 8.0, y + ROW * 0.65, "label", &label);
        let width = match hop.delay_seconds {
            Some(d) if longest > 0.0 => (d / longest * bar_space).max(1.0),
            _ => 0.0,
        };
        let class = if hop.delay_seconds.is_none() {
            "bar unknown"
        } else if width > bar_space * 0.5 {
            "bar slow"
        } else {
            "bar"
        };
        m.open("g", &[]);
        m.element(
            "title",
            &[],
            &format!(
                "Hop {}: {} → {}, delay {}",
                hop.index, hop.from, hop.by, hop.delay
            ),
        );
        rect(m, (LABEL, y + 4.0), (width.max(1.0), ROW - 8.0), class);
        m.close("g");
        text_at(m, LABEL + width + 6.0, y + ROW * 0.65, "value", &hop.delay);
    }
    m.close("svg");
}

/// The timeline chart: one lane per journey, a marker per shown event at its offset from
/// the first event, or nothing when no event has a time.
pub fn timeline(m: &mut Markup, journeys: &[JourneySummary]) {
    let events = || {
        journeys.iter().flat_map(|j| {
            j.entries.iter().filter_map(|e| match e {
                TimelineEntry::Event(e) => Some(e),
                TimelineEntry::Omitted(_) => None,
            })
        })
    };
    let Some(span) = events().filter_map(|e| e.offset_seconds).reduce(f64::max) else {
        return;
    };
    let axis = 28.0;
    let height = ROW * journeys.len() as f64 + axis + 8.0;
    svg_open(m, height, "Trace timeline: events per journey over time");
    let plot = WIDTH - LABEL - 20.0;
    let x_of = |offset: f64| {
        if span > 0.0 {
            LABEL + offset / span * plot
        } else {
            LABEL + plot / 2.0
        }
    };
    for (i, j) in journeys.iter().enumerate() {
        let y = ROW * i as f64 + 4.0;
        let label = format!("Journey {} ({})", j.number, j.status.label());
        text_at(m, LABEL - 8.0, y + ROW * 0.65, "label", &label);
        rect(m, (LABEL, y + ROW / 2.0 - 1.0), (plot, 2.0), "lane");
        for e in j.entries.iter().filter_map(|e| match e {
            TimelineEntry::Event(e) => Some(e),
            TimelineEntry::Omitted(_) => None,
        }) {
            let Some(offset) = e.offset_seconds else {
                continue;
            };
            m.open("g", &[]);
            m.element(
                "title",
                &[],
                &format!("{} {}: {}", e.time, e.event, e.detail),
            );
            m.trusted("<circle cx=\"")
                .number(x_of(offset))
                .trusted("\" cy=\"")
                .number(y + ROW / 2.0)
                .trusted("\" r=\"5\" class=\"")
                .trusted(event_class(&e.event))
                .trusted("\"></circle>");
            m.close("g");
        }
    }
    let y = ROW * journeys.len() as f64 + 4.0;
    rect(m, (LABEL, y), (plot, 1.0), "axis");
    text_at(m, LABEL, y + 18.0, "tick", "0");
    let end = format!("+{}", super::summary::duration_words(span));
    text_at(m, LABEL + plot - 60.0, y + 18.0, "tick", &end);
    m.close("svg");
}

/// The marker colour class of an event: failures red, delays amber, delivery green.
fn event_class(event: &str) -> &'static str {
    let e = event.to_ascii_lowercase();
    if ["fail", "drop", "malware", "dlp"]
        .iter()
        .any(|w| e.contains(w))
    {
        "ev bad"
    } else if ["defer", "spam", "rule", "quarantine"]
        .iter()
        .any(|w| e.contains(w))
    {
        "ev warn"
    } else if ["deliver", "send external"].iter().any(|w| e.contains(w)) {
        "ev good"
    } else {
        "ev"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::Status;
    use crate::export::summary::EventRow;

    fn hop(index: u32, by: &str, delay: Option<f64>) -> HopRow {
        HopRow {
            index,
            from: "a".into(),
            by: by.into(),
            with: String::new(),
            time: String::new(),
            delay_seconds: delay,
            delay: delay.map_or("—".into(), |d| format!("{d} s")),
            tls: String::new(),
        }
    }

    #[test]
    fn bars_are_scaled_to_the_longest_delay_and_labels_escaped() {
        let mut m = Markup::new();
        hop_delays(
            &mut m,
            &[hop(1, "<b>x</b>", Some(2.0)), hop(2, "y", Some(4.0))],
        );
        let svg = m.finish();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("&lt;b&gt;x&lt;/b&gt;"));
        assert!(svg.contains("width=\"370.0\""), "{svg}");
        assert!(svg.contains("width=\"185.0\""), "{svg}");
    }

    #[test]
    fn no_delays_and_no_times_draw_nothing() {
        let mut m = Markup::new();
        hop_delays(&mut m, &[hop(1, "x", None)]);
        timeline(
            &mut m,
            &[JourneySummary {
                number: 1,
                status: Status::Delivered,
                recipients: String::new(),
                duration: None,
                hand_off: false,
                entries: vec![TimelineEntry::Event(EventRow {
                    time: String::new(),
                    offset_seconds: None,
                    event: "Receive".into(),
                    detail: String::new(),
                })],
            }],
        );
        assert_eq!(m.finish(), "");
    }
}
