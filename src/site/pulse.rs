//! The pulse of the blog roll, in figures: posts per week by organisation over the last year,
//! weeknote streaks, blogs gone quiet, and how the feeds fared over the last builds.
//!
//! Counted here, from the build's own "now" (never the clock), so the same inputs give the
//! same page; the renderer only draws and tabulates these figures.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Duration, FixedOffset, IsoWeek, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;

use super::{OrgIx, SitePost, SiteSource, SourceIx};
use crate::health::BuildHealth;

/// How many weeks "the last year" is: the build's week and the 51 before it.
pub const WEEKS: usize = 52;
/// A blog with no post in this many days has gone quiet.
pub const QUIET_DAYS: i64 = 90;
/// The organisations charted one by one; the rest are summed as one.
pub const TOP_ORGANISATIONS: usize = 10;

/// Everything the pulse page shows.
#[derive(Debug, Clone, Default)]
pub struct Pulse {
    /// The weeks of the last year, oldest first, ending with the build's own.
    pub weeks: Vec<IsoWeek>,
    /// Posts per week (one count per entry of `weeks`) of each group with posts in them: the
    /// busiest organisations first, then the others summed, blogs of no organisation, and the
    /// site's own posts.
    pub by_group: Vec<GroupWeeks>,
    /// The blogs that wrote weeknotes in the last year, on the longest current run first.
    pub streaks: Vec<Streak>,
    /// Enabled blogs whose newest post is more than [`QUIET_DAYS`] old, the most recently
    /// quiet first.
    pub quiet: Vec<Quiet>,
    /// Enabled blogs with no post at all yet.
    pub silent: Vec<SourceIx>,
    /// The feed health of the last builds that fetched, oldest first.
    pub health: Vec<BuildHealth>,
}

/// Whose posts a row of the weekly chart counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// One organisation's blogs.
    Organisation(OrgIx),
    /// The organisations past the busiest [`TOP_ORGANISATIONS`], summed: how many they are.
    Others(usize),
    /// Blogs that name no organisation.
    Unaffiliated,
    /// The site's own posts, from `content/`.
    Local,
}

/// One group's posts, week by week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupWeeks {
    /// Whose.
    pub group: Group,
    /// One count per week of [`Pulse::weeks`].
    pub posts: Vec<usize>,
}

impl GroupWeeks {
    /// Posts in the whole year.
    pub fn total(&self) -> usize {
        self.posts.iter().sum()
    }
}

/// A blog's weeknotes, as runs of weeks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Streak {
    /// The blog.
    pub source: SourceIx,
    /// Weeks in a row with a weeknote, up to this week (or last week, as this week's note may
    /// not be written yet); 0 when the run has ended.
    pub current: usize,
    /// The longest run of weeks in a row it has ever written.
    pub longest: usize,
    /// Weeks with a weeknote in the last year.
    pub weeks: usize,
    /// Its newest weeknote's week.
    pub latest: IsoWeek,
}

/// A blog gone quiet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quiet {
    /// The blog.
    pub source: SourceIx,
    /// Its newest post's date.
    pub latest: DateTime<FixedOffset>,
    /// Whole days since then.
    pub days: i64,
}

/// The figures of the pulse page, as of `now`.
pub(super) fn gather(
    posts: &[SitePost],
    sources: &[SiteSource],
    history: &[crate::health::BuildHealth],
    now: DateTime<Utc>,
    tz: Tz,
) -> Pulse {
    let this_week = now.with_timezone(&tz).date_naive().iso_week();
    let weeks = last_weeks(this_week, WEEKS);
    Pulse {
        by_group: by_group(posts, sources, &weeks, tz),
        streaks: streaks(posts, sources, &weeks),
        quiet: quiet(posts, sources, now),
        silent: (0..sources.len())
            .filter(|&s| sources[s].feed.enabled && sources[s].posts.is_empty())
            .map(SourceIx)
            .collect(),
        health: history.to_vec(),
        weeks,
    }
}

/// The `count` weeks ending with `last`, oldest first.
fn last_weeks(last: IsoWeek, count: usize) -> Vec<IsoWeek> {
    let monday = monday(last);
    (0..count)
        .rev()
        .map(|back| (monday - Duration::weeks(back as i64)).iso_week())
        .collect()
}

fn monday(week: IsoWeek) -> NaiveDate {
    NaiveDate::from_isoywd_opt(week.year(), week.week(), Weekday::Mon).expect("an ISO week")
}

fn previous(week: IsoWeek) -> IsoWeek {
    (monday(week) - Duration::weeks(1)).iso_week()
}

