//! Whether a title is a weeknote's, and what it says about the note.
//!
//! A title is read by a few recognisers, each for one way people title their notes:
//!
//! * a note word ("weeknotes", "week notes", "weekly note", "sprint notes", "Nodiadau'r
//!   wythnos"), unless the words before it make the post one *about* weeknotes;
//! * a week's number at the start ("Week 56", "2018 Week 16", "Weeks 60 and 61", "Wythnos 12");
//! * a named week at the start ("w/c 14.04.2020", "Week ending 7 March");
//! * an episode code at the start ("[S05 E00] Teaser time");
//! * "This week at GDS";
//! * a sprint of a delivery phase ("Beta Sprint 8 Notes", "Discovery 1 Sprint 1");
//! * a bare working week ("D7:S3 (16/12/19 - 20/12/19)", "Notes for 24–28 June 2024").
//!
//! Anything else is not a weeknote by its title; a blog's series, tags or feed may still say it
//! is one.
//!
//! Word boundaries are ASCII ones, `(?-u:\b)`: the words they bound are ASCII, and they let
//! the regex crate use its fast engines, which keeps a 100,000-post build quick.

use std::sync::LazyLock;

use regex::Regex;

use super::dates::{Day, Mention, mentions};
use super::{Detected, NamedWeek};

/// Whether a post is a weeknote by its title, and what its title says.
pub fn detect_title(title: &str) -> Option<Detected> {
    if !may_be_weeknote(title) {
        return None;
    }
    let title = normalise(title);
    let dates = mentions(&title);
    let found = note_word(&title, &dates).or_else(|| {
        if ROUND_UP.is_match(&title) {
            return None;
        }
        week_first(&title, &dates)
            .or_else(|| named_week_first(&title, &dates))
            .or_else(|| episode_first(&title))
            .or_else(|| this_week_at(&title))
            .or_else(|| phase_sprint(&title))
            .or_else(|| working_week(&title, &dates))
    })?;
    Some(Detected {
        week: found.week.or_else(|| named_day(&title, &dates)),
        ..found
    })
}

/// Whether the title is about weeknotes rather than one of them: "What are weeknotes?",
/// "Welcome to our weeknotes", "Beth yw nodiadau'r wythnos?". A tag `weeknotes` on such a
/// post files it under the topic, not as a weeknote.
pub fn is_about_weeknotes(title: &str) -> bool {
    let title = normalise(title);
    NOTE_WORD.find_iter(&title).any(|found| {
        let (before, after) = (&title[..found.start()], &title[found.end()..]);
        let numbered = after.contains(|c: char| c.is_ascii_digit());
        ABOUT.is_match(before)
            || (POSSESSIVE.is_match(before) && !numbered)
            || (GERUND.is_match(before) && after.trim().is_empty())
    })
}

/// Whether any recogniser could take the title: each needs a digit or one of a few words.
/// Most titles have neither, and this keeps a large site's build quick.
fn may_be_weeknote(title: &str) -> bool {
    static WORDS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)week|wythnos|sprint|fortnight|nod").expect("valid"));
    title.contains(|c: char| c.is_ascii_digit()) || WORDS.is_match(title)
}

/// Words of a news or link round-up, a newsletter or an event. A title without a note word that
/// has one ("Week ending 7 March: links and reads", "Hackathon 3-7 June 2024") is not taken
/// for a weeknote by its week alone.
static ROUND_UP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:news|newsletter|digest|links|reads|round-?up|bulletin|publications|podcast|hackathon|conference|festival|summit|camp|events?)(?-u:\b)",
    )
    .expect("valid")
});

