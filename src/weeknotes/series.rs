//! Blogs that write their weeknotes as a series.
//!
//! A blog that posts about weekly under one title pattern ("Week 461", "Week 462", ...; "Pay
//! team weeknotes #4", "#5", ...; "Virtual Council Meetings: Weeknote, w/c ...") writes a
//! weeknotes series, and every post of the pattern is a weeknote, whether or not its own title
//! says so ("Week 13 – Revisiting the data" among "Week 12: Budget season" and "Week 14").
//!
//! The rule, so a reader can check it by hand:
//!
//! 1. A title's *pattern* is its words up to its first number or date, with numbers and dates
//!    written `#` and plurals made singular: "Weeknotes #73: Ninth" is `weeknote #`, "Week 461"
//!    is `week #`, "3.36 — weeknotes — ..." is `# weeknote` (a leading number takes the word
//!    after it). Titles are also read from the end, for series numbered last ("Please try to
//!    enjoy both seasons equally (Week Notes, 13, 2025)" is `… weeknote #`).
//! 2. A pattern is a series when at least [`MIN_POSTS`] posts with different titles share it
//!    and most gaps between them, in date order, are 3½ to 10½ days.
//! 3. Patterns of round-ups, newsletters, podcasts, weekly publications (planning lists,
//!    statistics, minutes) and daily or monthly series are never series, unless they name
//!    notes ("Data team weeknotes #").
//! 4. A blog's series is every pattern that makes one, together: HackIT carries one for each
//!    project.
//!
//! A blog that posts weekly on varied subjects has no shared pattern, and a monthly series
//! fails the gaps, so neither is a series.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset};

use super::dates::month_of;

/// A blog's weeknotes series: the posts of every pattern that makes one (a council blog may
/// carry a series for each project).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// Indices into the posts given of the posts that belong, oldest first.
    pub posts: Vec<usize>,
    /// When the first of them was published, for "weeknotes series since ...".
    pub since: DateTime<FixedOffset>,
    /// The title patterns, numbers and dates written `#` (`week # …`, `… weeknote #`), the one
    /// with most posts first.
    pub patterns: Vec<String>,
}

/// The fewest posts that make a series.
const MIN_POSTS: usize = 4;

/// Gaps between posts that count as a week apart, in hours: 3½ to 10½ days.
const WEEKLY_HOURS: std::ops::RangeInclusive<i64> = 84..=252;

/// A title's first number or date must come within this many words for it to have a pattern.
const MAX_PATTERN_TOKENS: usize = 8;

/// Posts closer than this are one note published twice, in two languages or two feeds.
const SAME_DAY_HOURS: i64 = 24;

/// A pattern needs a word at least this long: "w c #" (from "W/C 16/04/2018") says nothing.
const MIN_WORD_CHARS: usize = 3;

/// Words shared by a pattern's titles that mark a round-up, a newsletter, a podcast, a weekly
/// publication (planning lists, statistics, minutes) or a daily or monthly series, singular. A
/// pattern with a note word ("Data team weeknotes #") is a series whatever else its titles
/// share.
const NOT_WEEKNOTES: [&str; 21] = [
    "news",
    "newsletter",
    "digest",
    "link",
    "read",
    "publication",
    "bulletin",
    "podcast",
    "episode",
    "round",
    "roundup",
    "list",
    "application",
    "statistic",
    "minute",
    "agenda",
    "daily",
    "day",
    "monthly",
    "month",
    "monthnote",
];

/// Words that say a pattern's titles are notes: `weeknote`, `sprint note`, `nodiadau`.
const NOTE_WORDS: [&str; 5] = ["weeknote", "note", "nodiadau", "nodadiau", "noddiau"];