fn by_group(
    posts: &[SitePost],
    sources: &[SiteSource],
    weeks: &[IsoWeek],
    tz: Tz,
) -> Vec<GroupWeeks> {
    let column: HashMap<IsoWeek, usize> = weeks.iter().enumerate().map(|(i, w)| (*w, i)).collect();
    let mut organisations: HashMap<OrgIx, Vec<usize>> = HashMap::new();
    let mut unaffiliated = vec![0; weeks.len()];
    let mut local = vec![0; weeks.len()];
    for post in posts {
        let week = post
            .post
            .published
            .with_timezone(&tz)
            .date_naive()
            .iso_week();
        let Some(&i) = column.get(&week) else {
            continue;
        };
        let row = match post.source.map(|s| sources[s.0].organisation) {
            None => &mut local,
            Some(None) => &mut unaffiliated,
            Some(Some(o)) => organisations
                .entry(o)
                .or_insert_with(|| vec![0; weeks.len()]),
        };
        row[i] += 1;
    }
    let mut ranked: Vec<GroupWeeks> = organisations
        .into_iter()
        .map(|(o, posts)| GroupWeeks {
            group: Group::Organisation(o),
            posts,
        })
        .collect();
    // Busiest first; organisations are sorted by name, so their index breaks ties by name.
    ranked.sort_by_key(|g| {
        let Group::Organisation(o) = g.group else {
            unreachable!("only organisations are ranked")
        };
        (std::cmp::Reverse(g.total()), o)
    });
    let mut groups: Vec<GroupWeeks> = Vec::new();
    let rest = ranked.split_off(ranked.len().min(TOP_ORGANISATIONS));
    groups.extend(ranked);
    if !rest.is_empty() {
        let mut summed = vec![0; weeks.len()];
        for g in &rest {
            for (sum, n) in summed.iter_mut().zip(&g.posts) {
                *sum += n;
            }
        }
        groups.push(GroupWeeks {
            group: Group::Others(rest.len()),
            posts: summed,
        });
    }
    for (group, posts) in [(Group::Unaffiliated, unaffiliated), (Group::Local, local)] {
        if posts.iter().any(|&n| n > 0) {
            groups.push(GroupWeeks { group, posts });
        }
    }
    groups
}

fn streaks(posts: &[SitePost], sources: &[SiteSource], weeks: &[IsoWeek]) -> Vec<Streak> {
    let (Some(&first), Some(&this_week)) = (weeks.first(), weeks.last()) else {
        return Vec::new();
    };
    let mut found: Vec<Streak> = sources
        .iter()
        .enumerate()
        .filter_map(|(s, source)| {
            let written: BTreeSet<IsoWeek> = source
                .posts
                .iter()
                .filter_map(|&p| posts[p.0].weeknote.map(|n| n.week))
                .filter(|w| *w <= this_week)
                .collect();
            let latest = *written.last()?;
            if latest < first {
                return None;
            }
            let mut current = 0;
            let mut week = if written.contains(&this_week) {
                this_week
            } else {
                previous(this_week)
            };
            while written.contains(&week) {
                current += 1;
                week = previous(week);
            }
            let (mut longest, mut run, mut before) = (0, 0, None);
            for &week in &written {
                run = if before == Some(previous(week)) {
                    run + 1
                } else {
                    1
                };
                longest = longest.max(run);
                before = Some(week);
            }
            Some(Streak {
                source: SourceIx(s),
                current,
                longest,
                weeks: written.range(first..).count(),
                latest,
            })
        })
        .collect();
    found.sort_by(|a, b| {
        (b.current, b.longest)
            .cmp(&(a.current, a.longest))
            .then_with(|| {
                sources[a.source.0]
                    .feed
                    .name()
                    .cmp(sources[b.source.0].feed.name())
            })
    });
    found
}

fn quiet(posts: &[SitePost], sources: &[SiteSource], now: DateTime<Utc>) -> Vec<Quiet> {
    let mut found: Vec<Quiet> = sources
        .iter()
        .enumerate()
        .filter(|(_, s)| s.feed.enabled)
        .filter_map(|(s, source)| {
            // A blog's posts are newest first.
            let latest = posts[source.posts.first()?.0].post.published;
            let since = now - latest.to_utc();
            (since > Duration::days(QUIET_DAYS)).then(|| Quiet {
                source: SourceIx(s),
                latest,
                days: since.num_days(),
            })
        })
        .collect();
    found.sort_by(|a, b| {
        a.days.cmp(&b.days).then_with(|| {
            sources[a.source.0]
                .feed
                .name()
                .cmp(sources[b.source.0].feed.name())
        })
    });
    found
}
