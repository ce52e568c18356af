//! Dates as feeds and their generators really write them.
//!
//! A post with a date we cannot read is dated "first seen", which puts years-old posts on top
//! of the home page; so this reads every form that feedparser reads, and the forms generators
//! write that feedparser misses (Ruby's `Time#to_s`, slashes, epoch seconds, named zones).
//! It never consults the machine's time zone or clock: a date with no zone is UTC, and a date
//! missing its year or day is no date (feedparser fills those in from today; we would rather
//! fall back to the next element, or to the link, than invent one).
//!
//! Four readers, tried in order: RFC 3339 through chrono (the common Atom case, exact);
//! epoch seconds; ISO 8601 in all its looser shapes; and a small tokenizer for everything
//! word-based (RFC 822 and its many variants, asctime, `4th March 2021 9:05am`, slashes).
//! No crate did this (see the notes that came with this file): dateparser and dtparse read
//! CEST as UTC or not at all and fill missing parts from the local clock, parse_datetime
//! follows GNU date (relative dates, the system zone), and chrono's RFC 2822 reader is strict.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use regex::Regex;
use std::sync::LazyLock;

/// Reads a date as feeds write it; keeps the offset it was written with (UTC when none is given).
pub fn parse(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    // No date is this long; the limit bounds the work done on junk.
    if text.is_empty() || text.len() > 500 {
        return None;
    }
    if let Ok(date) = DateTime::parse_from_rfc3339(text) {
        return Some(date);
    }
    let mut text = strip_comments(text).to_lowercase();
    // Korean portals (feedparser's Nate and OnBlog handlers) write local time with no zone.
    let mut default_offset = 0;
    if text.contains(['년', '오']) {
        text = KOREAN_DATE.replace_all(&text, "$1-$2-$3").into_owned();
        text = KOREAN_TIME.replace_all(&text, "$2 $1").into_owned();
        text = text.replace("오전", "am").replace("오후", "pm");
        default_offset = 9 * 60;
    }
    if let Some(date) = epoch(&text) {
        return Some(date);
    }
    match iso(&text, default_offset) {
        Some(date) => date,
        None => words(&text.chars().collect::<Vec<_>>(), default_offset),
    }
}

/// A WordPress- or Blogger-style date in a post's address, at midnight UTC.
///
/// WordPress's dated permalinks are `/%year%/%monthnum%/%day%/%postname%/` and
/// `/%year%/%monthnum%/%postname%/`; Blogger's are always `/yyyy/mm/name.html`. Both pad month
/// and day to two digits, so only two-digit segments count (which keeps `/issue/2020/5/` out).
/// With no day, the first of the month is the earliest the post can be, and is far closer to
/// the truth than the day we first saw it. None unless the year is 1995..=2100 and the date real.
pub fn from_link(url: &str) -> Option<DateTime<FixedOffset>> {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => url,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segments: Vec<&str> = path.split('/').collect();
    let number = |s: &str, len: usize| match s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
    {
        true => s.parse::<u32>().ok(),
        false => None,
    };
    for (i, year) in segments.iter().enumerate() {
        let Some(year) = number(year, 4).filter(|y| (1995..=2100).contains(y)) else {
            continue;
        };
        let Some(month) = segments.get(i + 1).and_then(|m| number(m, 2)) else {
            continue;
        };
        let day = segments.get(i + 2).and_then(|d| number(d, 2));
        if let Some(date) = build(year as i32, month, day.unwrap_or(1), (0, 0, 0, 0), 0) {
            return Some(date);
        }
    }
    None
}

/// `2004년 05월 28일` (OnBlog) becomes `2004-05-28`.
static KOREAN_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일").unwrap());
/// `오후 11:23:17` (Nate: "afternoon") becomes `11:23:17 오후`, the order am/pm take here.
static KOREAN_TIME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(오전|오후)\s*(\d{1,2}:\d{2}(?::\d{2})?)").unwrap());

