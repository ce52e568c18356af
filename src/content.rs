//! Local posts: `content/**/*.md`, each a YAML front matter block and a Markdown body.
//!
//! Every file is read and checked before anything fails, so one build lists every bad file.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use rayon::prelude::*;
use serde::Deserialize;
use walkdir::WalkDir;

use crate::guard::guarded;
use crate::links::{self, PostLink};
use crate::markdown;
use crate::post::{Image, Post, Source};
use crate::post_cache::{self, PostCache};
use crate::sanitize::first_image;
use crate::slug::slugify;

/// The folder of local posts, under the site's root.
pub const DIR: &str = "content";

/// The front matter keys a post may have.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    date: FrontDate,
    updated: Option<FrontDate>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    authors: Vec<String>,
    summary: Option<String>,
    #[serde(default)]
    draft: bool,
    slug: Option<String>,
    #[serde(default)]
    weeknote: bool,
    #[serde(default)]
    extra: serde_json::Value,
    /// The post's language, when it is not the site's: `cy`.
    lang: Option<String>,
    /// The picture the post leads with: an address, or a path on this site.
    image: Option<String>,
    /// What the picture shows, for readers who cannot see it.
    image_alt: Option<String>,
}

/// A date as written: with an offset, or a local time or day in the site's time zone.
#[derive(Debug, Clone, Copy)]
enum FrontDate {
    Exact(DateTime<FixedOffset>),
    Local(NaiveDateTime),
}

impl<'de> Deserialize<'de> for FrontDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        parse_date(raw.trim()).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{raw:?} is not a date: write 2026-03-03, 2026-03-03 14:30 or 2026-03-03T14:30:00+00:00"
            ))
        })
    }
}

fn parse_date(raw: &str) -> Option<FrontDate> {
    if let Ok(exact) = DateTime::parse_from_rfc3339(raw) {
        return Some(FrontDate::Exact(exact));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(raw, format) {
            return Some(FrontDate::Local(local));
        }
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()?;
    Some(FrontDate::Local(day.and_hms_opt(0, 0, 0)?))
}

impl FrontDate {
    fn resolve(self, tz: Tz) -> DateTime<FixedOffset> {
        match self {
            FrontDate::Exact(exact) => exact,
            FrontDate::Local(local) => {
                // In a spring-forward gap the local time does not exist: take the hour after.
                let zoned = tz
                    .from_local_datetime(&local)
                    .earliest()
                    .or_else(|| {
                        tz.from_local_datetime(&(local + chrono::Duration::hours(1)))
                            .earliest()
                    })
                    .unwrap_or_else(|| tz.from_utc_datetime(&local));
                zoned.fixed_offset()
            }
        }
    }
}

/// One thing wrong with one post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostError {
    /// The file, relative to the site's root.
    pub path: PathBuf,
    /// The 1-based line in the file.
    pub line: usize,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for PostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

/// Every bad post found in one pass.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ContentError {
    /// In path order.
    pub errors: Vec<PostError>,
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        write!(
            f,
            "{n} post{} cannot be read:",
            if n == 1 { "" } else { "s" }
        )?;
        for error in &self.errors {
            write!(f, "\n  {error}")?;
        }
        Ok(())
    }
}

/// Reads every post under `<root>/content`, in path order; a missing folder means no posts.
pub fn load(root: &Path, tz: Tz) -> Result<Vec<Post>, ContentError> {
    load_with(root, tz, None)
}

