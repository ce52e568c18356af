//! The date table (`tests/dates.tsv`, written by `tests/dates_tsv.py`): every date string in
//! the shared feed corpus, the inputs of feedparser's own date tests and the forms generators
//! write, each with feedparser 6's reading. `parse` must give what the `expect` column says, and
//! the test prints how often that agrees with feedparser:
//!
//!     cargo test --test dates -- --nocapture

use chrono::{DateTime, FixedOffset, NaiveDate};
use roundup::feed::dates::{from_link, parse};

struct Row {
    text: String,
    feedparser: Option<i64>,
    by_day: bool,
    expect: String,
    note: String,
    source: String,
}

fn unescape(field: &str) -> String {
    let mut out = String::new();
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn rows() -> Vec<Row> {
    include_str!("fixtures/dates/dates.tsv")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 6, "bad row: {line}");
            Row {
                text: unescape(f[0]),
                feedparser: f[1].parse().ok(),
                by_day: f[2] == "day",
                expect: f[3].to_string(),
                note: f[4].to_string(),
                source: f[5].to_string(),
            }
        })
        .collect()
}

/// The calendar day as written (in the date's own offset), as days since 1970: feedparser's
/// ISO 8601 reader, where it drops the time, keeps the date as written at midnight UTC.
fn written_day(date: &DateTime<FixedOffset>) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    (date.date_naive() - epoch).num_days()
}

fn agrees(row: &Row, ours: Option<&DateTime<FixedOffset>>) -> bool {
    match (ours, row.feedparser) {
        (None, None) => true,
        (Some(ours), Some(theirs)) if row.by_day => written_day(ours) == theirs.div_euclid(86400),
        (Some(ours), Some(theirs)) => ours.timestamp() == theirs,
        _ => false,
    }
}

