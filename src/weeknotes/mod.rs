//! Telling a weeknote from other posts, which week it belongs to, and which blogs write their
//! weeknotes as a series.
//!
//! Teams title their notes many ways, in English and in Welsh: "Weeknotes #12", "Week notes
//! 15/09/2023", "Nodiadau'r wythnos 17/03/2023", "Week 461", "Weeks 60 and 61", "Weeknotes
//! s03e42", "Weeknote: 8 to 12 August 2022", "w/c 14.04.2020", "Sprint notes #11". Posts *about*
//! weeknotes ("What are weeknotes?", "Welcome to our weeknotes") are not weeknotes.
//!
//! A title alone cannot tell every weeknote: "A tough week" is one because its blog tags it so,
//! and "Week 12: Budget season" because its blog posts "Week 11", "Week 12", "Week 13" week
//! after week. [`is_weeknote_tag`] and [`series`] are for those.

mod dates;
mod series;
mod title;

use chrono::{DateTime, Datelike, Duration, FixedOffset, IsoWeek, NaiveDate, Weekday};
use chrono_tz::Tz;

use crate::slug::term_key;

pub use series::{Series, series};
pub use title::{detect_title, is_about_weeknotes};

/// What a weeknote's title says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Detected {
    /// The number in a series: 12 in "Weeknotes #12", 42 in "Weeknotes s03e42", 60 in "Weeks
    /// 60 and 61".
    pub number: Option<u32>,
    /// The last number of a note that covers several: 61 in "Weeks 60 and 61".
    pub through: Option<u32>,
    /// The week the title names, if it names one.
    pub week: Option<NamedWeek>,
}

/// How a title names its week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedWeek {
    /// By one of its days: "w/c 9 November", "Weeknotes 18 Dec", "8 to 12 August 2022" (the
    /// first day), "week ending 20th September 2024" (`ends_week`).
    Day {
        /// 1 to 31.
        day: u32,
        /// 1 to 12.
        month: u32,
        /// When the title gives it.
        year: Option<i32>,
        /// The day ends the week ("week ending ..."), so a Monday there means the week before.
        ends_week: bool,
    },
    /// By its number in the year: "2018 Week 16", "Weeknote 23 of 2021", "Weeknote 04/2023".
    OfYear {
        /// ISO week, 1 to 53.
        week: u32,
        /// When the title gives it.
        year: Option<i32>,
    },
}

/// Tags that mark a post as a weeknote, compared after [`tag_key`].
const TAGS: [&str; 9] = [
    "weeknotes",
    "weeknote",
    "week notes",
    "week note",
    "sprint notes",
    "sprintnotes",
    "nodiadau'r wythnos",
    "nodiadau wythnos",
    "nodiadau wythnosol",
];

/// Whether a tag marks its post as a weeknote: "Weeknotes", "#weeknotes", "week-notes",
/// "Nodiadau’r wythnos".
pub fn is_weeknote_tag(tag: &str) -> bool {
    let key = tag_key(tag);
    TAGS.contains(&key.as_str())
}

/// A tag as compared: as terms are compared on the site, without a leading `#`, with one
/// apostrophe and hyphens read as spaces.
fn tag_key(tag: &str) -> String {
    let plain: String = tag
        .trim()
        .trim_start_matches('#')
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' => '\'',
            '-' | '_' => ' ',
            c => c,
        })
        .collect();
    term_key(&plain)
}

/// How far the week a title names may be from the post's date before the title is taken for a
/// slip ("Weeknotes 30/05/52") and the post's own date is used.
const MAX_DAYS_FROM_PUBLISHED: i64 = 92;

/// The ISO week a weeknote belongs to: the week its title names ("w/c 9 November", taken in the
/// year that puts it nearest the post; "2018 Week 16"), else the week it was published in, in
/// the site's zone.
pub fn week_of(published: DateTime<FixedOffset>, tz: Tz, detected: Option<Detected>) -> IsoWeek {
    let local = published.with_timezone(&tz).date_naive();
    detected
        .and_then(|d| d.week)
        .and_then(|named| named_date(named, local))
        .filter(|date| (*date - local).num_days().abs() <= MAX_DAYS_FROM_PUBLISHED)
        .unwrap_or(local)
        .iso_week()
}

/// A day in the week `named` names, placed near `near` when the title gives no year.
fn named_date(named: NamedWeek, near: NaiveDate) -> Option<NaiveDate> {
    let years = [near.year() - 1, near.year(), near.year() + 1];
    let nearest = |dates: &mut dyn Iterator<Item = NaiveDate>| {
        dates.min_by_key(|date| (*date - near).num_days().abs())
    };
    match named {
        NamedWeek::Day {
            day,
            month,
            year,
            ends_week,
        } => {
            let day = dates::Day { day, month, year };
            let date = nearest(&mut years.iter().filter_map(|&y| day.in_year(y)))?;
            // A week that ends on a Monday is the week before it; any other end day is in it.
            Some(if ends_week {
                date - Duration::days(1)
            } else {
                date
            })
        }
        NamedWeek::OfYear { week, year } => {
            let monday = |y: i32| NaiveDate::from_isoywd_opt(y, week, Weekday::Mon);
            match year {
                Some(y) => monday(y),
                None => nearest(&mut years.iter().filter_map(|&y| monday(y))),
            }
        }
    }
}

#[cfg(test)]
mod tests;