/// [`load`], taking posts whose file did not change from `cache` rather than parsing and
/// rendering them again, and keeping the others there for the next build.
pub fn load_with(
    root: &Path,
    tz: Tz,
    cache: Option<&PostCache>,
) -> Result<Vec<Post>, ContentError> {
    let dir = root.join(DIR);
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for entry in WalkDir::new(&dir).sort_by_file_name() {
        match entry {
            Ok(entry) if is_post(entry.path()) && entry.file_type().is_file() => {
                files.push(entry.into_path())
            }
            Ok(_) => {}
            Err(e) if e.io_error().map(|io| io.kind()) == Some(std::io::ErrorKind::NotFound) => {}
            Err(e) => errors.push(PostError {
                path: e
                    .path()
                    .unwrap_or(&dir)
                    .strip_prefix(root)
                    .unwrap_or(&dir)
                    .to_path_buf(),
                line: 1,
                message: format!("cannot read: {e}"),
            }),
        }
    }
    let results: Vec<Result<(Post, Vec<PostLink>), PostError>> = files
        .par_iter()
        .map(|file| {
            let relative = file.strip_prefix(root).unwrap_or(file).to_path_buf();
            let text = std::fs::read_to_string(file).map_err(|e| PostError {
                path: relative.clone(),
                line: 1,
                message: format!("cannot read: {e}"),
            })?;
            let key = cache.map(|_| post_cache::key(&text, &relative, tz));
            if let Some(hit) = cache.zip(key.as_ref()).and_then(|(c, k)| c.get(k)) {
                return Ok(hit);
            }
            // A bug of ours that one post trips costs that post, named, not the build.
            let parsed = guarded(|| read(&text, relative.clone(), tz)).unwrap_or_else(|panicked| {
                Err(PostError {
                    path: relative,
                    line: 1,
                    message: panicked.to_string(),
                })
            });
            if let (Ok((post, links)), Some(cache), Some(key)) = (&parsed, cache, &key) {
                cache.put(key, post, links);
            }
            parsed
        })
        .collect();
    if let Some(cache) = cache {
        cache.prune();
    }
    let mut posts = Vec::with_capacity(results.len());
    let mut post_links = Vec::new();
    for result in results {
        match result {
            Ok((post, links)) => {
                post_links.push(links);
                posts.push(post);
            }
            Err(e) => errors.push(e),
        }
    }
    errors.extend(duplicate_slugs(&posts));
    // A link to a post that cannot be read is not reported twice: the post itself is.
    let known: HashSet<PathBuf> = files
        .iter()
        .map(|f| f.strip_prefix(root).unwrap_or(f).to_path_buf())
        .collect();
    errors.extend(
        posts
            .iter()
            .zip(&post_links)
            .flat_map(|(post, links)| unknown_posts(post, links, &known)),
    );
    if errors.is_empty() {
        Ok(posts)
    } else {
        errors.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        Err(ContentError { errors })
    }
}

fn is_post(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'));
    !hidden && path.extension().is_some_and(|e| e == "md")
}

/// Two local posts at one address would overwrite each other's page.
fn duplicate_slugs(posts: &[Post]) -> Vec<PostError> {
    let mut first: BTreeMap<&str, &Post> = BTreeMap::new();
    let mut errors = Vec::new();
    for post in posts {
        if let Some(other) = first.insert(&post.slug, post) {
            let (Source::Local(a), Source::Local(b)) = (&other.source, &post.source) else {
                continue;
            };
            errors.push(PostError {
                path: b.clone(),
                line: 1,
                message: format!(
                    "the slug {:?} is also used by {}: give one of them another `slug`",
                    post.slug,
                    a.display()
                ),
            });
        }
    }
    errors
}

/// Parses one post, with its `@/` links, their lines counted from the file's first.
fn read(text: &str, path: PathBuf, tz: Tz) -> Result<(Post, Vec<PostLink>), PostError> {
    let post = parse(text, path, tz)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut links = Vec::new();
    if let Some((_, body)) = split_front_matter(text) {
        let before = text[..text.len() - body.len()].matches('\n').count();
        links = links::post_links(body);
        for link in &mut links {
            link.line += before;
        }
    }
    Ok((post, links))
}

/// The `@/` links of a post that name no post under `content/`.
fn unknown_posts(post: &Post, links: &[PostLink], known: &HashSet<PathBuf>) -> Vec<PostError> {
    let Source::Local(path) = &post.source else {
        return Vec::new();
    };
    links
        .iter()
        .filter_map(|link| {
            let message = match links::post_file(&link.written) {
                Some(file) if known.contains(&file) => return None,
                Some(file) => format!(
                    "the link {:?} names no post: there is no {}; an `@/` link names a post's \
                     file under {DIR}/, like @/notes/other-post.md",
                    link.written,
                    file.display()
                ),
                None => format!(
                    "the link {:?} names no file under {DIR}/: an `@/` link names a post's \
                     file there, like @/notes/other-post.md",
                    link.written
                ),
            };
            Some(PostError {
                path: path.clone(),
                line: link.line,
                message,
            })
        })
        .collect()
}