#[test]
fn every_row_reads_as_the_table_says() {
    let rows = rows();
    let mut wrong = Vec::new();
    let (mut agree, mut by_day, mut dated, mut dated_agree) = (0, 0, 0, 0);
    let mut differ = Vec::new();
    for row in &rows {
        let ours = parse(&row.text);
        let ok = match row.expect.as_str() {
            "=" => agrees(row, ours.as_ref()),
            "none" => ours.is_none(),
            exact => {
                let want = DateTime::parse_from_rfc3339(exact).expect("expect column");
                // The same instant and the same offset: the offset is kept for display.
                ours.is_some_and(|d| d == want && d.offset() == want.offset())
            }
        };
        if !ok {
            wrong.push(format!(
                "{:?}: got {:?}, want {}",
                row.text,
                ours.map(|d| d.to_rfc3339()),
                row.expect
            ));
        }
        let same = agrees(row, ours.as_ref());
        if same {
            agree += 1;
            by_day += usize::from(row.by_day && ours.is_some());
        } else {
            differ.push(format!(
                "  {:?} [{}]\n      ours {} / feedparser {}: {}",
                row.text,
                row.source,
                ours.map_or("None".into(), |d| d.to_rfc3339()),
                row.feedparser
                    .and_then(|t| DateTime::from_timestamp(t, 0))
                    .map_or("None".into(), |d| d.to_rfc3339()),
                row.note
            ));
        }
        if row.feedparser.is_some() {
            dated += 1;
            dated_agree += usize::from(same);
        }
    }
    let corpus: Vec<&Row> = rows
        .iter()
        .filter(|r| !matches!(r.source.as_str(), "generators" | "feedparser-tests"))
        .collect();
    let corpus_agree = corpus
        .iter()
        .filter(|r| agrees(r, parse(&r.text).as_ref()))
        .count();
    let corpus_dated: Vec<&&Row> = corpus.iter().filter(|r| r.feedparser.is_some()).collect();
    let corpus_dated_agree = corpus_dated
        .iter()
        .filter(|r| agrees(r, parse(&r.text).as_ref()))
        .count();
    let percent = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "dates.tsv: {agree}/{} rows agree with feedparser ({:.1} %; {by_day} of them by the day)",
        rows.len(),
        percent(agree, rows.len())
    );
    println!(
        "  of the rows feedparser dates: {dated_agree}/{dated} ({:.1} %)",
        percent(dated_agree, dated)
    );
    println!(
        "  corpus rows: {corpus_agree}/{} ({:.1} %); of those feedparser dates: {corpus_dated_agree}/{} ({:.1} %)",
        corpus.len(),
        percent(corpus_agree, corpus.len()),
        corpus_dated.len(),
        percent(corpus_dated_agree, corpus_dated.len())
    );
    println!("disagreements ({}):\n{}", differ.len(), differ.join("\n"));
    assert!(
        wrong.is_empty(),
        "{} rows read wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Every row, cut short and with bytes changed, still reads without a panic.
#[test]
fn mangled_rows_do_not_panic() {
    for row in rows() {
        let chars: Vec<char> = row.text.chars().collect();
        for cut in 0..chars.len() {
            let head: String = chars[..cut].iter().collect();
            let tail: String = chars[cut..].iter().collect();
            for text in [
                head.clone(),
                tail,
                format!("{head}9{}", &row.text),
                format!("{head}é"),
            ] {
                let _ = parse(&text);
                let _ = from_link(&text);
            }
        }
    }
}

// Unit tests of the behaviour the table cannot show: offsets kept, garbage refused, links.

fn utc(text: &str) -> Option<String> {
    parse(text).map(|d| d.to_rfc3339())
}

#[test]
fn the_written_offset_is_kept() {
    let date = parse("Mon, 03 Mar 2025 10:00:00 +0100").unwrap();
    assert_eq!(date.offset().local_minus_utc(), 3600);
    assert_eq!(date.to_rfc3339(), "2025-03-03T10:00:00+01:00");
    assert_eq!(
        utc("Mon, 03 Mar 2025 10:00:00 BST").unwrap(),
        "2025-03-03T10:00:00+01:00"
    );
    assert_eq!(
        utc("2019-07-01 08:00:00 -0500").unwrap(),
        "2019-07-01T08:00:00-05:00"
    );
    assert_eq!(
        utc("2019-07-01T08:00:00+05:30").unwrap(),
        "2019-07-01T08:00:00+05:30"
    );
}

#[test]
fn no_zone_is_utc_whatever_the_machine_says() {
    // Nothing here reads TZ or the clock: the suite passes as well under TZ=Pacific/Chatham.
    for text in [
        "Mon, 03 Mar 2025 10:00:00",
        "2025-03-03 10:00",
        "3/3/2025 10:00",
    ] {
        let date = parse(text).unwrap();
        assert_eq!(date.offset().local_minus_utc(), 0, "{text}");
        assert_eq!(date.to_rfc3339(), "2025-03-03T10:00:00+00:00", "{text}");
    }
}

#[test]
fn garbage_is_no_date() {
    for text in [
        "",
        " ",
        "next week",
        "0",
        "2025-13-45",
        "2025-02-29",
        "tomorrow",
        "10:00",
        "March 2021",
        "3 March",
        "Mon, 32 Mar 2025 10:00:00 GMT",
        "Mon, 03 Mar 2025 25:00 GMT",
        "12345",
        "1e9",
        "2019-07-01T10:00:61Z",
        "99999999999999999999999999",
        "Sun, 16 Dec zz 11:47 GMT",
    ] {
        assert_eq!(utc(text), None, "{text:?}");
    }
}

#[test]
fn forms_generators_write() {
    for (text, want) in [
        ("2019-07-01 08:00:00 UTC", "2019-07-01T08:00:00+00:00"),
        ("2021/3/4 09:05:00", "2021-03-04T09:05:00+00:00"),
        ("3/4/2021", "2021-03-04T00:00:00+00:00"),
        ("13/4/2021", "2021-04-13T00:00:00+00:00"),
        ("04.03.2021", "2021-03-04T00:00:00+00:00"),
        ("4th March 2021 9:05am", "2021-03-04T09:05:00+00:00"),
        ("4th March 2021 9.05pm", "2021-03-04T21:05:00+00:00"),
        ("1562000000", "2019-07-01T16:53:20+00:00"),
        ("20190701T080000Z", "2019-07-01T08:00:00+00:00"),
        ("Thu, 09 Feb 2006 16:59:45 G", "2006-02-09T16:59:45+00:00"),
        (
            "Mon, 03 Mar 2025 10:00:00 GMT+1",
            "2025-03-03T10:00:00+01:00",
        ),
        (
            "Wed, 19 Aug 2009 18:28:00 Etc/GMT+5",
            "2009-08-19T18:28:00-05:00",
        ),
        // RFC 850, HTTP's old date, in a feed a new user tried.
        (
            "Monday, 08-Jul-19 08:00:00 BST",
            "2019-07-08T08:00:00+01:00",
        ),
        (
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "1994-11-06T08:49:37+00:00",
        ),
        ("08-Jul-2019 08:00", "2019-07-08T08:00:00+00:00"),
    ] {
        assert_eq!(utc(text).as_deref(), Some(want), "{text:?}");
    }
}

#[test]
fn links_carry_wordpress_and_blogger_dates() {
    let link = |url: &str| from_link(url).map(|d| d.to_rfc3339());
    let day = Some("2019-07-01T00:00:00+00:00".to_string());
    assert_eq!(link("https://blog.example/2019/07/01/title/"), day);
    assert_eq!(link("https://blog.example/2019/07/title/"), day); // WordPress month and name
    assert_eq!(link("https://x.blogspot.com/2019/07/title.html"), day); // Blogger
    assert_eq!(link("/2019/07/01/relative"), day);
    for url in [
        "https://blog.example/2019/13/01/x/",
        "https://blog.example/2019/02/30/x/",
        "https://blog.example/1994/02/03/x/",
        "https://blog.example/2101/01/01/x/",
        "https://blog.example/issue/2020/5/x",
        "https://blog.example/p?d=2019/07/01",
        "https://blog.example/posts/title",
        "",
    ] {
        assert_eq!(link(url), None, "{url}");
    }
}

/// Random strings from date-like pieces, digits, signs and non-ASCII: never a panic.
#[test]
fn fuzzed_input_does_not_panic() {
    const PIECES: &[&str] = &[
        "0",
        "1",
        "9",
        "12",
        "2019",
        "-",
        "+",
        ":",
        "/",
        ".",
        ",",
        " ",
        "t",
        "z",
        "(",
        ")",
        "\\",
        "gmt",
        "mar",
        "mon",
        "pm",
        "am",
        "th",
        "년",
        "오후",
        "é",
        "Ιούν",
        "\u{663}",
        "99999999999",
        "etc/",
        "\t",
        "1562000000",
        "2019-07-01",
        "-0500",
        "🦀",
        "\u{0}",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..30_000 {
        let len = next() % 12;
        let text: String = (0..len)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        let _ = parse(&text);
        let _ = from_link(&text);
    }
    let _ = parse(&"9".repeat(10_000));
    let _ = parse(&"(".repeat(400));
    let _ = from_link(&format!("https://x/{}", "2019/".repeat(1000)));
}
