//! Dates as feeds write them, keeping the offset they were written with.
//!
//! A stand-in: the date module being written beside this one replaces this file, keeping its two
//! functions. [`parse`] reads one date element's text; [`from_link`] finds the date that
//! WordPress-style addresses carry, for entries whose feed gives none that can be read.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Dates as feeds write them, including the ones strict parsers drop: zone abbreviations (CEST, BST),
/// day names that do not match, missing seconds, ISO dates without a zone, `3/3/2025`.
pub fn parse(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(date) = DateTime::parse_from_rfc3339(text) {
        return Some(date);
    }
    iso_like(text)
        .or_else(|| rfc822_like(text))
        .or_else(|| slashed(text))
}

fn iso_like(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.replace(' ', "T");
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%M%z",
    ] {
        if let Ok(date) = DateTime::parse_from_str(&text, format) {
            return Some(date);
        }
    }
    let text = text.trim_end_matches('Z');
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Some(Utc.from_utc_datetime(&naive).fixed_offset());
        }
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(
        Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0)?)
            .fixed_offset(),
    )
}

/// Zone abbreviations seen in feeds, with their offsets in minutes.
const ZONES: &[(&str, i32)] = &[
    ("UT", 0),
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("WET", 0),
    ("BST", 60),
    ("IST", 60),
    ("WEST", 60),
    ("CET", 60),
    ("CEST", 120),
    ("MET", 60),
    ("MEST", 120),
    ("EET", 120),
    ("EEST", 180),
    ("MSK", 180),
    ("EST", -300),
    ("EDT", -240),
    ("CST", -360),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
    ("AKST", -540),
    ("AKDT", -480),
    ("HST", -600),
    ("JST", 540),
    ("KST", 540),
    ("AEST", 600),
    ("AEDT", 660),
    ("ACST", 570),
    ("AWST", 480),
    ("NZST", 720),
    ("NZDT", 780),
];

/// "Mon, 3 Mar 2025 10:00:00 +0000" and its many variants.
fn rfc822_like(text: &str) -> Option<DateTime<FixedOffset>> {
    // The day name is dropped: feeds often get it wrong and it adds nothing.
    let text = match text.split_once(',') {
        Some((day, rest)) if day.trim().chars().all(char::is_alphabetic) => rest.trim(),
        _ => text,
    };
    let mut parts: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    // "Mon 3 Mar 2025 ..." without the comma.
    if parts
        .first()
        .is_some_and(|p| p.chars().all(char::is_alphabetic) && p.len() >= 3 && month(p).is_none())
    {
        parts.remove(0);
    }
    let offset = match parts.last() {
        Some(zone) if zone.starts_with(['+', '-']) && zone.len() >= 5 => {
            let digits = zone.replace(':', "");
            let sign = if digits.starts_with('-') { -1 } else { 1 };
            let hours: i32 = digits.get(1..3)?.parse().ok()?;
            let minutes: i32 = digits.get(3..5)?.parse().ok()?;
            parts.pop();
            sign * (hours * 60 + minutes)
        }
        Some(zone) if zone.chars().all(char::is_alphabetic) => {
            let upper = zone.to_ascii_uppercase();
            let minutes = ZONES
                .iter()
                .find(|(name, _)| *name == upper)
                .map(|(_, m)| *m)?;
            parts.pop();
            minutes
        }
        _ => 0,
    };
    let [day, mon, year, time] = <[String; 4]>::try_from(parts.get(..4)?.to_vec()).ok()?;
    let (day, month) = match (day.parse::<u32>(), month(&mon)) {
        (Ok(day), Some(month)) => (day, month),
        // "Mar 3 2025": month first.
        _ => (mon.parse().ok()?, month(&day)?),
    };
    let mut year: i32 = year.parse().ok()?;
    if year < 100 {
        year += if year < 70 { 2000 } else { 1900 };
    }
    let mut clock = time.split(':').map(|p| p.parse::<u32>().ok());
    let (hour, minute, second) = (
        clock.next()??,
        clock.next()??,
        clock.next().flatten().unwrap_or(0),
    );
    let naive = NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(hour, minute, second)?;
    let zone = FixedOffset::east_opt(offset * 60)?;
    zone.from_local_datetime(&naive).single()
}

