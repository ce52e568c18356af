//! The days weeknote titles name, written the ways people write them.
//!
//! UK titles put the day first ("8 to 12 August 2022", "14.04.2020", "4/10/19"), some put the
//! month first ("Nov 24-30 2020"), some write ISO dates ("2020-04-03"), and Welsh titles use
//! Welsh month names, sometimes mutated after "o" ("3ydd o Fawrth").
//!
//! Word boundaries are ASCII ones, `(?-u:\b)`: the words they bound are ASCII, and they let
//! the regex crate use its fast engines, which keeps a 100,000-post build quick.

use std::sync::LazyLock;

use chrono::{Datelike, Month, NaiveDate};
use regex::{Captures, Regex};

/// A day a title names; the year only when the title gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Day {
    /// 1 to 31.
    pub day: u32,
    /// 1 to 12.
    pub month: u32,
    /// Four digits; "21" in "11 June 21" is 2021.
    pub year: Option<i32>,
}

impl Day {
    /// The date in `year` (or the day's own year), if that day exists.
    pub(super) fn in_year(self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year.unwrap_or(year), self.month, self.day)
    }

    /// Whether the day can exist: 29 February is allowed when the year is not known.
    fn is_valid(self) -> bool {
        self.in_year(2000).is_some()
    }
}

/// Where a title names a day, or a run of days ("3–7 March"), by byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Mention {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// The day named, or the first day of the run.
    pub first: Day,
    /// The last day of a run.
    pub last: Option<Day>,
}

impl Mention {
    /// How many days a run spans (Monday to Friday is 4), if it is a run and can be placed.
    pub(super) fn span_days(&self) -> Option<i64> {
        let last = self.last?;
        let year = last.year.or(self.first.year).unwrap_or(2001);
        let end = last.in_year(year)?;
        let start = self.first.in_year(year)?;
        Some((end - start).num_days())
    }

    /// Whether a run starts on a Monday; unknown (true) when the title gives no year.
    pub(super) fn starts_on_monday(&self) -> bool {
        match self.first.year {
            Some(year) => self
                .first
                .in_year(year)
                .is_some_and(|d| d.weekday() == chrono::Weekday::Mon),
            None => true,
        }
    }
}

/// Welsh month names, with the soft-mutated forms that follow "o" ("o Fawrth"), written out.
/// Ch, h and vowels do not mutate, so Chwefror, Hydref, Ionawr, Ebrill and Awst have one form.
const WELSH_MONTHS: [(&str, u32); 19] = [
    ("ionawr", 1),
    ("chwefror", 2),
    ("mawrth", 3),
    ("fawrth", 3),
    ("ebrill", 4),
    ("mai", 5),
    ("fai", 5),
    ("mehefin", 6),
    ("fehefin", 6),
    ("gorffennaf", 7),
    ("orffennaf", 7),
    ("awst", 8),
    ("medi", 9),
    ("fedi", 9),
    ("hydref", 10),
    ("tachwedd", 11),
    ("dachwedd", 11),
    ("rhagfyr", 12),
    ("ragfyr", 12),
];

/// The month a word names, 1 to 12: English as chrono reads it ("jan", "january", any case),
/// "sept" (which chrono does not take), or Welsh.
pub(super) fn month_of(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.').to_lowercase();
    if word == "sept" {
        return Some(9);
    }
    if let Ok(month) = word.parse::<Month>() {
        return Some(month.number_from_month());
    }
    WELSH_MONTHS
        .iter()
        .find(|(name, _)| *name == word)
        .map(|&(_, n)| n)
}

/// English and Welsh ordinal endings: 1st, 2nd, 3rd, 4th; 1af, 2il, 3ydd, 5ed, 7fed, 11eg, 21ain.
const ORD: &str = r"(?:st|nd|rd|th|af|il|ydd|ed|fed|eg|ain)?";
/// A word that may be a month; [`month_of`] decides.
const MON: &str = r"([A-Za-z]{3,10})\.?";
/// What joins the ends of a run: "-", "–", "to", "until", and Welsh "i", "tan", "hyd".
const TO: &str = r"\s*(?:-|–|—|to|until|till|i|tan|hyd)\s*";

/// "2020-04-03", "2020-04-3", "2020.04.03", and "2020 05 01" as Mark Lumley writes it.
static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(\d{4})(?:[-./](\d{1,2})[-./](\d{1,2})|\s(\d{2})\s(\d{2}))(?-u:\b)")
        .expect("valid")
});

/// "14.04.2020", "4/10/19", "28-07-2017": day first, with a year.
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(\d{1,2})([-./])(\d{1,2})[-./](\d{4}|\d{2})(?-u:\b)").expect("valid")
});

/// "weeks ending 7/6", "w/c 9/11": a day and month without a year, trusted only after the words
/// that name a week, since "Week 4/5" elsewhere would read as 4 May.
static NUMERIC_AFTER_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:(?-u:\b)w\s*/\s*c|(?-u:\b)ending|(?-u:\b)commencing|(?-u:\b)beginning|(?-u:\b)starting|(?-u:\b)dechrau|(?-u:\b)gorffen)[\s:,]*(\d{1,2})[./](\d{1,2})(?-u:\b)",
    )
    .expect("valid")
});