/// One apostrophe and one kind of space, so patterns need not list every variant.
fn normalise(title: &str) -> String {
    title
        .trim()
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`' => '\'',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect()
}

/// The words that name a weeknote. "Noddiau" and "Nodadiau" are misspellings seen in real
/// Welsh titles. "Wythnos" and "nodiadau" do not mutate (w and n are not mutable), so one
/// form each is enough.
static NOTE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:(?:week|sprint|fortnight)[\s-]?notes?|weekly\s+notes?|(?:nodiadau|nodadiau|noddiau|nodyn)(?:'r|\s+yr)?\s+wythnos(?:ol)?)",
    )
    .expect("valid")
});

/// Words before the note word that make the post one about weeknotes: "What are weeknotes?",
/// "A year of weeknotes", "Welcome to our weeknotes", "Sut y gwnaethom ni ddefnyddio nodiadau
/// wythnosol" (how we used weeknotes), "Croeso i'n nodiadau'r wythnos" (welcome to ...).
static ABOUT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:what|why|how|about|on|of|writing|write|wrote|written|read|reading|start|starting|started|stop|stopping|stopped|love|hate|guide|tips|year|years|into|are|is|thoughts|reflections?|welcome|farewell|goodbye|introducing|introduction|lack|explaining|used|using|use|rules|template|history|sut|pam|beth|am|ar|ynghylch|ynglŷn|croeso|ffarwel|blwyddyn|flwyddyn|ysgrifennu|sgrifennu|defnyddio|ddefnyddio|cyflwyno|gyflwyno|canllaw|ganllaw|rheolau)(?-u:\b)",
    )
    .expect("valid")
});

/// "My weeknotes", "Our weeknotes", "Ein nodiadau wythnos": a page about someone's weeknotes,
/// unless a number or date follows.
static POSSESSIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:my|our|your|their|ein|fy|eich|eu)\s*$").expect("valid")
});

/// "Doing weeknotes", "Reviving weeknotes": a bare note word after a verb is about the habit.
static GERUND: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)[a-z]+ing\s*$").expect("valid"));

/// More words than this before the note word make it a mention, not the title's subject.
const MAX_WORDS_BEFORE: usize = 6;

/// Titles that carry a note word: "Weeknotes #12", "Pay team weeknotes s3e2", "Nodiadau'r
/// wythnos 17/03/2023", "Please try to enjoy both seasons equally (Week Notes, 13, 2025)".
fn note_word(title: &str, dates: &[Mention]) -> Option<Detected> {
    let found = NOTE_WORD
        .find_iter(title)
        .find(|m| !title[m.end()..].starts_with(char::is_alphabetic))?;
    let (before, after) = (&title[..found.start()], &title[found.end()..]);
    let after_has_date = dates.iter().any(|d| d.start >= found.end());
    let bracketed = before.matches(['(', '[']).count() > before.matches([')', ']']).count();
    if ABOUT.is_match(before)
        || (!bracketed && words(before) > MAX_WORDS_BEFORE)
        || (POSSESSIVE.is_match(before) && !after.contains(|c: char| c.is_ascii_digit()))
        || (GERUND.is_match(before) && after.trim().is_empty())
        || !(continues_note(after) || after_has_date)
    {
        return None;
    }
    let (number, through, week) = number_after(title, found.end(), dates);
    Some(Detected {
        number: number
            .or_else(|| episode(after))
            .or_else(|| leading_number(before)),
        through,
        week,
    })
}

/// Words with letters in them; numbers and dashes do not count.
fn words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count()
}

/// What may follow a note word: nothing, a number, a separator, a date, an episode, "for" a
/// week or year, "from", "of 2026", "w/c", "week". "Weeknote rules", "Weeknotes are good" and
/// "Weeknotes for beginners" stop here.
static CONTINUES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:$|[#:;,.(\[|/–—-]|\d|no\.?\s*\d|number\s*\d|s\d+\s*e|series(?-u:\b)|season(?-u:\b)|w\s*/\s*c(?-u:\b)|wc(?-u:\b)|for\s+(?:\d|the\s+week|weeks?(?-u:\b)|w\s*/\s*c)|from(?-u:\b)|of\s+(?:\d|the(?-u:\b))|weeks?(?-u:\b)|wythnos(?-u:\b)|ar\s+gyfer(?-u:\b))",
    )
    .expect("valid")
});

fn continues_note(after: &str) -> bool {
    CONTINUES.is_match(after)
}

/// "#12", "no. 101", ": 27/28/29", "(week 6)", "15": the number that follows the note word.
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s#:;,.(\[–—-]*(?:(?:no\.?|number|week|wythnos)\s*)?#?\s*(\d{1,4})(?-u:\b)")
        .expect("valid")
});

/// The next number of a run of weeks: "and 61", "& #606", "/28", "a 13" (Welsh "and").
static NEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:&|\+|and|a|ac|/|-|–|to)\s*#?\s*(\d{1,4})(?-u:\b)").expect("valid")
});

/// A week's number out of a year: "23 of 2021", "04/2023", "13, 2025".
static OF_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*(?:/|,|of|o)\s*(\d{4})(?-u:\b)").expect("valid"));

/// "43/52", "12 of 52": a week out of the year's 52, which says nothing more.
static OF_52: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*(?:/|of|o)\s*5[23](?-u:\b)").expect("valid"));

/// The number at `at`, the last of a run of consecutive weeks after it, and the week of the
/// year it names when a year follows ("Weeknote 23 of 2021").
fn number_after(
    title: &str,
    at: usize,
    dates: &[Mention],
) -> (Option<u32>, Option<u32>, Option<NamedWeek>) {
    let Some(c) = NUMBER.captures(&title[at..]) else {
        return (None, None, None);
    };
    let Some(digits) = c.get(1) else {
        return (None, None, None);
    };
    let start = at + digits.start();
    let in_date = dates.iter().any(|d| d.start <= start && start < d.end);
    let number: Option<u32> = digits.as_str().parse().ok();
    let Some(number) = number.filter(|n| !in_date && !is_year(*n, digits.as_str())) else {
        return (None, None, None);
    };
    let rest = &title[at + digits.end()..];
    let (through, rest) = run_of_weeks(number, rest);
    if OF_52.is_match(rest) {
        return (Some(number), through, None);
    }
    let week = OF_YEAR
        .captures(rest)
        .and_then(|c| c[1].parse().ok())
        .filter(|_| (1..=53).contains(&number))
        .map(|year| NamedWeek::OfYear {
            week: number,
            year: Some(year),
        });
    (Some(number), through, week)
}

/// "2025" in "One last weeknote for 2025" is a year, not note 2025.
fn is_year(n: u32, digits: &str) -> bool {
    digits.len() == 4 && (1990..=2099).contains(&n)
}

/// The last of a run of consecutive numbers after `first` ("60 and 61", "27/28/29"), and what
/// is left of the text after it.
fn run_of_weeks(first: u32, mut rest: &str) -> (Option<u32>, &str) {
    let mut last = first;
    while let Some(c) = NEXT.captures(rest) {
        let (Some(all), Some(n)) = (c.get(0), c.get(1).and_then(|n| n.as_str().parse().ok()))
        else {
            break;
        };
        if n != last + 1 {
            break;
        }
        last = n;
        rest = &rest[all.end()..];
    }
    ((last > first).then_some(last), rest)
}

/// "s03e42", "S04 Ep06", "S10 Ep 17", "(S1 E5)", "series 02 episode 05": the episode.
static EPISODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)s(?:eries|eason)?\s*(\d{1,2})\s*[,.:]?\s*e(?:p(?:isode)?)?\.?\s*(\d{1,3})(?-u:\b)")
        .expect("valid")
});

fn episode(text: &str) -> Option<u32> {
    EPISODE.captures(text).and_then(|c| c[2].parse().ok())
}

/// "3.36 — weeknotes — ...": a number standing alone before the note word.
fn leading_number(before: &str) -> Option<u32> {
    static LEADING: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[\s#]*(?:\d{1,2}\.)?(\d{1,3})[\s:–—-]*$").expect("valid"));
    LEADING.captures(before).and_then(|c| c[1].parse().ok())
}

/// "Week 56", "Week #113 at ...", "2018 Week 16", "2020 - Week 13", "Weeks 60 and 61",
/// "Wythnos 12", "Wythnosau 12 a 13".
static WEEK_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(\d{4})\s*[-–—,:]?\s*)?(?:weeks?|wythnos(?:au)?)\s*#?\s*(\d{1,4})(?-u:\b)")
        .expect("valid")
});

/// Words in what follows "Week 11:" that say the post is about the writer's week.
static WEEKLY_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:weeks?|notes?|wythnos|nodiadau|nodyn)(?-u:\b)").expect("valid")
});

/// A title that opens with a week's number. "Week 12, 2024" and "Week 12/2024" name a week of
/// the year; "Week 28 of 2023" is a calendar page and "Week 3 of 12" a course's. "Week 9 –
/// Revisiting the data" and "Week 1 - Day 5" read as course pages too, so a subtitle must show
/// it is about a week ("Week 11: Our week in tweets") or date it. A real "Week N: topic" series
/// is found by [`super::series`] instead.
fn week_first(title: &str, dates: &[Mention]) -> Option<Detected> {
    let c = WEEK_FIRST.captures(title)?;
    let (all, digits) = (c.get(0)?, c.get(2)?);
    let number: u32 = digits.as_str().parse().ok()?;
    let (through, rest) = run_of_weeks(number, &title[all.end()..]);
    let (rest, of_year) = match (OF_52.find(rest), OF_YEAR.captures(rest)) {
        (Some(m), _) => (&rest[m.end()..], None),
        _ if starts_with_of(rest) => return None,
        (None, Some(c)) => (&rest[c.get(0)?.end()..], c[1].parse().ok()),
        (None, None) => (rest, None),
    };
    let tail = rest.trim_start();
    let tail_start = title.len() - tail.len();
    let dated = dates.iter().any(|d| d.start >= tail_start);
    let fits = tail.is_empty()
        || tail.starts_with(['(', '['])
        || starts_with_word(tail, "at")
        || (tail.starts_with([':', '-', '–', '—', '|', ',', ';'])
            && (dated || WEEKLY_WORDS.is_match(tail)));
    if !fits {
        return None;
    }
    let week = c
        .get(1)
        .and_then(|y| y.as_str().parse().ok())
        .or(of_year)
        .filter(|_| (1..=53).contains(&number))
        .map(|year| NamedWeek::OfYear {
            week: number,
            year: Some(year),
        });
    Some(Detected {
        number: Some(number),
        through,
        week,
    })
}

fn starts_with_of(text: &str) -> bool {
    let t = text.trim_start();
    starts_with_word(t, "of") || starts_with_word(t, "o")
}

/// Whether `text` starts with `word` as a whole word, in any case.
fn starts_with_word(text: &str, word: &str) -> bool {
    text.get(..word.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(word))
        && !text[word.len()..].starts_with(char::is_alphanumeric)
}

/// The words that name a week by one of its days. Group 1 is set for the week's end.
static WEEK_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:(?-u:\b)w\s*/\s*c(?-u:\b)|(?-u:\b)w\.c\.|(?-u:\b)wc(?-u:\b)|(?-u:\b)week\s+(?:commencing|beginning|starting|of)(?-u:\b)|(?-u:\b)(weeks?\s+ending|wythnos\s+yn\s+(?:gorffen|diweddu))(?-u:\b)|(?-u:\b)wythnos\s+yn\s+(?:dechrau|cychwyn)(?-u:\b))[\s:,]*",
    )
    .expect("valid")
});

/// "w/c 14.04.2020", "W/C 3rd March 2025: data, data, data", "Week ending 7 March",
/// "Wythnos yn dechrau 3 Mawrth": a title that opens by naming its week.
fn named_week_first(title: &str, dates: &[Mention]) -> Option<Detected> {
    let key = WEEK_KEY.find(title).filter(|k| k.start() == 0)?;
    dates.iter().find(|d| d.start == key.end())?;
    Some(Detected::default())
}

/// The week a title names by a day: after "w/c" or "week ending" if it says so, else the first
/// day it names ("Weeknotes 18 Dec", "Weeknote: 8 to 12 August 2022").
fn named_day(title: &str, dates: &[Mention]) -> Option<NamedWeek> {
    let keyed = WEEK_KEY.captures_iter(title).find_map(|c| {
        let end = c.get(0)?.end();
        let date = dates.iter().find(|d| d.start == end)?;
        Some(day_week(date.first, c.get(1).is_some()))
    });
    keyed
        .or_else(|| dates.first().map(|d| day_week(d.first, false)))
        .or_else(|| iso_week(title))
}

/// "Weeknotes 2024 W19", "2026-W47": the ISO week written as ISO writes it.
fn iso_week(title: &str) -> Option<NamedWeek> {
    static ISO_WEEK: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?-u:\b)(\d{4})[\s-]?w(\d{1,2})(?-u:\b)").expect("valid")
    });
    let c = ISO_WEEK.captures(title)?;
    let week: u32 = c[2].parse().ok().filter(|w| (1..=53).contains(w))?;
    Some(NamedWeek::OfYear {
        week,
        year: c[1].parse().ok(),
    })
}

fn day_week(day: Day, ends_week: bool) -> NamedWeek {
    NamedWeek::Day {
        day: day.day,
        month: day.month,
        year: day.year,
        ends_week,
    }
}

/// "[S05 E00] Teaser time", "S2E4: the one with the away day".
fn episode_first(title: &str) -> Option<Detected> {
    let rest = title.trim_start_matches(['[', '(', ' ']);
    let c = EPISODE
        .captures(rest)
        .filter(|c| c.get(0).is_some_and(|m| m.start() == 0))?;
    Some(Detected {
        number: c[2].parse().ok(),
        ..Detected::default()
    })
}

/// "This week at GDS", "This week at Digital Land": the classic team weeknote. "This week in
/// ..." is left out: it is how link round-ups are titled.
fn this_week_at(title: &str) -> Option<Detected> {
    static THIS_WEEK_AT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)^this\s+week\s+at(?-u:\b)").expect("valid"));
    THIS_WEEK_AT.is_match(title).then(Detected::default)
}

/// "LocalGov Drupal Beta Sprint 8 Notes", "FSA IMS Discovery 1 Sprint 1": a sprint of a delivery
/// phase. A bare "Sprint 15" is left out: GDS named its all-hands events that way.
fn phase_sprint(title: &str) -> Option<Detected> {
    static PHASE_SPRINT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?-u:\b)(?:discovery|alpha|beta|live)(?:\s+\d{1,3})?\s+sprint\s+(\d{1,4})(?-u:\b)")
            .expect("valid")
    });
    static NOTES_OR_END: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)^\s*(?:$|notes?(?-u:\b)|[:;(\[–—-])").expect("valid"));
    let c = PHASE_SPRINT.captures(title)?;
    let end = c.get(0)?.end();
    NOTES_OR_END.is_match(&title[end..]).then(|| Detected {
        number: c[1].parse().ok(),
        ..Detected::default()
    })
}

/// "D7:S3 (16/12/19 - 20/12/19)", "3–7 March", "Notes for 24–28 June 2024": a run of four to
/// six days from a Monday (when the year is known), beside nothing but codes ("D7:S3") or
/// beside the word "notes". "Blog: 4 to 8 March 2024" could be about anything.
fn working_week(title: &str, dates: &[Mention]) -> Option<Detected> {
    static NOTES: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)(?:notes|nodiadau)(?-u:\b)").expect("valid"));
    let run = dates
        .iter()
        .find(|d| d.span_days().is_some_and(|n| (4..=6).contains(&n)) && d.starts_on_monday())?;
    let beside = format!("{} {}", &title[..run.start], &title[run.end..]);
    let only_codes = beside
        .split(|c: char| !c.is_alphanumeric())
        .all(|w| w.is_empty() || w.contains(|c: char| c.is_ascii_digit()));
    (only_codes || NOTES.is_match(&beside)).then(Detected::default)
}
