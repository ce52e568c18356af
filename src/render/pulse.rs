//! The pulse page's data, as its template sees it: each chart's drawing and the same figures
//! for the table beneath it, from the figures the site model counted.

use chrono::{IsoWeek, NaiveDate, Weekday};
use serde::Serialize;

use super::charts::{self, Drawing};
use super::view::Links;
use crate::health::{BuildHealth, Status};
use crate::site::pulse::{self, Group};
use crate::site::{Site, SourceIx};

/// Everything the pulse page shows.
#[derive(Debug, Serialize)]
pub(super) struct PulseView {
    /// The weeks of the weekly chart, oldest first.
    weeks: Vec<WeekView>,
    /// Posts per week, one row of the chart per group.
    weekly: Vec<GroupView>,
    /// The greatest count of one group in one week: every row's scale, so rows compare.
    weekly_max: usize,
    /// Weeknote streaks, one bar per blog.
    streaks: Vec<StreakView>,
    /// The longest streak of any blog: the bars' scale.
    streaks_max: usize,
    /// Blogs with no post in [`pulse::QUIET_DAYS`] days.
    quiet: Vec<QuietView>,
    /// The longest silence: the bars' scale.
    quiet_max: i64,
    /// Blogs with no post yet.
    silent: Vec<BlogLink>,
    /// The builds of the health chart, oldest first.
    builds: Vec<BuildView>,
    /// Feeds per status, one row of the chart per status.
    health: Vec<StatusView>,
    /// The most feeds any build counted: every row's scale.
    health_max: usize,
    /// "Quiet" means no post in this many days.
    quiet_days: i64,
    /// How many weeks the weekly chart covers.
    week_count: usize,
}

#[derive(Debug, Serialize)]
struct WeekView {
    /// `2026-W48`: the key each bar carries.
    key: String,
    year: i32,
    week: u32,
    /// Its Monday, RFC 3339, for the `date` filter.
    monday: String,
    /// Posts of each group that week, in the order of [`PulseView::weekly`].
    counts: Vec<usize>,
    /// All posts that week.
    total: usize,
}

#[derive(Debug, Serialize)]
struct GroupView {
    /// `organisation`, `others`, `unaffiliated` or `local`: how the template names the group.
    kind: &'static str,
    /// An organisation's name.
    name: Option<String>,
    /// An organisation's page.
    url: Option<String>,
    /// How many organisations `others` sums.
    others: usize,
    /// Posts in the year.
    total: usize,
    /// The most in one week.
    peak: usize,
    drawing: Drawing,
}

#[derive(Debug, Serialize)]
struct BlogLink {
    name: String,
    url: String,
}

#[derive(Debug, Serialize)]
struct StreakView {
    blog: BlogLink,
    current: usize,
    longest: usize,
    /// Weeks with a weeknote in the last year.
    weeks: usize,
    /// Its newest weeknote's week.
    latest: WeekRef,
    drawing: Drawing,
}

/// A week, for a label in the page's language.
#[derive(Debug, Serialize)]
struct WeekRef {
    year: i32,
    week: u32,
}

#[derive(Debug, Serialize)]
struct QuietView {
    blog: BlogLink,
    organisation: Option<String>,
    /// RFC 3339.
    latest: String,
    days: i64,
    drawing: Drawing,
}

#[derive(Debug, Serialize)]
struct BuildView {
    /// RFC 3339: the key each bar carries.
    at: String,
    ok: usize,
    not_modified: usize,
    moved: usize,
    failed: usize,
    gone: usize,
}

#[derive(Debug, Serialize)]
struct StatusView {
    /// `ok`, `not_modified`, `moved`, `failed` or `gone`.
    status: &'static str,
    /// The newest build's count.
    latest: usize,
    drawing: Drawing,
}

