//! Telling a weeknote from other posts, and which week it belongs to.
//!
//! Teams title their notes many ways: "Weeknotes #12", "Week notes: 3 March", "Weeknote 23",
//! "w/c 3 March", "Sprint notes 14", "Pay team weeknotes s3e2". Posts *about* weeknotes ("What
//! are weeknotes?", "A year of weeknotes") are not weeknotes.

use std::sync::LazyLock;

use chrono::{DateTime, Datelike, FixedOffset, IsoWeek, NaiveDate};
use chrono_tz::Tz;
use regex::Regex;

use crate::slug::term_key;

/// Tags that mark a post as a weeknote, compared as terms are.
const TAGS: [&str; 5] = [
    "weeknotes",
    "weeknote",
    "week notes",
    "week note",
    "sprint notes",
];

/// What a weeknote's title says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Detected {
    /// The number in a series: 12 in "Weeknotes #12".
    pub number: Option<u32>,
    /// The day and month of "w/c 9 November", if the title names its week.
    pub commencing: Option<(u32, u32)>,
}

const MONTHS: &str = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";

/// "weeknotes", "week notes", "weeknote", "sprint notes", "sprintnotes".
static NOTES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:week|sprint)[ -]?notes?\b").expect("a valid pattern"));

/// What may follow the word in a weeknote's title: nothing, a number, a date, a separator.
static AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^\s*(?:$|[#:,–—(|\-/]|no\.?\s*\d|number\s*\d|\d|s\d+\s*e(?:p)?\d|w/?c\b|for\b|from\b|week\b|(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})|(?:{MONTHS})\b))"
    ))
    .expect("a valid pattern")
});

/// Words before "weeknotes" that make the title about weeknotes rather than one of them.
static ABOUT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:what|why|how|about|on|of|writing|write|wrote|read|reading|start|starting|stop|stopping|love|hate|guide|tips|year|years|into|are|is|my thoughts|reflections?)\b")
        .expect("a valid pattern")
});

/// "w/c 9 November", "week commencing 9th Nov", "week beginning 9 November".
static COMMENCING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:w/?c|week\s+(?:commencing|beginning|starting|of))\s*:?\s*(?:mon(?:day)?\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTHS})\b"
    ))
    .expect("a valid pattern")
});

/// A title that opens with the week: "Week 47", "2024 week 40", "w/c 3 March".
static WEEK_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:(?:\d{4}[ ,-]+)?week\s+(\d{1,2})\b|w/?c\b|week\s+(?:commencing|beginning)\b)",
    )
    .expect("a valid pattern")
});

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:[#:,–—\-]\s*)?(?:#|no\.?|number)?\s*(\d{1,4})\b(?:\s*(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))?")
        .expect("a valid pattern")
});

/// Whether a post is a weeknote by its title, and what its title says.
pub fn detect_title(title: &str) -> Option<Detected> {
    let commencing = COMMENCING.captures(title).and_then(|c| {
        let day: u32 = c[1].parse().ok()?;
        Some((day, month_number(&c[2])?))
    });
    if let Some(week_first) = WEEK_FIRST.captures(title) {
        let number = week_first.get(1).and_then(|n| n.as_str().parse().ok());
        return Some(Detected { number, commencing });
    }
    let found = NOTES.find(title)?;
    let (before, after) = (&title[..found.start()], &title[found.end()..]);
    if ABOUT.is_match(before) || before.split_whitespace().count() > 6 || !AFTER.is_match(after) {
        return None;
    }
    // "Weeknotes 3 March" is a date, not number 3.
    let number = NUMBER
        .captures(after)
        .filter(|c| {
            !c[0]
                .trim_end()
                .chars()
                .last()
                .is_some_and(char::is_alphabetic)
        })
        .and_then(|c| c[1].parse().ok())
        .or_else(|| series_episode(after));
    Some(Detected { number, commencing })
}

/// "s3e02" and "s3 ep2" carry the episode as the number.
fn series_episode(after: &str) -> Option<u32> {
    static EPISODE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\bs\d+\s*e(?:p)?(\d+)").expect("a valid pattern"));
    EPISODE.captures(after).and_then(|c| c[1].parse().ok())
}

/// Whether a tag marks its post as a weeknote.
pub fn is_weeknote_tag(tag: &str) -> bool {
    let key = term_key(tag);
    TAGS.iter().any(|t| *t == key)
}

fn month_number(name: &str) -> Option<u32> {
    let prefix: String = name.to_ascii_lowercase().chars().take(3).collect();
    [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|m| *m == prefix)
    .map(|i| i as u32 + 1)
}

/// The ISO week a weeknote belongs to: the week its title names ("w/c 9 November", taken in the
/// year that puts it nearest the post), else the week it was published in, in the site's zone.
pub fn week_of(published: DateTime<FixedOffset>, tz: Tz, detected: Option<Detected>) -> IsoWeek {
    let local = published.with_timezone(&tz).date_naive();
    let named = detected
        .and_then(|d| d.commencing)
        .and_then(|(day, month)| {
            [local.year() - 1, local.year(), local.year() + 1]
                .into_iter()
                .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
                .min_by_key(|date| (*date - local).num_days().abs())
        });
    named.unwrap_or(local).iso_week()
}