/// "8 to 12 August 2022", "3–7 March", "5-9 February 2024", "3 i 7 Mawrth".
static DAY_RUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b)(\d{{1,2}}){ORD}{TO}(\d{{1,2}}){ORD}(?:\s+o)?\s+{MON}(?:,?\s+(\d{{4}}|\d{{2}})(?-u:\b))?"
    ))
    .expect("valid")
});

/// "Nov 24-30 2020".
static MONTH_RUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b){MON}\s+(\d{{1,2}}){ORD}{TO}(\d{{1,2}}){ORD}(?-u:\b)(?:,?\s+(\d{{4}})(?-u:\b))?"
    ))
    .expect("valid")
});

/// "9 November", "20th September 2024", "11 June 21", "3ydd o Fawrth".
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b)(\d{{1,2}}){ORD}(?:\s+of|\s+o)?\s+{MON}(?:,?\s+(\d{{4}}|\d{{2}})(?-u:\b))?"
    ))
    .expect("valid")
});

/// "June 3, 2025", "Nov 24".
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b){MON}\s+(\d{{1,2}}){ORD}(?-u:\b)(?:,?\s+(\d{{4}})(?-u:\b))?"
    ))
    .expect("valid")
});

/// What may stand between two dates of one run: "16/12/19 - 20/12/19", "30 March to 3 April".
static BETWEEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)^{TO}$")).expect("valid"));

/// Every day or run of days `text` names, in order, none overlapping.
pub(super) fn mentions(text: &str) -> Vec<Mention> {
    let mut found: Vec<Mention> = Vec::new();
    // Every form has digits; most titles have none, and this keeps them cheap.
    if !text.contains(|c: char| c.is_ascii_digit()) {
        return found;
    }
    let finders: [fn(&str) -> Vec<Mention>; 7] = [
        iso,
        numeric,
        numeric_after_key,
        day_run,
        month_run,
        day_month,
        month_day,
    ];
    for finder in finders {
        for m in finder(text) {
            if !found.iter().any(|f| m.start < f.end && f.start < m.end) {
                found.push(m);
            }
        }
    }
    found.sort_by_key(|m| m.start);
    join_runs(text, found)
}

/// Two dates with only "-" or "to" between them are one run; the first takes the last's year.
fn join_runs(text: &str, found: Vec<Mention>) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::with_capacity(found.len());
    for m in found {
        if let Some(prev) = out.last_mut()
            && prev.last.is_none()
            && m.last.is_none()
            && text
                .get(prev.end..m.start)
                .is_some_and(|s| BETWEEN.is_match(s))
        {
            prev.end = m.end;
            prev.last = Some(m.first);
            prev.first = with_year_of(prev.first, m.first);
            continue;
        }
        out.push(m);
    }
    out
}

/// `first` in the year of `last`, or the year before when the run crosses New Year.
fn with_year_of(first: Day, last: Day) -> Day {
    match (first.year, last.year) {
        (None, Some(year)) => Day {
            year: Some(if first.month > last.month {
                year - 1
            } else {
                year
            }),
            ..first
        },
        _ => first,
    }
}

fn num<T: std::str::FromStr>(c: &Captures, i: usize) -> Option<T> {
    c.get(i).and_then(|m| m.as_str().parse().ok())
}

/// A year as written: "2022", or "22" for 2022.
fn year(c: &Captures, i: usize) -> Option<i32> {
    let digits = c.get(i)?.as_str();
    let y: i32 = digits.parse().ok()?;
    Some(if digits.len() == 2 { 2000 + y } else { y })
}

fn day(day: Option<u32>, month: Option<u32>, year: Option<i32>) -> Option<Day> {
    let d = Day {
        day: day?,
        month: month?,
        year,
    };
    d.is_valid().then_some(d)
}

fn mention(c: &Captures, first: Option<Day>, last: Option<Day>) -> Option<Mention> {
    let all = c.get(0)?;
    Some(Mention {
        start: all.start(),
        end: all.end(),
        first: first?,
        last,
    })
}

fn iso(text: &str) -> Vec<Mention> {
    ISO.captures_iter(text)
        .filter_map(|c| {
            let y = num(&c, 1);
            let (m, d) = if c.get(2).is_some() { (2, 3) } else { (4, 5) };
            mention(&c, day(num(&c, d), num(&c, m), y), None)
        })
        .collect()
}

fn numeric(text: &str) -> Vec<Mention> {
    NUMERIC
        .captures_iter(text)
        .filter_map(|c| mention(&c, day(num(&c, 1), num(&c, 3), year(&c, 4)), None))
        .collect()
}

fn numeric_after_key(text: &str) -> Vec<Mention> {
    NUMERIC_AFTER_KEY
        .captures_iter(text)
        .filter_map(|c| {
            let (d, m) = (c.get(1)?, c.get(2)?);
            Some(Mention {
                start: d.start(),
                end: m.end(),
                first: day(num(&c, 1), num(&c, 2), None)?,
                last: None,
            })
        })
        .collect()
}