/// ISO 8601 / W3CDTF at the start of the text: `2019-07-01T08:00:00.5+01:00`, a space for the
/// `T` (Ruby, SQL), basic form `20190701T080000Z`, `2019-07`, `2019`, a month name
/// (`2021-feb-21`, feedparser's Hungarian `2004-július-13`) and Google's `2003-012-31`.
static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(\d{4})(?:-(\d{1,3}|\p{L}+)(?:-(\d{1,2}))?|(\d{2})(\d{2}))?",
        r"(?:(?:t|,?\s+)(\d{1,2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9})\d*)?)?)?)?"
    ))
    .unwrap()
});

/// A bare 9-11 digit number is epoch seconds (1973 to 5138), 13 digits are milliseconds
/// (JavaScript's `Date.now()`), as some generators put them in `dc:date`.
fn epoch(text: &str) -> Option<DateTime<FixedOffset>> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let nanos = fraction_nanos(fraction);
    let date = match whole.len() {
        9..=11 => DateTime::from_timestamp(whole.parse().ok()?, nanos)?,
        13 if fraction.is_empty() => DateTime::from_timestamp_millis(whole.parse().ok()?)?,
        _ => return None,
    };
    Some(date.fixed_offset())
}

/// `Some(None)` when the text starts with an ISO date that is not a real date (it is then no
/// date at all: the word reader could not do better), `None` when it is not ISO-shaped.
///
/// Like feedparser, whatever follows a complete date (and time, and zone) is ignored:
/// `2013-01-27-01` is 27 January, `2019-07-01 08:00:00 Europe/London` is 08:00 UTC.
fn iso(text: &str, default_offset: i32) -> Option<Option<DateTime<FixedOffset>>> {
    let caps = ISO.captures(text)?;
    let rest: Vec<char> = text[caps.get(0)?.end()..].chars().collect();
    let num = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let year = num(1)? as i32;
    let month = caps
        .get(2)
        .or(caps.get(4))
        .map(|m| m.as_str().parse().ok().or_else(|| month(m.as_str())));
    let day = num(3).or(num(5));
    let hour = num(6);
    // Reduced precision (`2019`, `2019-07`) is W3CDTF, but only standing alone: `2021/3/4`
    // must go to the word reader, not read as the year 2021.
    if day.is_none() && (hour.is_some() || !rest.is_empty()) {
        return None;
    }
    let month = month.unwrap_or(Some(1));
    let Some(hour) = hour else {
        return Some(build(
            year,
            month?,
            day.unwrap_or(1),
            Clock::default(),
            default_offset,
        ));
    };
    let mut time = (hour, num(7).unwrap_or(0), num(8).unwrap_or(0), 0);
    time.3 = caps.get(9).map_or(0, |f| fraction_nanos(f.as_str()));
    let mut i = skip_spaces(&rest, 0);
    if let Some((pm, next)) = meridiem(&rest, i) {
        time.0 = twelve_hour(time.0, pm)?;
        i = skip_spaces(&rest, next);
    }
    let offset = zone_at(&rest, i).map_or(default_offset, |(offset, _)| offset);
    Some(build(year, month?, day?, time, offset))
}

