//! Precision and recall of `detect_title` on the shared corpus of labelled titles.
//!
//! `cargo test --test weeknotes -- --nocapture` prints the figures and every miss.

use roundup::weeknotes::detect_title;

/// Titles labelled `yes` because their blog tags or feeds them as weeknotes, not for their
/// words (SOURCES.md, "Hard positives"). Their title alone need not catch them.
const HARD_POSITIVES: [&str; 7] = [
    "A tough week",
    "End of the week, sprint, month and quarter",
    "Service assessment looming",
    "Volunteers, a11y links, HIAC wrap",
    "Metadata, ports, overseas territories",
    "The Threeknotes",
    "Sprint 4",
];

struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
}

fn score(rows: &[(&str, bool)]) -> Score {
    let mut s = Score {
        tp: 0,
        fp: 0,
        fn_: 0,
    };
    for &(title, yes) in rows {
        match (detect_title(title).is_some(), yes) {
            (true, true) => s.tp += 1,
            (true, false) => s.fp += 1,
            (false, true) => s.fn_ += 1,
            (false, false) => {}
        }
    }
    s
}

#[test]
fn detect_title_is_precise_and_recalls_on_the_corpus() {
    let tsv = include_str!("fixtures/weeknotes/titles.tsv");
    let rows: Vec<(&str, bool)> = tsv
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.split('\t');
            let title = cols.next()?;
            let label = cols.next()?;
            Some((title, label == "yes"))
        })
        .collect();
    let easy: Vec<(&str, bool)> = rows
        .iter()
        .copied()
        .filter(|(t, _)| !HARD_POSITIVES.contains(t))
        .collect();
    for &(title, yes) in &rows {
        let found = detect_title(title);
        if found.is_some() != yes {
            let kind = if yes {
                "false negative"
            } else {
                "false positive"
            };
            let hard = if HARD_POSITIVES.contains(&title) {
                " (hard positive)"
            } else {
                ""
            };
            println!("{kind}{hard}: {title}");
        }
    }
    let all = score(&rows);
    let without = score(&easy);
    println!(
        "whole file ({} titles): precision {:.3}, recall {:.3} (tp {}, fp {}, fn {})",
        rows.len(),
        all.precision(),
        all.recall(),
        all.tp,
        all.fp,
        all.fn_
    );
    println!(
        "without hard positives ({} titles): precision {:.3}, recall {:.3} (tp {}, fp {}, fn {})",
        easy.len(),
        without.precision(),
        without.recall(),
        without.tp,
        without.fp,
        without.fn_
    );
    assert!(all.precision() >= 0.9 && all.recall() >= 0.9);
    assert!(without.precision() >= 0.9 && without.recall() >= 0.9);
}
