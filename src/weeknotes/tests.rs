//! Titles, tags and weeks. Series have their tests in `series.rs`; the whole corpus is measured
//! by `tests/corpus.rs`.

use super::*;

fn detected(title: &str) -> Detected {
    detect_title(title).unwrap_or_else(|| panic!("{title:?} is a weeknote"))
}

fn day(day: u32, month: u32, year: Option<i32>) -> Option<NamedWeek> {
    Some(NamedWeek::Day {
        day,
        month,
        year,
        ends_week: false,
    })
}

fn ending(day: u32, month: u32, year: Option<i32>) -> Option<NamedWeek> {
    Some(NamedWeek::Day {
        day,
        month,
        year,
        ends_week: true,
    })
}

fn of_year(week: u32, year: i32) -> Option<NamedWeek> {
    Some(NamedWeek::OfYear {
        week,
        year: Some(year),
    })
}

#[test]
fn english_titles_are_recognised_with_their_number() {
    let cases: &[(&str, Option<u32>)] = &[
        ("Weeknotes #12", Some(12)),
        ("Weeknotes", None),
        ("weeknotes 23", Some(23)),
        ("WEEKNOTE 23: a busy one", Some(23)),
        ("Week notes: 3 March", None),
        ("Week-notes 4", Some(4)),
        ("Weeknotes15", Some(15)),
        ("Sprint notes 14", Some(14)),
        ("Sprint Notes #66", Some(66)),
        ("Pay team weeknotes #4", Some(4)),
        ("Weeknotes s03e42", Some(42)),
        ("Weeknotes S04 Ep06", Some(6)),
        ("Weeknotes S10 Ep 17", Some(17)),
        ("Weeknotes (S03E07)", Some(7)),
        ("Weeknotes – series 02 episode 05", Some(5)),
        ("[S05 E00] Teaser time", Some(0)),
        ("S2E4: the one with the away day", Some(4)),
        ("Weeknotes no. 101", Some(101)),
        ("Weeknotes (week 6)", Some(6)),
        ("Weeknotes #002: Planning", Some(2)),
        ("Weeknotes 121; a model for AI collaboration", Some(121)),
        (
            "#weeknotes 7: meetings, inspiration, cakes and balance",
            Some(7),
        ),
        ("LOTI: Weeknote 27", Some(27)),
        ("3.36 — weeknotes — learnt a new word this week", Some(36)),
        (
            "Please try to enjoy both seasons equally (Week Notes, 13, 2025)",
            Some(13),
        ),
        ("One last weeknote for 2025", None),
        ("First weeknote of 2026", None),
        ("Weekly note for 5-9 February 2024", None),
        ("weeknote [α]", None),
        ("Digital Land sprint notes – pre-election period", None),
        (
            "Delivering HackIT's homeworking service – Devices: Weeknote 1 – w/c sometime",
            Some(1),
        ),
    ];
    for (title, number) in cases {
        assert_eq!(detected(title).number, *number, "{title:?}");
    }
}

#[test]
fn welsh_titles_are_recognised() {
    let cases: &[(&str, Option<u32>)] = &[
        ("Nodiadau'r wythnos", None),
        ("Nodiadau’r Wythnos 12", Some(12)),
        ("nodiadau wythnos 24/11/2022", None),
        ("Nodiadau wythnosol #3", Some(3)),
        ("Nodyn yr wythnos 5", Some(5)),
        ("Noddiau’r Wythnos 15 (Weeknotes15)", Some(15)),
        ("Nodadiau wythnos 02/12/2022", None),
        ("Wythnos 12", Some(12)),
        ("Wythnosau 12 a 13", Some(12)),
        ("Wythnos yn dechrau 3 Mawrth", None),
        ("Nodiadau'r wythnos: 3ydd o Fawrth 2023", None),
    ];
    for (title, number) in cases {
        assert_eq!(detected(title).number, *number, "{title:?}");
    }
    assert_eq!(detected("Wythnosau 12 a 13").through, Some(13));
    assert_eq!(
        detected("Nodiadau'r wythnos: 3ydd o Fawrth 2023").week,
        day(3, 3, Some(2023))
    );
    assert_eq!(
        detected("Nodiadau wythnos 24/11/2022").week,
        day(24, 11, Some(2022))
    );
    assert_eq!(
        detected("Wythnos yn dechrau 3 Mawrth").week,
        day(3, 3, None)
    );
    assert_eq!(
        detected("Nodiadau'r wythnos, wythnos yn gorffen 17 Mawrth").week,
        ending(17, 3, None)
    );
}