/// Everything word-based, in any order the pieces come in: RFC 822 (`Thu, 09 Feb 2006
/// 23:59:45 +0000`) with wrong or foreign day names, full or dotted month names, no seconds,
/// no zone, two-digit years and extra commas; asctime (`Sun Jan  4 16:29:06 2004`);
/// `March 4, 2021`; `4th March 2021 9:05am`; slashed and dotted dates; a zone after the time.
fn words(c: &[char], default_offset: i32) -> Option<DateTime<FixedOffset>> {
    let mut numbers: Vec<(u32, usize, bool)> = Vec::new(); // value, digits, ordinal
    let mut date: Option<(u32, char, u32, u32, usize, usize)> = None; // 4/3/2021
    let (mut month_name, mut time, mut offset) = (None, None, None);
    let (mut i, mut tokens) = (0, 0);
    while i < c.len() {
        if c[i].is_whitespace() || c[i] == ',' || joins_day_and_month(c, i) {
            i += 1;
            continue;
        }
        tokens += 1;
        if c[i].is_ascii_digit() {
            let (value, len, mut j) = digits(c, i);
            if len > 4 {
                return None;
            }
            match (c.get(j), c.get(j + 1).is_some_and(char::is_ascii_digit)) {
                (Some(':'), _) if time.is_none() && len <= 2 => {
                    let (clock, end) = read_time(c, i)?;
                    (time, j) = (Some(clock), end);
                }
                // `9.05am`, as British writers put it (`04.03.2021` is a date: it goes on).
                (Some('.'), true) if time.is_none() && len <= 2 && dotted_minutes(c, j + 1) => {
                    let (minute, _, k) = digits(c, j + 1);
                    (time, j) = (Some((value, minute, 0, 0)), k);
                }
                (Some(&sep @ ('/' | '.' | '-')), true) if date.is_none() && numbers.is_empty() => {
                    let (month, month_len, k) = digits(c, j + 1);
                    let (year, year_len, k2) = digits(c, k + 1);
                    if month_len > 2 || c.get(k) != Some(&sep) || !(1..=4).contains(&year_len) {
                        return None;
                    }
                    date = Some((value, sep, month, year, len, year_len));
                    j = k2;
                }
                _ => {
                    let suffix: String = c[j..].iter().take(2).collect();
                    let ordinal = matches!(suffix.as_str(), "st" | "nd" | "rd" | "th")
                        && !c.get(j + 2).is_some_and(|ch| ch.is_alphabetic());
                    if ordinal {
                        j += 2;
                    }
                    numbers.push((value, len, ordinal));
                }
            }
            if c.get(j).is_some_and(|ch| ch.is_ascii_digit() || *ch == ':') {
                return None;
            }
            i = j;
        } else if let Some((pm, next)) = meridiem(c, i) {
            let (hour, minute, second, nanos) = match time {
                Some(time) => time,
                // `9am`: the number just read is the hour.
                None => match numbers.pop() {
                    Some((hour, 1..=2, false)) => (hour, 0, 0, 0),
                    _ => return None,
                },
            };
            time = Some((twelve_hour(hour, pm)?, minute, second, nanos));
            i = next;
        } else if c[i].is_alphabetic() {
            let end = span(c, i, |ch| ch.is_alphabetic() || ch == '.');
            let word: String = c[i..end].iter().collect();
            let word = word.trim_end_matches('.');
            let zone = time.and_then(|_| zone_at(c, i));
            if let Some(m) = month(word) {
                if month_name.replace(m).is_some() {
                    return None;
                }
            } else if weekday(word) || (time.is_none() && matches!(word, "at" | "of" | "the")) {
                // Day names (often wrong, says the W3C validator) and filler add nothing.
            } else if let Some((minutes, next)) = zone {
                // A second zone (`+0000 GMT`) says the same thing again.
                offset = offset.or(Some(minutes));
                i = next;
                continue;
            } else if tokens > 1 {
                // The first word may be a day name in another language (`mer, 16 nov 2022`).
                return None;
            }
            i = end;
        } else if let Some((minutes, next)) = time.and_then(|_| zone_at(c, i)) {
            offset = offset.or(Some(minutes));
            i = next;
        } else {
            return None;
        }
    }
    let (year, month, day) = match (date, month_name, numbers.as_slice()) {
        (Some((a, sep, b, c, a_len, c_len)), None, []) => {
            if a_len == 4 && c_len <= 2 {
                (a, b, c) // 2021/3/4: year first is always year, month, day
            } else if a_len <= 2 && !(sep == '-' && c_len == 2) {
                // Slashes and dashes are month first, as US software writes them; dots are day
                // first, as European software does. Either swaps when the first cannot be one.
                // `03-12-31` could be ISO 8601:1988's year first as well: no date.
                let month_first = a <= 12 && (sep != '.' || b > 12);
                let (month, day) = if month_first { (a, b) } else { (b, a) };
                (full_year(c, c_len)?, month, day)
            } else {
                return None;
            }
        }
        (None, Some(month), &[(a, a_len, a_ord), (b, b_len, b_ord)]) => {
            // The day is the ordinal, or else the first unless that is the four-digit one:
            // `09 Feb 06` is day, month, year; `2006 Feb 09` year, month, day.
            if (a_len > 2 || b_ord) && !a_ord {
                (full_year(a, a_len)?, month, b)
            } else {
                (full_year(b, b_len)?, month, a)
            }
        }
        _ => return None,
    };
    let offset = offset.unwrap_or(default_offset);
    build(year as i32, month, day, time.unwrap_or_default(), offset)
}