/// A week's folder name and label: `2026-W47`.
pub fn week_slug(week: IsoWeek) -> String {
    format!("{}-W{:02}", week.year(), week.week())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_of_weeknotes_are_recognised_with_their_number() {
        let cases: &[(&str, Option<u32>)] = &[
            ("Weeknotes #12", Some(12)),
            ("Weeknotes", None),
            ("weeknotes 23", Some(23)),
            ("Weeknote 23: a busy one", Some(23)),
            ("Week notes: 3 March", None),
            ("Week Notes - 14th February 2025", None),
            ("Weeknotes, w/c 9 November", None),
            ("w/c 3 March", None),
            ("W/C 3rd March 2025: data, data, data", None),
            ("Sprint notes 14", Some(14)),
            ("Sprint Notes #66", Some(66)),
            ("Pay team weeknotes #4", Some(4)),
            ("HackIT weeknotes: 12 March", None),
            ("Weeknotes s3e02", Some(2)),
            ("Weeknotes S3 Ep2 – the one with the away day", Some(2)),
            ("Week 47", Some(47)),
            ("2024 week 40", Some(40)),
            ("Weeknotes no. 101", Some(101)),
            ("Weeknotes (week 6)", None),
            ("Weeknotes for the week ending 7 March", None),
            ("Digital team weeknotes – 24 January", None),
        ];
        for (title, number) in cases {
            let found = detect_title(title).unwrap_or_else(|| panic!("{title:?} is a weeknote"));
            assert_eq!(found.number, *number, "{title:?}");
        }
    }

    #[test]
    fn titles_that_only_mention_weeknotes_are_not_weeknotes() {
        for title in [
            "What are weeknotes?",
            "Why we write weeknotes",
            "How to write weeknotes that people read",
            "A year of weeknotes",
            "Reflections on weeknotes",
            "Weeknotes are good for you",
            "Notes from a busy week",
            "The week in review: accessibility",
            "Sprint planning notes",
            "Writing weeknotes in the open",
            "Stop writing weeknotes",
            "Our approach to user research",
            "Weekly digest",
            "Notes on a week in Leeds",
        ] {
            assert_eq!(detect_title(title), None, "{title:?}");
        }
    }

    #[test]
    fn a_named_week_is_read_from_the_title() {
        assert_eq!(
            detect_title("w/c 9 November").unwrap().commencing,
            Some((9, 11))
        );
        assert_eq!(
            detect_title("Weeknotes: week commencing 3rd March")
                .unwrap()
                .commencing,
            Some((3, 3))
        );
        assert_eq!(detect_title("Weeknotes #3").unwrap().commencing, None);
    }

    #[test]
    fn weeknote_tags_are_recognised() {
        assert!(is_weeknote_tag("Weeknotes"));
        assert!(is_weeknote_tag("week  notes"));
        assert!(!is_weeknote_tag("notes"));
    }

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn weeks_are_counted_in_the_site_time_zone() {
        let london = chrono_tz::Europe::London;
        // Sunday 23:30 in British Summer Time is still that Sunday's week...
        let sunday = at("2026-06-14T23:30:00+01:00");
        assert_eq!(week_slug(week_of(sunday, london, None)), "2026-W24");
        // ...and 23:30 UTC on that Sunday is already Monday in London.
        let monday = at("2026-06-14T23:30:00+00:00");
        assert_eq!(week_slug(week_of(monday, london, None)), "2026-W25");
        assert_eq!(week_slug(week_of(monday, chrono_tz::UTC, None)), "2026-W24");
    }

    #[test]
    fn iso_weeks_cross_the_turn_of_the_year() {
        let london = chrono_tz::Europe::London;
        // 2026 has 53 ISO weeks; 1 January 2027 is a Friday of week 53.
        assert_eq!(
            week_slug(week_of(at("2027-01-01T12:00:00Z"), london, None)),
            "2026-W53"
        );
        assert_eq!(
            week_slug(week_of(at("2027-01-04T09:00:00Z"), london, None)),
            "2027-W01"
        );
        // 30 December 2024 is a Monday of 2025's first week.
        assert_eq!(
            week_slug(week_of(at("2024-12-30T09:00:00Z"), london, None)),
            "2025-W01"
        );
    }

    #[test]
    fn a_week_commencing_title_places_a_late_note_in_its_week() {
        let london = chrono_tz::Europe::London;
        let posted_later = at("2026-11-17T10:00:00Z");
        let detected = detect_title("Weeknotes w/c 9 November");
        assert_eq!(
            week_slug(week_of(posted_later, london, detected)),
            "2026-W46"
        );
        // Written in the first days of January about the last week of December.
        let new_year = at("2027-01-02T10:00:00Z");
        let detected = detect_title("w/c 28 December");
        assert_eq!(week_slug(week_of(new_year, london, detected)), "2026-W53");
    }
}