/// The weeknotes series among one blog's posts, given as (title, published), in any order.
pub fn series(posts: &[(&str, DateTime<FixedOffset>)]) -> Option<Series> {
    let mut groups: BTreeMap<(bool, String), Vec<usize>> = BTreeMap::new();
    for (i, (title, _)) in posts.iter().enumerate() {
        let tokens = tokens(title);
        if let Some(head) = pattern(&tokens) {
            groups.entry((false, head)).or_default().push(i);
        }
        let reversed: Vec<Token> = tokens.into_iter().rev().collect();
        if let Some(tail) = pattern(&reversed) {
            groups.entry((true, tail)).or_default().push(i);
        }
    }
    let mut found: Vec<(usize, String, Vec<usize>)> = groups
        .into_iter()
        .filter_map(|((from_end, key), members)| {
            let members = weekly(posts, members)?;
            may_be_weeknotes(&shared_words(posts, &members))
                .then(|| (members.len(), shown(&key, from_end), members))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    // A pattern is named only if it brings posts the larger ones have not: "Week 461" is both
    // `week # …` and `… week #`.
    let mut members: BTreeSet<usize> = BTreeSet::new();
    let mut patterns: Vec<String> = Vec::new();
    for (_, pattern, group) in found {
        let before = members.len();
        members.extend(group);
        if members.len() > before {
            patterns.push(pattern);
        }
    }
    let mut members: Vec<usize> = members.into_iter().collect();
    members.sort_by_key(|&i| (posts[i].1, i));
    let first = *members.first()?;
    Some(Series {
        since: posts[first].1,
        posts: members,
        patterns,
    })
}

/// The words every one of the members' titles has: the pattern's, and any others they share
/// ("planning" in "Weekly list of planning applications – week 12").
fn shared_words(posts: &[(&str, DateTime<FixedOffset>)], members: &[usize]) -> Vec<String> {
    let words = |i: usize| -> Vec<String> {
        tokens(posts[i].0)
            .into_iter()
            .filter_map(|t| match t {
                Token::Word(w) => Some(w),
                Token::Number => None,
            })
            .collect()
    };
    let Some((&first, rest)) = members.split_first() else {
        return Vec::new();
    };
    let mut shared = words(first);
    for &i in rest {
        let these = words(i);
        shared.retain(|w| these.contains(w));
    }
    shared
}

/// Whether titles sharing `words` may be weeknotes: they name notes, or nothing else.
fn may_be_weeknotes(words: &[String]) -> bool {
    let is = |list: &[&str], w: &String| list.iter().any(|n| singular(n) == *w);
    words.iter().any(|w| is(&NOTE_WORDS, w)) || !words.iter().any(|w| is(&NOT_WEEKNOTES, w))
}

/// The members oldest first, if there are enough with different titles and most are a week
/// apart. Posts less than a day apart (one note in English and in Welsh) count as one.
fn weekly(posts: &[(&str, DateTime<FixedOffset>)], mut members: Vec<usize>) -> Option<Vec<usize>> {
    members.sort_by_key(|&i| (posts[i].1, i));
    let mut titles: Vec<&str> = members.iter().map(|&i| posts[i].0).collect();
    titles.sort_unstable();
    titles.dedup();
    if titles.len() < MIN_POSTS {
        return None;
    }
    let gaps: Vec<i64> = members
        .windows(2)
        .map(|w| (posts[w[1]].1 - posts[w[0]].1).num_hours())
        .filter(|&h| h >= SAME_DAY_HOURS)
        .collect();
    let weekly = gaps.iter().filter(|h| WEEKLY_HOURS.contains(h)).count();
    (weekly * 2 > gaps.len()).then_some(members)
}

/// A pattern as a reader sees it: `week # …` from the start, `… weeknote #` from the end.
fn shown(key: &str, from_end: bool) -> String {
    if from_end {
        let words: Vec<&str> = key.split(' ').rev().collect();
        format!("… {}", words.join(" "))
    } else {
        format!("{key} …")
    }
}

/// A word of a title, or `#` for a number or a date's part.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Number,
}

/// A title's words, lower case and singular, with numbers, ordinals and month names as
/// [`Token::Number`] and runs of them made one ("14.04.2020", "30 September"), and "week
/// notes" spelt "weeknote".
fn tokens(title: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for word in title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let token = if word.contains(|c: char| c.is_ascii_digit()) || month_of(word).is_some() {
            Token::Number
        } else {
            Token::Word(singular(&word.to_lowercase()))
        };
        match (out.last_mut(), token) {
            (Some(Token::Number), Token::Number) => {}
            (Some(Token::Word(last)), Token::Word(w)) if last == "week" && w == "note" => {
                last.push_str("note");
            }
            (_, token) => out.push(token),
        }
    }
    out
}