impl PulseView {
    /// The view of the site's pulse.
    pub(super) fn new(site: &Site, links: &Links) -> Self {
        let pulse = &site.pulse;
        let keys: Vec<String> = pulse.weeks.iter().map(|&w| week_key(w)).collect();
        let weekly_max = pulse
            .by_group
            .iter()
            .flat_map(|g| g.posts.iter().copied())
            .max()
            .unwrap_or(0);
        let weekly = pulse
            .by_group
            .iter()
            .map(|g| {
                let (kind, name, url, others) = match g.group {
                    Group::Organisation(o) => {
                        let o = site.organisation(o);
                        (
                            "organisation",
                            Some(o.name.clone()),
                            Some(links.url(&o.path)),
                            0,
                        )
                    }
                    Group::Others(n) => ("others", None, None, n),
                    Group::Unaffiliated => ("unaffiliated", None, None, 0),
                    Group::Local => ("local", None, None, 0),
                };
                GroupView {
                    kind,
                    name,
                    url,
                    others,
                    total: g.total(),
                    peak: g.posts.iter().copied().max().unwrap_or(0),
                    drawing: charts::columns(&g.posts, &keys, weekly_max),
                }
            })
            .collect();
        let weeks = pulse
            .weeks
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                let counts: Vec<usize> = pulse.by_group.iter().map(|g| g.posts[i]).collect();
                WeekView {
                    key: keys[i].clone(),
                    year: w.year(),
                    week: w.week(),
                    monday: monday(w),
                    total: counts.iter().sum(),
                    counts,
                }
            })
            .collect();
        let blog = |s: SourceIx| {
            let source = site.source(s);
            BlogLink {
                name: source.feed.name().to_string(),
                url: links.url(&source.path),
            }
        };
        let streaks_max = pulse.streaks.iter().map(|s| s.longest).max().unwrap_or(0);
        let streaks = pulse
            .streaks
            .iter()
            .map(|s| StreakView {
                blog: blog(s.source),
                current: s.current,
                longest: s.longest,
                weeks: s.weeks,
                latest: WeekRef {
                    year: s.latest.year(),
                    week: s.latest.week(),
                },
                drawing: charts::bar(s.current, Some(s.longest), streaks_max),
            })
            .collect();
        let quiet_max = pulse.quiet.iter().map(|q| q.days).max().unwrap_or(0);
        let quiet = pulse
            .quiet
            .iter()
            .map(|q| QuietView {
                blog: blog(q.source),
                organisation: site
                    .organisation_of(site.source(q.source))
                    .map(|o| o.name.clone()),
                latest: q.latest.to_rfc3339(),
                days: q.days,
                drawing: charts::bar(to_count(q.days), None, to_count(quiet_max)),
            })
            .collect();
        let (builds, health, health_max) = health(&pulse.health);
        PulseView {
            weeks,
            weekly,
            weekly_max,
            streaks,
            streaks_max,
            quiet,
            quiet_max,
            silent: pulse.silent.iter().map(|&s| blog(s)).collect(),
            builds,
            health,
            health_max,
            quiet_days: pulse::QUIET_DAYS,
            week_count: pulse.weeks.len(),
        }
    }
}

/// The statuses charted, in the order a reader meets them: fine first, then the troubles.
const STATUSES: [Status; 5] = [
    Status::Ok,
    Status::NotModified,
    Status::Moved,
    Status::Failed,
    Status::Gone,
];

fn health(history: &[BuildHealth]) -> (Vec<BuildView>, Vec<StatusView>, usize) {
    let keys: Vec<String> = history.iter().map(|b| b.at.to_rfc3339()).collect();
    let max = history
        .iter()
        .flat_map(|b| STATUSES.map(|s| b.get(s)))
        .max()
        .unwrap_or(0);
    let builds = history
        .iter()
        .zip(&keys)
        .map(|(b, key)| BuildView {
            at: key.clone(),
            ok: b.ok,
            not_modified: b.not_modified,
            moved: b.moved,
            failed: b.failed,
            gone: b.gone,
        })
        .collect();
    let statuses = STATUSES
        .iter()
        .map(|&status| {
            let values: Vec<usize> = history.iter().map(|b| b.get(status)).collect();
            StatusView {
                status: status.as_str(),
                latest: values.last().copied().unwrap_or(0),
                drawing: charts::columns(&values, &keys, max),
            }
        })
        .collect();
    (builds, statuses, max)
}

/// `2026-W48`, as every week of the site is named in addresses.
fn week_key(week: IsoWeek) -> String {
    crate::site::paths::week_slug(week)
}

fn monday(week: IsoWeek) -> String {
    NaiveDate::from_isoywd_opt(week.year(), week.week(), Weekday::Mon)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .map(|d| d.and_utc().to_rfc3339())
        .unwrap_or_default()
}

fn to_count(days: i64) -> usize {
    usize::try_from(days).unwrap_or(0)
}