/// Whether `c[i]` is the dash of RFC 850's `08-Jul-19` (HTTP's old date, still seen in
/// feeds): between a number and a month's name, either way round.
fn joins_day_and_month(c: &[char], i: usize) -> bool {
    let (Some(before), Some(after)) = (i.checked_sub(1).map(|b| c[b]), c.get(i + 1)) else {
        return false;
    };
    c[i] == '-'
        && ((before.is_ascii_digit() && after.is_alphabetic())
            || (before.is_alphabetic() && after.is_ascii_digit()))
}

/// Whether `c[i..]` is the `05` of `9.05`: two digits, not followed by `.digit` (a date).
fn dotted_minutes(c: &[char], i: usize) -> bool {
    let (_, len, end) = digits(c, i);
    len == 2 && !(c.get(end) == Some(&'.') && c.get(end + 1).is_some_and(char::is_ascii_digit))
}

/// Two-digit years as feedparser reads them: 90-99 are the 1990s, the rest this century.
fn full_year(year: u32, len: usize) -> Option<u32> {
    match len {
        4 => Some(year),
        2 if year >= 90 => Some(1900 + year),
        2 => Some(2000 + year),
        _ => None,
    }
}

/// Hour, minute, second, nanosecond.
type Clock = (u32, u32, u32, u32);

/// `hh:mm[:ss[.fff]]` starting at `i`; the time and the index after it.
fn read_time(c: &[char], i: usize) -> Option<(Clock, usize)> {
    let (hour, _, j) = digits(c, i);
    let (minute, minute_len, mut j) = digits(c, j + 1);
    let mut second = 0;
    let mut nanos = 0;
    if minute_len != 2 {
        return None;
    }
    if c.get(j) == Some(&':') {
        let (s, len, k) = digits(c, j + 1);
        if len != 2 {
            return None;
        }
        (second, j) = (s, k);
        if matches!(c.get(j), Some('.' | ',')) && c.get(j + 1).is_some_and(char::is_ascii_digit) {
            let end = span(c, j + 1, |ch| ch.is_ascii_digit());
            nanos = fraction_nanos(&c[j + 1..end].iter().collect::<String>());
            j = end;
        }
    }
    Some(((hour, minute, second, nanos), j))
}