#[test]
fn numbered_weeks_are_recognised() {
    let cases: &[(&str, Option<u32>, Option<u32>)] = &[
        ("Week 56", Some(56), None),
        ("Week 461", Some(461), None),
        ("Week 43/52", Some(43), None),
        ("Week 0 (resetting the clock)", Some(0), None),
        (
            "Week #113 at the Digital Service: Notes for 24–28 June 2024",
            Some(113),
            None,
        ),
        ("Week 11: Our week in tweets", Some(11), None),
        ("Week 1: 28-07-2017", Some(1), None),
        ("Weeks 60 and 61", Some(60), Some(61)),
        ("Week #605 & #606", Some(605), Some(606)),
        ("Weeknotes 12 & 13", Some(12), Some(13)),
        (
            "Weeknote: 27/28/29/30/31/32/33 weeks ending 7/6, 14/6",
            Some(27),
            Some(33),
        ),
        ("2018 Week 16", Some(16), None),
        ("2020 - Week 13", Some(13), None),
    ];
    for (title, number, through) in cases {
        let found = detected(title);
        assert_eq!(
            (found.number, found.through),
            (*number, *through),
            "{title:?}"
        );
    }
    assert_eq!(detected("2018 Week 16").week, of_year(16, 2018));
    assert_eq!(detected("Weeknote 23 of 2021").week, of_year(23, 2021));
    assert_eq!(detected("Weeknote 04/2023").week, of_year(4, 2023));
    assert_eq!(detected("Week 43/52").week, None);
}

#[test]
fn titles_name_their_week() {
    let cases: &[(&str, Option<NamedWeek>)] = &[
        ("w/c 9 November", day(9, 11, None)),
        (
            "W/C 3rd March 2025: data, data, data",
            day(3, 3, Some(2025)),
        ),
        ("Weeknotes: week commencing 3rd March", day(3, 3, None)),
        (
            "Virtual Council Meetings: Weeknote, w/c 14.04.2020",
            day(14, 4, Some(2020)),
        ),
        (
            "Virtual Council meetings, weeknote: w/c 30.03.2020",
            day(30, 3, Some(2020)),
        ),
        (
            "Weeknote 42: week ending 20th September 2024",
            ending(20, 9, Some(2024)),
        ),
        ("Week ending 7 March", ending(7, 3, None)),
        (
            "Report a Problem Weeknotes : week ending: 2020-04-03",
            ending(3, 4, Some(2020)),
        ),
        ("Weeknotes for the week ending 7 March", ending(7, 3, None)),
        (
            "Weeknote: 27/28/29 weeks ending 7/6, 14/6, 21/6",
            ending(7, 6, None),
        ),
        ("Weeknote: 8 to 12 August 2022", day(8, 8, Some(2022))),
        ("3–7 March", day(3, 3, None)),
        ("Weeknote Nov 24-30 2020", day(24, 11, Some(2020))),
        ("Weeknotes 18 Dec", day(18, 12, None)),
        ("Weeknote 6/11/19", day(6, 11, Some(2019))),
        ("Weeknote: 11 June 21", day(11, 6, Some(2021))),
        ("Weeknotes 30/05/25", day(30, 5, Some(2025))),
        ("Weeknotes: 16th Sept 2019", day(16, 9, Some(2019))),
        ("2020 05 01 — Weeknotes", day(1, 5, Some(2020))),
        ("D7:S3 (16/12/19 - 20/12/19)", day(16, 12, Some(2019))),
        ("Weeknotes #3", None),
    ];
    for (title, week) in cases {
        assert_eq!(detected(title).week, *week, "{title:?}");
    }
}

