//! The groupings of posts that are not taxonomies: the archive by year and month, the
//! organisations that own the blogs, and the weeks of weeknotes.

use std::collections::BTreeMap;

use chrono::{Datelike, IsoWeek};
use chrono_tz::Tz;

use super::terms::most_common;
use super::{
    Month, OrgIx, Organisation, PostIx, SitePost, SiteSource, SourceIx, Week, Year, paths,
};
use crate::slug::{Slugs, slugify, term_key};

/// The years and months with posts, newest first, in the site's time zone.
pub(super) fn archive(posts: &[SitePost], tz: Tz) -> Vec<Year> {
    let mut years: Vec<Year> = Vec::new();
    for (i, post) in posts.iter().enumerate() {
        let local = post.post.published.with_timezone(&tz);
        let (year, month) = (local.year(), local.month());
        if years.last().is_none_or(|y| y.year != year) {
            years.push(Year {
                year,
                path: paths::year(year),
                months: Vec::new(),
            });
        }
        let months = &mut years.last_mut().expect("pushed above").months;
        if months.last().is_none_or(|m| m.month != month) {
            months.push(Month {
                month,
                path: paths::month(year, month),
                posts: Vec::new(),
            });
        }
        months
            .last_mut()
            .expect("pushed above")
            .posts
            .push(PostIx(i));
    }
    years
}

/// The organisations of the blog roll, by name (spellings that differ only in case or spaces
/// are one), each blog pointed at its own.
pub(super) fn organisations(sources: &mut [SiteSource]) -> Vec<Organisation> {
    let mut by_key: BTreeMap<String, (BTreeMap<String, usize>, Vec<SourceIx>)> = BTreeMap::new();
    for (i, source) in sources.iter().enumerate() {
        let Some(name) = source
            .feed
            .organisation
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        else {
            continue;
        };
        let (spellings, members) = by_key.entry(term_key(name)).or_default();
        *spellings.entry(name.to_string()).or_default() += 1;
        members.push(SourceIx(i));
    }
    let mut slugs = Slugs::new();
    by_key
        .into_values()
        .enumerate()
        .map(|(o, (spellings, members))| {
            let name = most_common(spellings.into_iter());
            let mut posts: Vec<PostIx> = members
                .iter()
                .flat_map(|&s| sources[s.0].posts.iter().copied())
                .collect();
            posts.sort_unstable();
            for &s in &members {
                sources[s.0].organisation = Some(OrgIx(o));
            }
            Organisation {
                path: paths::organisation(&slugs.claim(&slugify(&name))),
                name,
                sources: members,
                posts,
            }
        })
        .collect()
}

/// The ISO weeks with weeknotes, newest first.
pub(super) fn weeks(posts: &[SitePost]) -> Vec<Week> {
    let mut by_week: BTreeMap<IsoWeek, Vec<PostIx>> = BTreeMap::new();
    for (i, post) in posts.iter().enumerate() {
        if let Some(note) = post.weeknote {
            by_week.entry(note.week).or_default().push(PostIx(i));
        }
    }
    by_week
        .into_iter()
        .rev()
        .map(|(week, posts)| Week {
            slug: paths::week_slug(week),
            path: paths::week(week),
            week,
            posts,
        })
        .collect()
}