fn month(name: &str) -> Option<u32> {
    let prefix: String = name.to_ascii_lowercase().chars().take(3).collect();
    [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|m| *m == prefix)
    .map(|i| i as u32 + 1)
}

/// "3/3/2025": month first, as most software that writes it does, unless that cannot be.
fn slashed(text: &str) -> Option<DateTime<FixedOffset>> {
    let date = text.split_whitespace().next()?;
    let day = NaiveDate::parse_from_str(date, "%m/%d/%Y")
        .or_else(|_| NaiveDate::parse_from_str(date, "%d/%m/%Y"))
        .ok()?;
    Some(
        Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0)?)
            .fixed_offset(),
    )
}

/// The date in a post's address, as WordPress and many other blogs write it
/// (`/2019/07/01/slug/`), at midnight UTC; `None` when the address has no such date.
pub fn from_link(url: &str) -> Option<DateTime<FixedOffset>> {
    let path = url.split(['?', '#']).next()?;
    let parts: Vec<&str> = path.split('/').collect();
    parts.windows(3).find_map(|w| {
        let [year, month, day] = [w[0], w[1], w[2]];
        if year.len() != 4 || !(1..=2).contains(&month.len()) || !(1..=2).contains(&day.len()) {
            return None;
        }
        let date =
            NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)?;
        // Years before the web, or far in the future, are a number in a path, not a date.
        if !(1990..=2100).contains(&date.year()) {
            return None;
        }
        Some(
            Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0)?)
                .fixed_offset(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> Option<String> {
        parse(text).map(|d| d.to_utc().to_rfc3339())
    }

    #[test]
    fn odd_dates_are_understood() {
        assert_eq!(
            utc("2025-03-03 10:00:00").as_deref(),
            Some("2025-03-03T10:00:00+00:00")
        );
        assert_eq!(
            utc("3/3/2025").as_deref(),
            Some("2025-03-03T00:00:00+00:00")
        );
        assert_eq!(
            utc("Tue, 03 Mar 2025 10:00 GMT").as_deref(),
            Some("2025-03-03T10:00:00+00:00")
        );
        assert_eq!(
            utc("3 Mar 2025 10:00:00 BST").as_deref(),
            Some("2025-03-03T09:00:00+00:00")
        );
        assert_eq!(
            utc("Mon, 3 March 25 10:00:00 -0500").as_deref(),
            Some("2025-03-03T15:00:00+00:00")
        );
        assert_eq!(
            utc("2025-03-03T10:00:00+0100").as_deref(),
            Some("2025-03-03T09:00:00+00:00")
        );
        assert_eq!(
            utc("Mon, 03 Mar 2025 10:00:00 CEST").as_deref(),
            Some("2025-03-03T08:00:00+00:00")
        );
        assert_eq!(utc("next week"), None);
    }

    #[test]
    fn the_offset_as_written_is_kept() {
        let date = parse("Mon, 03 Mar 2025 10:00:00 +0100").unwrap();
        assert_eq!(date.offset().local_minus_utc(), 3600);
        assert_eq!(date.to_rfc3339(), "2025-03-03T10:00:00+01:00");
    }

    #[test]
    fn a_wordpress_address_carries_its_date() {
        let date = from_link("https://blog.example/2019/07/01/our-weeknote/").unwrap();
        assert_eq!(date.to_rfc3339(), "2019-07-01T00:00:00+00:00");
        assert_eq!(from_link("https://blog.example/2019/13/01/x/"), None);
        assert_eq!(from_link("https://blog.example/posts/1234/5/6"), None);
        assert_eq!(from_link("https://blog.example/about/"), None);
    }
}