/// "weeknotes" and "weeknote", "weeks" and "week" are one word to a pattern; "series",
/// "news", "status", "analysis" and Welsh "wythnos" keep their "s".
fn singular(word: &str) -> String {
    let keeps = ["ies", "ss", "us", "is", "os", "ews"]
        .iter()
        .any(|end| word.ends_with(end));
    match word.strip_suffix('s') {
        Some(stem) if !keeps && stem.chars().count() >= 3 => stem.to_string(),
        _ => word.to_string(),
    }
}

/// The words up to the first number (and, when the title opens with a number, the word after
/// it; one word of [`MIN_WORD_CHARS`] letters at least), if a number comes soon enough:
/// `week #`, `pay team weeknote #`, `# weeknote`.
fn pattern(tokens: &[Token]) -> Option<String> {
    let mut key: Vec<&str> = Vec::new();
    let mut numbered = false;
    let mut worded = false;
    for token in tokens.iter().take(MAX_PATTERN_TOKENS) {
        match token {
            Token::Number => {
                key.push("#");
                numbered = true;
            }
            Token::Word(w) => {
                key.push(w);
                worded |= w.chars().count() >= MIN_WORD_CHARS;
            }
        }
        if numbered && worded {
            return Some(key.join(" "));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn weekly_from(
        start: &str,
        titles: &[&str],
        days: i64,
    ) -> Vec<(String, DateTime<FixedOffset>)> {
        let first = DateTime::parse_from_rfc3339(start).expect("a valid date");
        titles
            .iter()
            .enumerate()
            .map(|(i, t)| (t.to_string(), first + Duration::days(days * i as i64)))
            .collect()
    }

    fn find(posts: &[(String, DateTime<FixedOffset>)]) -> Option<Series> {
        let borrowed: Vec<(&str, DateTime<FixedOffset>)> =
            posts.iter().map(|(t, d)| (t.as_str(), *d)).collect();
        series(&borrowed)
    }

    #[test]
    fn a_weekly_numbered_series_is_found() {
        let posts = weekly_from(
            "2024-01-05T16:00:00Z",
            &["Week 461", "Week 462", "Week 463", "Week 464", "Week 465"],
            7,
        );
        let found = find(&posts).expect("a series");
        assert_eq!(found.posts, vec![0, 1, 2, 3, 4]);
        assert_eq!(found.since, posts[0].1);
        assert_eq!(found.patterns, vec!["week # …"]);
    }

    #[test]
    fn posts_given_newest_first_come_back_oldest_first() {
        let mut posts = weekly_from(
            "2020-04-03T09:00:00+01:00",
            &[
                "Virtual Council Meetings: Weeknote, w/c 30.03.2020",
                "Virtual Council meetings, weeknote: w/c 06.04.2020",
                "Virtual Council Meetings: Weeknote, w/c 14.04.2020",
                "Virtual Council Meetings: Weeknote, w/c 20.04.2020",
            ],
            7,
        );
        posts.reverse();
        let found = find(&posts).expect("a series");
        assert_eq!(found.posts, vec![3, 2, 1, 0]);
        assert_eq!(found.since, posts[3].1);
        assert_eq!(
            found.patterns[0],
            "virtual council meeting weeknote w c # …"
        );
    }

    #[test]
    fn a_blog_with_two_series_has_the_posts_of_both() {
        let mut posts = weekly_from(
            "2020-04-03T09:00:00+01:00",
            &[
                "Report a Problem Weeknotes : week ending: 2020-04-03",
                "Report a Problem Weeknotes : week ending: 2020-04-10",
                "Report a Problem Weeknotes : week ending: 2020-04-17",
                "Report a Problem Weeknotes : week ending: 2020-04-24",
                "Report a Problem Weeknotes : week ending: 2020-05-01",
            ],
            7,
        );
        posts.extend(weekly_from(
            "2020-03-30T10:00:00+01:00",
            &[
                "Manage a Tenancy : Week notes – 30/3/20",
                "Manage a Tenancy : Week notes – 6/4/20",
                "Manage a Tenancy : Week notes – 14/4/20",
                "Manage a Tenancy : Week notes – 20/4/20",
            ],
            7,
        ));
        posts.push((
            "Reducing the Web's carbon footprint".to_string(),
            posts[0].1,
        ));
        let found = find(&posts).expect("a series");
        assert_eq!(found.posts.len(), 9);
        assert_eq!(found.posts[0], 5);
        assert_eq!(found.since, posts[5].1);
        assert_eq!(
            found.patterns[0],
            "report a problem weeknote week ending # …"
        );
        assert!(
            found
                .patterns
                .contains(&"manage a tenancy weeknote # …".to_string())
        );
    }

    #[test]
    fn a_weekly_blog_with_varied_titles_is_not_a_series() {
        let posts = weekly_from(
            "2024-01-05T16:00:00Z",
            &[
                "Reducing the Web's carbon footprint",
                "International Women's Day HackIT 2020",
                "How not to get fired",
                "Decoding Discovery",
                "5 things we learned about forms",
                "Planning our next 100 days",
            ],
            7,
        );
        assert_eq!(find(&posts), None);
    }

    #[test]
    fn a_monthly_series_is_not_a_weekly_one() {
        let posts = weekly_from(
            "2024-01-31T16:00:00Z",
            &[
                "Monthnotes 1",
                "Monthnotes 2",
                "Notes 3",
                "Notes 4",
                "Notes 5",
            ],
            30,
        );
        assert_eq!(find(&posts), None);
        let posts = weekly_from(
            "2024-01-31T16:00:00Z",
            &["Notes 1", "Notes 2", "Notes 3", "Notes 4", "Notes 5"],
            30,
        );
        assert_eq!(find(&posts), None);
    }

    #[test]
    fn a_post_of_the_series_counts_though_its_title_does_not_say_weeknote() {
        let posts = weekly_from(
            "2024-03-01T16:00:00Z",
            &[
                "Week 11: Our week in tweets",
                "Week 12: Budget season",
                "A post on something else",
                "Week 13 – Revisiting the data",
                "Week 14: Launch",
            ],
            5,
        );
        assert_eq!(crate::weeknotes::detect_title(&posts[3].0), None);
        let found = find(&posts).expect("a series");
        assert_eq!(found.posts, vec![0, 1, 3, 4]);
    }

    #[test]
    fn a_weekly_numbered_series_of_any_name_is_found() {
        let posts = weekly_from(
            "2024-05-03T16:00:00+01:00",
            &[
                "Pay team update 4",
                "Pay team update 5: payslips",
                "Pay team update 6",
                "Pay team update 7: the away day",
            ],
            7,
        );
        assert!(
            posts
                .iter()
                .all(|(t, _)| crate::weeknotes::detect_title(t).is_none())
        );
        assert_eq!(
            find(&posts).expect("a series").patterns[0],
            "pay team update # …"
        );
    }

    #[test]
    fn a_series_numbered_at_the_end_is_read_from_the_end() {
        let posts = weekly_from(
            "2025-03-28T16:00:00Z",
            &[
                "Please try to enjoy both seasons equally (Week Notes, 13, 2025)",
                "Spring cleaning (Week Notes, 14, 2025)",
                "A quiet one (Week Notes, 15, 2025)",
                "Back in the office (Week Notes, 16, 2025)",
            ],
            7,
        );
        let found = find(&posts).expect("a series");
        assert_eq!(found.patterns, vec!["… weeknote #"]);
        assert_eq!(found.posts.len(), 4);
    }

    #[test]
    fn round_ups_and_too_few_posts_are_not_series() {
        let posts = weekly_from(
            "2018-04-20T09:00:00Z",
            &[
                "Weekly DfE Publications - W/C 16/04/2018",
                "Weekly DfE Publications - W/C 23/04/2018",
                "Weekly DfE Publications - W/C 30/04/2018",
                "Weekly DfE Publications - W/C 07/05/2018",
            ],
            7,
        );
        assert_eq!(find(&posts), None);
        let lists = weekly_from(
            "2024-01-05T16:00:00Z",
            &[
                "Weekly list of planning applications – week 1",
                "Weekly list of planning applications – week 2",
                "Weekly list of planning applications – week 3",
                "Weekly list of planning applications – week 4",
            ],
            7,
        );
        assert_eq!(find(&lists), None);
        let three = weekly_from("2024-01-05T16:00:00Z", &["Week 1", "Week 2", "Week 3"], 7);
        assert_eq!(find(&three), None);
        let same = weekly_from("2024-01-05T16:00:00Z", &["Week 1"; 6], 7);
        assert_eq!(find(&same), None);
        assert_eq!(series(&[]), None);
    }

    #[test]
    fn a_note_posted_in_english_and_welsh_on_one_day_counts_once() {
        let start = DateTime::parse_from_rfc3339("2023-01-06T09:00:00Z").expect("a date");
        let posts: Vec<(String, DateTime<FixedOffset>)> = (0..8)
            .map(|i| {
                let day = start + Duration::days(7 * (i / 2)) + Duration::hours(i % 2);
                (format!("Weeknotes {:02}/01/2023", 6 + 7 * (i / 2)), day)
            })
            .collect();
        assert_eq!(find(&posts).expect("a series").posts.len(), 8);
    }

    #[test]
    fn a_gap_for_a_holiday_does_not_end_a_series() {
        let start = DateTime::parse_from_rfc3339("2023-12-01T16:00:00Z").expect("a date");
        let posts: Vec<(String, DateTime<FixedOffset>)> = [0, 7, 14, 35, 42, 49]
            .iter()
            .enumerate()
            .map(|(i, d)| (format!("Weeknotes #{}", 40 + i), start + Duration::days(*d)))
            .collect();
        assert_eq!(find(&posts).expect("a series").posts.len(), 6);
    }

    #[test]
    fn patterns_are_words_up_to_the_first_number() {
        let head = |t: &str| pattern(&tokens(t));
        assert_eq!(head("Weeknotes #73: Ninth").as_deref(), Some("weeknote #"));
        assert_eq!(head("Weeks 60 and 61").as_deref(), Some("week #"));
        assert_eq!(head("Week notes 15/09/2023").as_deref(), Some("weeknote #"));
        assert_eq!(
            head("Weeknotes – series 02 episode 05").as_deref(),
            Some("weeknote series #")
        );
        assert_eq!(
            head("3.36 — weeknotes — nurdle").as_deref(),
            Some("# weeknote")
        );
        assert_eq!(
            head("2020 05 01 — Weeknotes").as_deref(),
            Some("# weeknote")
        );
        assert_eq!(
            head("Weeknote w/c 30 September: a new website").as_deref(),
            Some("weeknote w c #")
        );
        assert_eq!(head("A tough week"), None);
        assert_eq!(head(""), None);
    }
}