/// Parses one post; `path` is relative to the site's root and names the post in errors.
pub fn parse(text: &str, path: PathBuf, tz: Tz) -> Result<Post, PostError> {
    let error = |line: usize, message: String| PostError {
        path: path.clone(),
        line,
        message,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (yaml, body) = split_front_matter(text).ok_or_else(|| {
        error(
            1,
            "no front matter: a post starts with a line `---`, then YAML with at least \
             `title` and `date`, then another `---`"
                .to_string(),
        )
    })?;
    let front: FrontMatter = serde_saphyr::from_str(yaml).map_err(|e| {
        // The YAML starts on the file's second line.
        let line = e.location().map_or(1, |l| l.line() as usize) + 1;
        let options = serde_saphyr::render_options! { snippets: serde_saphyr::SnippetMode::Off };
        let message = e.render_with_options(options);
        error(line, format!("front matter: {}", strip_location(&message)))
    })?;
    if front.title.trim().is_empty() {
        return Err(error(2, "front matter: `title` is empty".to_string()));
    }
    if let Some(problem) = front
        .lang
        .as_deref()
        .and_then(crate::config::language_tag_problem)
    {
        let line = line_of_key(yaml, "lang").map_or(2, |l| l + 1);
        return Err(error(line, format!("front matter: lang: {problem}")));
    }
    let rendered = markdown::render(body);
    let image = match front.image {
        Some(url) => Some(Image {
            url,
            alt: front.image_alt,
            width: None,
            height: None,
        }),
        None => first_image(&rendered.html),
    };
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let slug = match (&front.slug, stem) {
        (Some(slug), _) => slugify(slug),
        (None, "index") => slugify(
            path.parent()
                .and_then(|p| p.file_name())
                .and_then(|n| n.to_str())
                .unwrap_or(&front.title),
        ),
        (None, stem) => slugify(stem),
    };
    Ok(Post {
        id: format!("local:{slug}"),
        source: Source::Local(path),
        slug,
        title: front.title.trim().to_string(),
        original_url: None,
        published: front.date.resolve(tz),
        updated: front.updated.map(|d| d.resolve(tz)),
        authors: front.authors,
        summary: front
            .summary
            .as_deref()
            .map(markdown::render_fragment)
            .unwrap_or(rendered.summary),
        content: rendered.html,
        text: rendered.text,
        tags: front.tags,
        categories: front.categories,
        weeknote: front.weeknote,
        draft: front.draft,
        extra: front.extra,
        language: front
            .lang
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty()),
        image,
        enclosures: Vec::new(),
    })
}