#[test]
fn other_forms_of_weeknote_titles_are_recognised() {
    for title in [
        "This week at GDS",
        "This week at Digital Land",
        "LocalGov Drupal Beta Sprint 8 Notes",
        "FSA IMS Discovery 1 Sprint 1",
        "Back to weeknotes after a hiatus: 23 to 27 October 2023",
        "Short weeknote: 3 to 5 April 2023",
        "Manage a Tenancy : Week notes – 4/10/19",
        "Bridging the digital skills divide weeknote 22/09/20",
        "Weeknotes from Content and Publishing (S1 E5)",
        "Weeknotes: A clearer path",
    ] {
        detected(title);
    }
}

#[test]
fn titles_about_weeknotes_and_other_posts_are_not_weeknotes() {
    for title in [
        "Welcome to our weeknotes",
        "What are weeknotes?",
        "Why we write weeknotes",
        "How to write weeknotes that people read",
        "How we used weeknotes",
        "A year of weeknotes",
        "Reflections on weeknotes",
        "Weeknotes are good for you",
        "Weeknote rules",
        "A Note on Weeknotes",
        "My weeknotes",
        "Why I Weeknote",
        "Explaining the Lack of Weeknotes",
        "Sut y gwnaethom ni ddefnyddio nodiadau wythnosol",
        "Croeso i'n nodiadau'r wythnos",
        "Blwyddyn o nodiadau'r wythnos",
        "Monthnotes: October 2023",
        "The Threeknotes",
        "Daily note for 13 December 2023",
        "Notes from a busy week",
        "The week in review: accessibility",
        "Sprint planning notes",
        "Sprint 15 round-up",
        "Sprint 16 Notes",
        "Sharing Sprint 14",
        "Writing weeknotes in the open",
        "Weekly digest",
        "Weekly DfE Publications - W/C 16/04/2018",
        "What's Going On This Week",
        "That was the localgov week that was",
        "Week 9 – Revisiting the data",
        "Week 1 - Day 5",
        "GSoC 2015: Week 7 Updates 📆",
        "Anecdote corner – Week 1: Working with Members",
        "Week 28 of 2023",
        "Week 3 of 12",
        "What are you doing during Week of Action?",
        "Vampire Weekend",
        "Join us for Services Week 2026",
        "Accessibility reads: Thursday, October 24",
        "Conference 3-5 June",
        "",
        "#",
        "Week",
        "w/c",
    ] {
        assert_eq!(detect_title(title), None, "{title:?}");
    }
}

#[test]
fn the_roundup_init_sample_post_is_not_a_weeknote() {
    // The title of `src/cmd/skeleton/welcome.md`.
    assert_eq!(detect_title("Welcome to our weeknotes"), None);
}

/// Every title of three pieces from `FRAGMENTS`, some 13,800, goes through without a panic.
#[test]
fn any_mix_of_the_pieces_titles_are_made_of_never_panics() {
    const FRAGMENTS: [&str; 30] = [
        "Week",
        "weeknotes",
        "Nodiadau’r wythnos",
        "w/c",
        "ending",
        " ",
        "#",
        "12",
        "52",
        "/",
        ".",
        "-",
        "–",
        " to ",
        "2020",
        "31",
        "Mawrth",
        "Sept",
        "(",
        "[",
        "S0",
        "E1",
        "ŵ",
        "’",
        "of",
        "&",
        ":",
        "0",
        "99999",
        "🙂",
    ];
    let published = DateTime::parse_from_rfc3339("2021-01-01T00:00:00Z").expect("a date");
    for a in FRAGMENTS {
        for b in FRAGMENTS {
            for c in FRAGMENTS {
                let title = format!("{a}{b}{c}");
                week_of(published, chrono_tz::UTC, detect_title(&title));
            }
        }
    }
}

#[test]
fn odd_input_never_panics() {
    for title in [
        "Week 99999999999999999999",
        "Weeknotes #4294967296",
        "w/c 31/02/2020",
        "Weeknotes 00/00/00",
        "Week 53 of 2021: a note",
        "2018 Week 99",
        "ŵ/c 3 Mawrth",
        "Weeknotes\u{0}\u{200B}",
        "٣ Week ٣",
        "s99999e99999",
    ] {
        let found = detect_title(title);
        let published = DateTime::parse_from_rfc3339("2021-01-01T00:00:00Z").expect("a date");
        week_of(published, chrono_tz::UTC, found);
    }
}

