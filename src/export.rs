//! The export format: an archive, and the site's local posts, as JSON Lines; version 1.
//!
//! One JSON object per line, each with a `type`:
//!
//! 1. `header`: `{"type":"header","format":"roundup-export","version":1,"generator":"roundup
//!    0.1.0","public":false}`. `public` is true for the copy a site publishes, which leaves out
//!    what the site does not publish in full (see `withheld` below).
//! 2. one `feed` per feed of the archive, by key: its `key` (the address the archive first
//!    knew it by; entries name it), `name` and `url` as `feeds.toml` last had them, every
//!    `addresses` it answers to, and its state: `etag`, `last_modified`, `final_url`,
//!    `status`, `error`, `last_attempt`, `last_success`, `first_fetched`, `retry_after`.
//! 3. one `build` per build whose feed health the archive keeps for the pulse page, oldest
//!    first: `at`, and how many feeds ended `ok`, `not_modified`, `moved`, `failed`, `gone`.
//! 4. one `entry` per archived post, by feed then id: the post's own fields (`id`, `source`
//!    naming the feed's key, `slug`, `title`, `original_url`, `published` and `updated` with
//!    their offsets, `authors`, `summary`, `content` and `text`, `tags`, `categories`,
//!    `weeknote`, `draft`, `extra`, `language`, `enclosures`, `image`), with `first_seen`, `last_seen` and `backlog` (it came
//!    with its feed's first fetch), and, to read by, `blog` and the `permalink` the site gives
//!    it. `withheld: true` marks an entry whose `content` and `text` were left out (`""`): in
//!    a public copy, the posts of feeds set `excerpt_only`, and of feeds no longer in
//!    `feeds.toml`, whose full text the site does not publish.
//! 5. one `local` per local post (a full export only), with its `permalink`: for taking
//!    elsewhere. An import leaves them out: they live in `content/`.
//! 6. `end`: `{"type":"end","feeds":N,"builds":N,"entries":N,"local":N}`. An export without it is
//!    incomplete (a truncated download, a full disk) and is refused whole.
//!
//! Dates are RFC 3339. Nothing in the file depends on when it was written, so the same
//! archive always exports to the same bytes. A file whose name ends in `.gz`, or that starts
//! with gzip's magic bytes, is compressed.

use std::collections::HashMap;
use std::io::{BufRead, Write};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::archive::{Archive, ArchiveError, EntryRow, FeedRow, Restore, Restored};
use crate::health::BuildHealth;
use crate::plain_text::plain_text;
use crate::post::{Post, Source};
use crate::render::Links;
use crate::site::{Site, SitePost};

/// The `format` of the header.
pub const FORMAT: &str = "roundup-export";
/// The version this roundup writes, and the newest it reads.
pub const VERSION: u32 = 1;

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everything: every entry whole, and the local posts.
    Full,
    /// What may be published: no local posts (they are in the repository, drafts too), and
    /// no full text the site does not publish.
    Public,
}

/// What went wrong reading or writing an export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The file cannot be read or written.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A line is not what the format says.
    #[error("line {line}: {message}")]
    Line {
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The first line is not an export's header.
    #[error(
        "not a roundup export: its first line is not {{\"type\":\"header\",\"format\":\"{FORMAT}\",...}}"
    )]
    NotAnExport,
    /// Written by a newer roundup.
    #[error("written by a newer roundup (export version {0}; this roundup reads up to {VERSION})")]
    Newer(u32),
    /// The file stops before its last line.
    #[error(
        "the export is incomplete: it stops at line {0} without its closing \"end\" line (a truncated download or a full disk?); nothing was imported"
    )]
    Truncated(usize),
    /// The closing line counts something else than the file holds.
    #[error(
        "the export's last line counts {expected} {what}, but it holds {found}; nothing was imported"
    )]
    Count {
        /// "feeds", "entries", "local posts".
        what: &'static str,
        /// What the end line says.
        expected: usize,
        /// What was read.
        found: usize,
    },
    /// The archive failed.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Feeds.
    pub feeds: usize,
    /// Builds' feed health counts.
    #[serde(default)]
    pub builds: usize,
    /// Archived entries.
    pub entries: usize,
    /// Local posts.
    pub local: usize,
    /// Entries whose content and text were left out.
    #[serde(default)]
    pub withheld: usize,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Line {
    Header {
        format: String,
        version: u32,
        #[serde(default)]
        generator: String,
        #[serde(default)]
        public: bool,
    },
    Feed(FeedRow),
    Build(BuildHealth),
    Entry(EntryLine),
    Local(LocalLine),
    End {
        feeds: usize,
        #[serde(default)]
        builds: usize,
        entries: usize,
        local: usize,
    },
}