fn day_run(text: &str) -> Vec<Mention> {
    DAY_RUN
        .captures_iter(text)
        .filter_map(|c| {
            let month = month_of(c.get(3)?.as_str());
            let y = year(&c, 4);
            let first = day(num(&c, 1), month, y);
            let last = day(num(&c, 2), month, y);
            mention(&c, first, Some(last?))
        })
        .collect()
}

fn month_run(text: &str) -> Vec<Mention> {
    MONTH_RUN
        .captures_iter(text)
        .filter_map(|c| {
            let month = month_of(c.get(1)?.as_str());
            let y = year(&c, 4);
            let first = day(num(&c, 2), month, y);
            let last = day(num(&c, 3), month, y);
            mention(&c, first, Some(last?))
        })
        .collect()
}

fn day_month(text: &str) -> Vec<Mention> {
    DAY_MONTH
        .captures_iter(text)
        .filter_map(|c| {
            let month = month_of(c.get(2)?.as_str());
            mention(&c, day(num(&c, 1), month, year(&c, 3)), None)
        })
        .collect()
}

fn month_day(text: &str) -> Vec<Mention> {
    MONTH_DAY
        .captures_iter(text)
        .filter_map(|c| {
            let month = month_of(c.get(1)?.as_str());
            mention(&c, day(num(&c, 2), month, year(&c, 3)), None)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(text: &str) -> Option<(Day, Option<Day>)> {
        mentions(text).first().map(|m| (m.first, m.last))
    }

    fn d(day: u32, month: u32, year: Option<i32>) -> Day {
        Day { day, month, year }
    }

    #[test]
    fn months_are_read_by_chrono_with_sept_and_welsh_added() {
        for (word, n) in [
            ("jan", 1),
            ("January", 1),
            ("SEPT", 9),
            ("Sept.", 9),
            ("sep", 9),
            ("Mawrth", 3),
            ("Fawrth", 3),
            ("Medi", 9),
            ("Rhagfyr", 12),
            ("Orffennaf", 7),
        ] {
            assert_eq!(month_of(word), Some(n), "{word}");
        }
        for word in ["septem", "mayday", "dechrau", "week", "ŵyl", ""] {
            assert_eq!(month_of(word), None, "{word}");
        }
    }

    #[test]
    fn days_are_read_in_the_forms_titles_use() {
        let cases: &[(&str, Day, Option<Day>)] = &[
            ("w/c 14.04.2020", d(14, 4, Some(2020)), None),
            ("Week notes – 4/10/19", d(4, 10, Some(2019)), None),
            ("Week 1: 28-07-2017", d(28, 7, Some(2017)), None),
            ("week ending: 2020-04-3", d(3, 4, Some(2020)), None),
            ("2020 05 01 — Weeknotes", d(1, 5, Some(2020)), None),
            ("weeks ending 7/6, 14/6", d(7, 6, None), None),
            ("w/c 9 November", d(9, 11, None), None),
            (
                "week ending 20th September 2024",
                d(20, 9, Some(2024)),
                None,
            ),
            ("Weeknote: 11 June 21", d(11, 6, Some(2021)), None),
            ("Daily Note: June 3, 2025", d(3, 6, Some(2025)), None),
            ("3ydd o Fawrth 2023", d(3, 3, Some(2023)), None),
            ("Nodiadau'r wythnos 17 Mawrth", d(17, 3, None), None),
            (
                "Weeknote: 8 to 12 August 2022",
                d(8, 8, Some(2022)),
                Some(d(12, 8, Some(2022))),
            ),
            ("3–7 March", d(3, 3, None), Some(d(7, 3, None))),
            (
                "Weeknote Nov 24-30 2020",
                d(24, 11, Some(2020)),
                Some(d(30, 11, Some(2020))),
            ),
            (
                "D7:S3 (16/12/19 - 20/12/19)",
                d(16, 12, Some(2019)),
                Some(d(20, 12, Some(2019))),
            ),
            (
                "30 December to 3 January 2025",
                d(30, 12, Some(2024)),
                Some(d(3, 1, Some(2025))),
            ),
        ];
        for (text, a, b) in cases {
            assert_eq!(first(text), Some((*a, *b)), "{text:?}");
        }
    }

    #[test]
    fn numbers_that_are_not_days_are_left_alone() {
        for text in [
            "Week 43/52",
            "Weeknote 04/2023",
            "Week 4/5",
            "Accessibility in the News—01/13/17.",
            "6.31 — weeknotes",
            "27/28/29/30 weeks",
            "Weeknotes 12 & 13",
            "3 things in May",
            "31 February",
        ] {
            assert_eq!(first(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_working_week_spans_four_days_from_a_monday() {
        let m = mentions("16/12/19 - 20/12/19")[0];
        assert_eq!(m.span_days(), Some(4));
        assert!(m.starts_on_monday());
        let m = mentions("17/12/19 - 21/12/19")[0];
        assert!(!m.starts_on_monday());
    }
}