/// A zone at `c[i..]`: `z`, `+0100`, `+01:00`, `+01`, `gmt+1`, `utc+01:00`, `etc/gmt`, a name
/// from [`ZONES`], a military letter, or an unknown name, read as UTC: RFC 2822 (4.3) says an
/// unknown zone is -0000, and a post a few hours out is better than one dated "first seen".
fn zone_at(c: &[char], i: usize) -> Option<(i32, usize)> {
    let first = *c.get(i)?;
    if first == '+' || first == '-' {
        let (value, len, mut j) = digits(c, i + 1);
        let (hours, mut minutes) = match len {
            1 | 2 => (value, 0),
            3 | 4 => (value / 100, value % 100),
            _ => return None,
        };
        if len <= 2 && c.get(j) == Some(&':') {
            let (m, m_len, k) = digits(c, j + 1);
            if !(1..=2).contains(&m_len) {
                return None;
            }
            (minutes, j) = (m, k);
        }
        let minutes = (hours * 60 + minutes) as i32;
        return Some((if first == '-' { -minutes } else { minutes }, j));
    }
    let end = span(c, i, |ch| ch.is_alphabetic() || matches!(ch, '/' | '_'));
    let word: String = c[i..end].iter().collect();
    if word.is_empty() {
        return None;
    }
    let (posix, name) = match word.strip_prefix("etc/") {
        Some(name) => (true, name),
        None => (false, word.as_str()),
    };
    if matches!(name, "gmt" | "utc" | "ut") && matches!(c.get(end), Some('+' | '-')) {
        // POSIX's Etc/GMT+5 is five hours *behind*; "GMT+5" as people write it is ahead.
        let (offset, next) = zone_at(c, end)?;
        return Some((if posix { -offset } else { offset }, next));
    }
    let known = ZONES
        .iter()
        .find(|(zone, _)| *zone == name)
        .map(|(_, minutes)| *minutes);
    let unknown = word.contains('/') || (word.chars().count() <= 5 && word.is_ascii());
    // Military letters: RFC 822 gave them the wrong signs, so RFC 2822 reads them as -0000.
    known.or(unknown.then_some(0)).map(|offset| (offset, end))
}

/// `am`, `pm`, `a.m.`, `p.m.` at `c[i..]`, standing alone: whether it is pm, and where it ends.
fn meridiem(c: &[char], i: usize) -> Option<(bool, usize)> {
    let end = span(c, i, |ch| ch.is_alphabetic() || ch == '.');
    let word: String = c.get(i..end)?.iter().filter(|ch| **ch != '.').collect();
    match word.as_str() {
        "am" => Some((false, end)),
        "pm" => Some((true, end)),
        _ => None,
    }
}

/// 12 am is midnight, 12 pm noon; an hour past 12 with am/pm is no time.
fn twelve_hour(hour: u32, pm: bool) -> Option<u32> {
    (1..=12)
        .contains(&hour)
        .then_some(hour % 12 + if pm { 12 } else { 0 })
}

/// The value, the number of digits and the index after the digits starting at `c[i..]`
/// (the value saturates; callers check the length).
fn digits(c: &[char], i: usize) -> (u32, usize, usize) {
    let end = span(c, i, |ch| ch.is_ascii_digit());
    let value = c.get(i..end).unwrap_or_default().iter().fold(0u32, |n, d| {
        n.saturating_mul(10)
            .saturating_add(d.to_digit(10).unwrap_or(0))
    });
    (value, end - i, end)
}

/// Where the run of characters matching `keep` that starts at `i` ends (never before `i`).
fn span(c: &[char], i: usize, keep: impl Fn(char) -> bool) -> usize {
    (i..c.len())
        .find(|&j| !keep(c[j]))
        .unwrap_or(c.len().max(i))
}

fn skip_spaces(c: &[char], i: usize) -> usize {
    span(c, i, char::is_whitespace)
}

/// `123` after the decimal point as nanoseconds (123_000_000); digits past the ninth dropped.
fn fraction_nanos(fraction: &str) -> u32 {
    let digits: String = fraction.chars().take(9).collect();
    format!("{digits:0<9}").parse().unwrap_or(0)
}

/// RFC 822 comments, `(like this (nested) and \) escaped)`, become a space: RFC 822 allows
/// them anywhere, the W3C validator tests them, and `CET (GMT+1)` is written in the wild.
fn strip_comments(text: &str) -> String {
    let (mut out, mut depth, mut escaped) = (String::with_capacity(text.len()), 0usize, false);
    for ch in text.chars() {
        match (depth, ch) {
            (_, '(') if !escaped => depth += 1,
            (1.., ')') if !escaped => {
                depth -= 1;
                if depth == 0 {
                    out.push(' ');
                }
            }
            (0, _) => out.push(ch),
            _ => {}
        }
        escaped = depth > 0 && ch == '\\' && !escaped;
    }
    out
}