#[derive(Debug, Serialize, Deserialize)]
struct EntryLine {
    first_seen: DateTime<Utc>,
    last_seen: DateTime<Utc>,
    backlog: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    withheld: bool,
    #[serde(default)]
    blog: Option<String>,
    #[serde(default)]
    permalink: Option<String>,
    #[serde(flatten)]
    post: Post,
}

#[derive(Debug, Serialize, Deserialize)]
struct LocalLine {
    #[serde(default)]
    permalink: Option<String>,
    #[serde(flatten)]
    post: Post,
}

/// Writes the archive, with the names, permalinks and local posts of `site`, to `out`.
pub fn write(
    out: &mut dyn Write,
    archive: &Archive,
    site: &Site,
    links: &Links,
    scope: Scope,
) -> Result<Counts, ExportError> {
    let public = scope == Scope::Public;
    let line = |out: &mut dyn Write, line: &Line| -> Result<(), ExportError> {
        serde_json::to_writer(&mut *out, line).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
        Ok(())
    };
    line(
        out,
        &Line::Header {
            format: FORMAT.to_string(),
            version: VERSION,
            generator: format!("roundup {}", env!("CARGO_PKG_VERSION")),
            public,
        },
    )?;
    let mut counts = Counts::default();
    for feed in archive.feed_rows()? {
        line(out, &Line::Feed(feed))?;
        counts.feeds += 1;
    }
    for build in archive.builds()? {
        line(out, &Line::Build(build))?;
        counts.builds += 1;
    }
    // A feed the site no longer lists publishes nothing; one set excerpt_only, its summaries.
    let blogs: HashMap<&str, (&str, bool)> = site
        .sources
        .iter()
        .map(|s| (s.key.0.as_str(), (s.feed.name(), s.feed.excerpt_only)))
        .collect();
    let published: HashMap<(&Source, &str), &SitePost> = site
        .posts
        .iter()
        .map(|p| ((&p.post.source, p.post.id.as_str()), p))
        .collect();
    archive.each_entry(|row: EntryRow| -> Result<(), ExportError> {
        let blog = blogs.get(row.feed.as_str());
        let withheld = public && blog.is_none_or(|(_, excerpt_only)| *excerpt_only);
        let permalink = published
            .get(&(&row.post.source, row.post.id.as_str()))
            .map(|p| links.permalink(&p.path));
        let mut post = row.post;
        if withheld {
            post.content.clear();
            post.text.clear();
            counts.withheld += 1;
        }
        let entry = EntryLine {
            first_seen: row.first_seen,
            last_seen: row.last_seen,
            backlog: row.backlog,
            withheld,
            blog: blog.map(|(name, _)| name.to_string()),
            permalink,
            post,
        };
        line(out, &Line::Entry(entry))?;
        counts.entries += 1;
        Ok(())
    })?;
    if !public {
        let mut local: Vec<&SitePost> = site.posts.iter().filter(|p| !p.post.is_remote()).collect();
        local.sort_by(|a, b| a.post.source.cmp(&b.post.source));
        for post in local {
            let local = LocalLine {
                permalink: Some(links.permalink(&post.path)),
                post: post.post.clone(),
            };
            line(out, &Line::Local(local))?;
            counts.local += 1;
        }
    }
    line(
        out,
        &Line::End {
            feeds: counts.feeds,
            builds: counts.builds,
            entries: counts.entries,
            local: counts.local,
        },
    )?;
    out.flush()?;
    Ok(counts)
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Imported {
    /// What went into the archive.
    pub restored: Restored,
    /// Whether the file was a public copy.
    pub public: bool,
    /// Entries whose full text the file did not have: they hold their summary.
    pub withheld: usize,
    /// Local posts in the file, left out: they live in `content/`.
    pub local: usize,
}

/// Reads an export from `input` (plain or gzip) into `archive`, in one transaction.
pub fn import(
    input: impl BufRead,
    archive: &mut Archive,
    mode: Restore,
) -> Result<Imported, ExportError> {
    let mut input = decompressed(input)?;
    let mut reader = Reader {
        lines: (&mut input).lines(),
        number: 0,
        pending: None,
        counts: Counts::default(),
        ended: false,
    };
    let first = reader.next_line().map_err(|e| match e {
        ExportError::Line { .. } => ExportError::NotAnExport,
        other => other,
    })?;
    let public = match first {
        Some(Line::Header {
            format,
            version,
            public,
            ..
        }) if format == FORMAT => {
            if version > VERSION {
                return Err(ExportError::Newer(version));
            }
            public
        }
        _ => return Err(ExportError::NotAnExport),
    };
    let mut feeds = Vec::new();
    let mut builds = Vec::new();
    loop {
        match reader.next_line()? {
            Some(Line::Feed(feed)) => feeds.push(feed),
            Some(Line::Build(build)) => builds.push(build),
            other => {
                reader.pending = other;
                break;
            }
        }
    }
    reader.counts.feeds = feeds.len();
    reader.counts.builds = builds.len();
    let restored = archive.restore(mode, &feeds, &mut reader)?;
    for build in &builds {
        archive.record_build(build)?;
    }
    Ok(Imported {
        restored,
        public,
        withheld: reader.counts.withheld,
        local: reader.counts.local,
    })
}

/// The lines of an export after its feeds, as entries for the archive.
struct Reader<L> {
    lines: L,
    number: usize,
    pending: Option<Line>,
    counts: Counts,
    ended: bool,
}

impl<L: Iterator<Item = std::io::Result<String>>> Reader<L> {
    fn next_line(&mut self) -> Result<Option<Line>, ExportError> {
        if let Some(line) = self.pending.take() {
            return Ok(Some(line));
        }
        loop {
            let Some(text) = self.lines.next() else {
                return Ok(None);
            };
            let text = text?;
            self.number += 1;
            if text.trim().is_empty() {
                continue;
            }
            let line: Line = serde_json::from_str(&text).map_err(|e| ExportError::Line {
                line: self.number,
                message: e.to_string(),
            })?;
            return Ok(Some(line));
        }
    }

    fn check(&self, what: &'static str, expected: usize, found: usize) -> Result<(), ExportError> {
        if expected == found {
            Ok(())
        } else {
            Err(ExportError::Count {
                what,
                expected,
                found,
            })
        }
    }
}

impl<L: Iterator<Item = std::io::Result<String>>> Iterator for Reader<L> {
    type Item = Result<EntryRow, ExportError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.ended {
            return None;
        }
        loop {
            let line = match self.next_line() {
                Ok(line) => line,
                Err(e) => return Some(Err(e)),
            };
            match line {
                Some(Line::Entry(entry)) => {
                    self.counts.entries += 1;
                    return Some(self.entry(entry));
                }
                Some(Line::Local(_)) => self.counts.local += 1,
                Some(Line::End {
                    feeds,
                    builds,
                    entries,
                    local,
                }) => {
                    self.ended = true;
                    let checked = self
                        .check("feeds", feeds, self.counts.feeds)
                        .and_then(|()| self.check("builds", builds, self.counts.builds))
                        .and_then(|()| self.check("entries", entries, self.counts.entries))
                        .and_then(|()| self.check("local posts", local, self.counts.local));
                    return checked.err().map(Err);
                }
                Some(Line::Feed(_) | Line::Build(_)) => {
                    return Some(Err(ExportError::Line {
                        line: self.number,
                        message: "a feed or build after the entries began; they come first".into(),
                    }));
                }
                Some(Line::Header { .. }) => {
                    return Some(Err(ExportError::Line {
                        line: self.number,
                        message: "a second header".into(),
                    }));
                }
                None => return Some(Err(ExportError::Truncated(self.number))),
            }
        }
    }
}

impl<L> Reader<L> {
    /// An entry line as the archive row it was, its full text stood in for by its summary
    /// when it was withheld, so that no page of it is ever blank.
    fn entry(&mut self, entry: EntryLine) -> Result<EntryRow, ExportError> {
        let mut post = entry.post;
        let Source::Feed(key) = &post.source else {
            return Err(ExportError::Line {
                line: self.number,
                message: "an entry whose source is not a feed".into(),
            });
        };
        let feed = key.0.clone();
        if entry.withheld {
            self.counts.withheld += 1;
            post.content = post.summary.clone();
            post.text = plain_text(&post.summary);
        }
        Ok(EntryRow {
            feed,
            first_seen: entry.first_seen,
            last_seen: entry.last_seen,
            backlog: entry.backlog,
            post,
        })
    }
}

/// `input` as text: through gzip if it starts with gzip's magic bytes.
fn decompressed<'a>(mut input: impl BufRead + 'a) -> std::io::Result<Box<dyn BufRead + 'a>> {
    let gzipped = input.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzipped {
        Box::new(std::io::BufReader::new(
            flate2::bufread::MultiGzDecoder::new(input),
        ))
    } else {
        Box::new(input)
    })
}