#[test]
fn weeknote_tags_are_recognised() {
    for tag in [
        "Weeknotes",
        "week  notes",
        "#weeknotes",
        "week-notes",
        "Sprint notes",
        "Nodiadau’r wythnos",
        "nodiadau wythnos",
    ] {
        assert!(is_weeknote_tag(tag), "{tag:?}");
    }
    for tag in ["notes", "monthnotes", "meta", "wythnos", ""] {
        assert!(!is_weeknote_tag(tag), "{tag:?}");
    }
}

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("a valid date")
}

fn week(published: &str, title: &str) -> String {
    crate::site::paths::week_slug(week_of(
        at(published),
        chrono_tz::Europe::London,
        detect_title(title),
    ))
}

#[test]
fn weeks_are_counted_in_the_site_time_zone() {
    let london = chrono_tz::Europe::London;
    // Sunday 23:30 in British Summer Time is still that Sunday's week...
    let sunday = at("2026-06-14T23:30:00+01:00");
    assert_eq!(
        crate::site::paths::week_slug(week_of(sunday, london, None)),
        "2026-W24"
    );
    // ...and 23:30 UTC on that Sunday is already Monday in London.
    let monday = at("2026-06-14T23:30:00+00:00");
    assert_eq!(
        crate::site::paths::week_slug(week_of(monday, london, None)),
        "2026-W25"
    );
    assert_eq!(
        crate::site::paths::week_slug(week_of(monday, chrono_tz::UTC, None)),
        "2026-W24"
    );
}

#[test]
fn iso_weeks_cross_the_turn_of_the_year() {
    let london = chrono_tz::Europe::London;
    // 2026 has 53 ISO weeks; 1 January 2027 is a Friday of week 53.
    assert_eq!(
        crate::site::paths::week_slug(week_of(at("2027-01-01T12:00:00Z"), london, None)),
        "2026-W53"
    );
    assert_eq!(
        crate::site::paths::week_slug(week_of(at("2027-01-04T09:00:00Z"), london, None)),
        "2027-W01"
    );
    // 30 December 2024 is a Monday of 2025's first week.
    assert_eq!(
        crate::site::paths::week_slug(week_of(at("2024-12-30T09:00:00Z"), london, None)),
        "2025-W01"
    );
}

#[test]
fn a_note_is_placed_in_the_week_its_title_names() {
    // Posted a week late.
    assert_eq!(
        week("2026-11-17T10:00:00Z", "Weeknotes w/c 9 November"),
        "2026-W46"
    );
    // Written in the first days of January about the last week of December.
    assert_eq!(week("2027-01-02T10:00:00Z", "w/c 28 December"), "2026-W53");
    // Numeric dates, and a week that ends on the Friday.
    assert_eq!(
        week("2020-04-21T10:00:00Z", "Weeknote, w/c 14.04.2020"),
        "2020-W16"
    );
    assert_eq!(
        week(
            "2024-09-23T10:00:00Z",
            "Weeknote 42: week ending 20th September 2024"
        ),
        "2024-W38"
    );
    // A week that "ends" on a Monday is the week before it.
    assert_eq!(
        week("2024-09-24T10:00:00Z", "Week ending 23 September 2024"),
        "2024-W38"
    );
    // The week of the year, with or without its year.
    assert_eq!(week("2018-04-25T10:00:00Z", "2018 Week 16"), "2018-W16");
    assert_eq!(week("2023-01-28T10:00:00Z", "Weeknote 04/2023"), "2023-W04");
    // A numbered series says nothing of the week.
    assert_eq!(week("2024-01-05T10:00:00Z", "Week 461"), "2024-W01");
    // A date far from the post is a slip, and the post's date is used.
    assert_eq!(
        week("2025-06-06T10:00:00Z", "Weeknotes 06/06/52"),
        "2025-W23"
    );
}

#[test]
fn posts_about_weeknotes_are_told_from_weeknotes() {
    for about in [
        "What are weeknotes?",
        "Welcome to our weeknotes",
        "Beth yw nodiadau'r wythnos?",
        "Why we write week notes",
    ] {
        assert!(super::is_about_weeknotes(about), "{about}");
    }
    for note in [
        "Weeknotes #12",
        "Our weeknotes 14",
        "A tough week",
        "Nodiadau'r wythnos 3",
    ] {
        assert!(!super::is_about_weeknotes(note), "{note}");
    }
}
