//! `roundup export`: every post, archived and local, as JSON Lines: the user's way out with all
//! their data.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::CommandError;
use crate::archive::Archive;
use crate::config::Config;
use crate::content;
use crate::post::{Post, Source};
use crate::refresh::refresh;
use crate::render::Links;
use crate::site::{self, Selection};

/// One line of the export.
#[derive(Debug, Serialize)]
struct Line<'a> {
    source: &'a str,
    feed_url: Option<&'a str>,
    id: &'a str,
    title: &'a str,
    url: Option<&'a str>,
    permalink: Option<String>,
    published: String,
    updated: Option<String>,
    authors: &'a [String],
    tags: &'a [String],
    categories: &'a [String],
    summary: &'a str,
}

/// Writes every post of the site at `root` to `out`, newest first; returns how many.
///
/// Drafts and future posts are included. Archived posts the site does not publish (of feeds no
/// longer in `feeds.toml`, or copies of a post another feed also carries) come last, with no
/// permalink.
pub fn run(root: &Path, out: &mut dyn Write, now: DateTime<Utc>) -> Result<usize, CommandError> {
    let config = Config::load(root)?;
    let local = content::load(root, config.site.timezone)?;
    let mut archive = Archive::open(&root.join(&config.archive.dir))?;
    let feeds = refresh(&config, &mut archive, None, now)?;
    let stored = archive.entries()?;
    let archived: Vec<Post> = stored.iter().map(|s| s.post.clone()).collect();
    let everything = Selection {
        drafts: true,
        future: true,
        now,
    };
    let site = site::build(&config, local, stored, &feeds, &[], everything);
    let links = Links::new(&config);
    let mut written = 0;
    let mut exported = HashSet::new();
    for post in &site.posts {
        let name = site.source_of(post).map_or("local", |s| s.feed.name());
        write_line(out, &post.post, name, Some(links.permalink(&post.path)))?;
        exported.insert((&post.post.source, &post.post.id));
        written += 1;
    }
    for post in &archived {
        if exported.contains(&(&post.source, &post.id)) {
            continue;
        }
        let Source::Feed(key) = &post.source else {
            continue;
        };
        write_line(out, post, &key.0, None)?;
        written += 1;
    }
    out.flush().map_err(write_error)?;
    Ok(written)
}

fn write_error(source: std::io::Error) -> CommandError {
    CommandError::Io {
        action: "write",
        path: "the export".into(),
        source,
    }
}

fn write_line(
    out: &mut dyn Write,
    post: &Post,
    source: &str,
    permalink: Option<String>,
) -> Result<(), CommandError> {
    let line = Line {
        source,
        feed_url: match &post.source {
            Source::Feed(key) => Some(&key.0),
            Source::Local(_) => None,
        },
        id: &post.id,
        title: &post.title,
        url: post.original_url.as_deref(),
        permalink,
        published: post.published.to_rfc3339(),
        updated: post.updated.map(|u| u.to_rfc3339()),
        authors: &post.authors,
        tags: &post.tags,
        categories: &post.categories,
        summary: &post.summary,
    };
    serde_json::to_writer(&mut *out, &line).map_err(|e| write_error(e.into()))?;
    out.write_all(b"\n").map_err(write_error)?;
    Ok(())
}