/// The 1-based line of the front matter where `key` is set, if it is set at the top level.
fn line_of_key(yaml: &str, key: &str) -> Option<usize> {
    yaml.lines()
        .position(|line| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

/// Splits `---\n<yaml>\n---\n<body>`; `None` if the file does not open with a front matter.
fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

/// serde-saphyr puts "at line X, column Y" in its messages; ours give the file's own line.
fn strip_location(message: &str) -> &str {
    let message = message.trim();
    match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => message,
    }
}

/// The text of a new post, as `roundup new` writes it: a draft until its writer says not.
pub fn new_post(title: &str, lang: Option<&str>, date: DateTime<FixedOffset>) -> String {
    let title = serde_json::to_string(title).expect("a string serialises");
    let lang = lang
        .map(|l| {
            format!(
                "lang: {}\n",
                serde_json::to_string(l).expect("a string serialises")
            )
        })
        .unwrap_or_default();
    format!(
        "---\ntitle: {title}\ndate: {}\n{lang}tags: []\ndraft: true\n---\n\nWrite your post here. \
         The first paragraph is its summary.\n",
        date.format("%Y-%m-%dT%H:%M:%S%:z")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Post, PostError> {
        parse(
            text,
            PathBuf::from("content/p.md"),
            chrono_tz::Europe::London,
        )
    }

    #[test]
    fn a_day_is_midnight_in_the_site_time_zone() {
        let post = parse_str("---\ntitle: T\ndate: 2026-07-01\n---\nbody\n").unwrap();
        assert_eq!(post.published.to_rfc3339(), "2026-07-01T00:00:00+01:00");
        let post = parse_str("---\ntitle: T\ndate: 2026-01-01 09:30\n---\n").unwrap();
        assert_eq!(post.published.to_rfc3339(), "2026-01-01T09:30:00+00:00");
    }

    #[test]
    fn an_exact_date_keeps_its_offset() {
        let post = parse_str("---\ntitle: T\ndate: 2026-03-03T10:00:00-05:00\n---\n").unwrap();
        assert_eq!(post.published.to_rfc3339(), "2026-03-03T10:00:00-05:00");
    }

    #[test]
    fn a_bad_date_names_its_line() {
        let err = parse_str("---\ntitle: T\ntags: [a]\ndate: next tuesday\n---\n").unwrap_err();
        assert_eq!(err.line, 4, "{err}");
        assert!(err.to_string().starts_with("content/p.md:4:"), "{err}");
        assert!(err.message.contains("next tuesday"), "{err}");
    }

    #[test]
    fn a_missing_title_is_named() {
        let err = parse_str("---\ndate: 2026-01-01\n---\n").unwrap_err();
        assert!(err.message.contains("title"), "{err}");
    }

    #[test]
    fn broken_yaml_names_its_line() {
        let err = parse_str("---\ntitle: T\ndate: 2026-01-01\ntags: [a, b\n---\n").unwrap_err();
        assert!(err.line >= 4, "{err}");
    }

    #[test]
    fn a_language_that_is_not_a_tag_names_its_line() {
        let err = parse_str("---\ntitle: T\ndate: 2026-01-01\nlang: welsh\n---\n").unwrap_err();
        assert_eq!(err.line, 4, "{err}");
        assert!(err.message.contains("not a language tag"), "{err}");
    }

    #[test]
    fn an_unknown_key_is_an_error() {
        let err = parse_str("---\ntitle: T\ndate: 2026-01-01\ntitel: x\n---\n").unwrap_err();
        assert_eq!(err.line, 4, "{err}");
        assert!(err.message.contains("titel"), "{err}");
    }

    #[test]
    fn no_front_matter_is_explained() {
        let err = parse_str("# Just markdown\n").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.message.contains("front matter"));
    }

    #[test]
    fn the_slug_comes_from_front_matter_or_file_name() {
        let post = parse_str("---\ntitle: A Title\ndate: 2026-01-01\n---\n").unwrap();
        assert_eq!(post.slug, "p");
        let post = parse_str("---\ntitle: A\ndate: 2026-01-01\nslug: ../Own Slug\n---\n").unwrap();
        assert_eq!(post.slug, "own-slug");
        let post = parse(
            "---\ntitle: A\ndate: 2026-01-01\n---\n",
            PathBuf::from("content/my-bundle/index.md"),
            chrono_tz::UTC,
        )
        .unwrap();
        assert_eq!(post.slug, "my-bundle");
    }

    #[test]
    fn a_link_to_a_post_that_is_not_there_names_its_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(DIR).join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "a.md",
            "---\ntitle: A\ndate: 2026-01-01\n---\n\nSee [b](@/notes/b.md).\n\n\
             And [gone](@/missing.md), <a href=\"@/../feeds.toml\">x</a>.\n",
        );
        write("notes/b.md", "---\ntitle: B\ndate: 2026-01-01\n---\nB.\n");
        let err = load(dir.path(), chrono_tz::UTC).unwrap_err();
        let errors: Vec<String> = err.errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].starts_with("content/a.md:8: ") && errors[0].contains("content/missing.md"),
            "{errors:?}"
        );
        assert!(
            errors[1].starts_with("content/a.md:8: ") && errors[1].contains("@/../feeds.toml"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_front_matter_summary_wins() {
        let post =
            parse_str("---\ntitle: T\ndate: 2026-01-01\nsummary: Short *one*.\n---\nLong.\n")
                .unwrap();
        assert_eq!(post.summary.trim(), "<p>Short <em>one</em>.</p>");
    }

    #[test]
    fn new_posts_parse() {
        let date = DateTime::parse_from_rfc3339("2026-11-24T10:00:00+00:00").unwrap();
        let text = new_post("Weeknotes: \"quotes\" and: colons", Some("cy"), date);
        let post = parse_str(&text).unwrap();
        assert!(post.draft, "a new post is a draft");
        assert_eq!(post.language.as_deref(), Some("cy"));
        assert_eq!(post.title, "Weeknotes: \"quotes\" and: colons");
        assert_eq!(post.published, date);
    }
}