/// English month names by their first three letters (`Sept`, `March`, `Mar.`), as feedparser
/// reads them, and the Hungarian and Greek spellings of its own date handlers.
fn month(word: &str) -> Option<u32> {
    const ENGLISH: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    #[rustfmt::skip]
    const OTHER: [(&str, u32); 25] = [
        ("már", 3), ("ápr", 4), ("máj", 5), ("jún", 6), ("júl", 7), ("sze", 9),
        ("ιαν", 1), ("φεβ", 2), ("μάρ", 3), ("μαρ", 3), ("απρ", 4), ("μάι", 5),
        ("μαΐ", 5), ("μαι", 5), ("ιούν", 6), ("ιον", 6), ("ιούλ", 7), ("ιολ", 7),
        ("αύγ", 8), ("αυγ", 8), ("σεπ", 9), ("οκτ", 10), ("νοέ", 11), ("νοε", 11),
        ("δεκ", 12),
    ];
    let three: String = word.chars().take(3).collect();
    if let Some(i) = ENGLISH.iter().position(|m| *m == three) {
        return Some(i as u32 + 1);
    }
    OTHER
        .iter()
        .find(|(name, _)| word.starts_with(name))
        .map(|(_, m)| *m)
}

/// Day names are skipped, never checked: feeds get them wrong, and the date is in the rest.
fn weekday(word: &str) -> bool {
    let three: String = word.chars().take(3).collect();
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].contains(&three.as_str())
}

/// Zone abbreviations as feeds write them, in minutes east of UTC. Where a name is ambiguous,
/// the reading is the one a UK or US feed means: IST is Irish (not India's), BST British,
/// CST US Central (as feedparser reads it).
#[rustfmt::skip]
const ZONES: &[(&str, i32)] = &[
    ("z", 0), ("ut", 0), ("utc", 0), ("gmt", 0), ("wet", 0), ("bst", 60),
    ("ist", 60), ("west", 60), ("cet", 60), ("met", 60), ("wat", 60), ("cest", 120),
    ("mest", 120), ("eet", 120), ("cat", 120), ("sast", 120), ("eest", 180), ("msk", 180),
    ("eat", 180), ("at", -240), ("ast", -240), ("adt", -180), ("et", -300), ("est", -300),
    ("edt", -240), ("ct", -360), ("cst", -360), ("cdt", -300), ("mt", -420), ("mst", -420),
    ("mdt", -360), ("pt", -480), ("pst", -480), ("pdt", -420), ("akst", -540), ("akdt", -480),
    ("hst", -600), ("nst", -210), ("ndt", -150), ("brt", -180), ("art", -180), ("ict", 420),
    ("wib", 420), ("hkt", 480), ("sgt", 480), ("awst", 480), ("pht", 480), ("jst", 540),
    ("kst", 540), ("acst", 570), ("acdt", 630), ("aest", 600), ("aedt", 660), ("nzst", 720),
    ("nzdt", 780),
];

/// The date, or None when it is not a real one (31 June, 25:00, an offset of a day or more).
fn build(
    year: i32,
    month: u32,
    day: u32,
    (hour, minute, second, nanos): Clock,
    offset_minutes: i32,
) -> Option<DateTime<FixedOffset>> {
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    // A leap second (23:59:60) is kept as chrono keeps one, as RFC 3339 parsing does.
    let time = match second {
        60 if minute == 59 => {
            NaiveTime::from_hms_nano_opt(hour, minute, 59, nanos.checked_add(1_000_000_000)?)?
        }
        _ => NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?,
    };
    let zone = FixedOffset::east_opt(offset_minutes.checked_mul(60)?)?;
    zone.from_local_datetime(&date.and_time(time)).single()
}
