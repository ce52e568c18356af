//! Checks a built site: every internal link and asset resolves to a file, every `#fragment` to
//! an id on its page, and nothing escapes the site's subpath.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use lol_html::{HtmlRewriter, Settings, element};
use rayon::prelude::*;
use url::Url;
use walkdir::WalkDir;

use crate::site::paths;

/// A link that leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct BrokenLink {
    /// The page holding the link, relative to the output folder.
    pub page: String,
    /// The link as written.
    pub href: String,
    /// Why it is broken.
    pub reason: String,
}

impl std::fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} ({})", self.page, self.href, self.reason)
    }
}

/// What one page links to and which ids it has.
#[derive(Debug, Default)]
struct Scanned {
    links: Vec<String>,
    ids: BTreeSet<String>,
}

/// Checks every HTML file under `output`, for a site published at `base_url`.
pub fn check(output: &Path, base_url: &Url) -> std::io::Result<Vec<BrokenLink>> {
    let pages: Vec<PathBuf> = WalkDir::new(output)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect();
    let scanned: BTreeMap<String, Scanned> = pages
        .par_iter()
        .map(|path| {
            let html = std::fs::read(path)?;
            let relative = relative_name(output, path);
            Ok((relative, scan(&html)))
        })
        .collect::<std::io::Result<_>>()?;
    let mut broken = Vec::new();
    for (page, found) in &scanned {
        for href in &found.links {
            if let Some(reason) = resolve(output, base_url, page, href, &scanned) {
                broken.push(BrokenLink {
                    page: page.clone(),
                    href: href.clone(),
                    reason,
                });
            }
        }
    }
    broken.sort();
    broken.dedup();
    Ok(broken)
}

fn relative_name(output: &Path, path: &Path) -> String {
    path.strip_prefix(output)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn scan(html: &[u8]) -> Scanned {
    let found = RefCell::new(Scanned::default());
    let settings = Settings::new().append_element_content_handler(element!("*", |el| {
        let mut found = found.borrow_mut();
        for name in ["href", "src", "action"] {
            if let Some(value) = el.get_attribute(name) {
                found.links.push(value);
            }
        }
        if let Some(id) = el.get_attribute("id") {
            found.ids.insert(id);
        }
        Ok(())
    }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    // A page that does not parse as HTML still yields what was found before the fault.
    let _ = rewriter.write(html).and_then(|()| rewriter.end());
    found.into_inner()
}

/// Why `href` on `page` is broken, or `None` if it resolves.
fn resolve(
    output: &Path,
    base_url: &Url,
    page: &str,
    href: &str,
    scanned: &BTreeMap<String, Scanned>,
) -> Option<String> {
    let page_url = base_url.join(page).ok()?;
    let target = match page_url.join(href) {
        Ok(target) => target,
        Err(e) => return Some(format!("not a valid URL: {e}")),
    };
    if !matches!(target.scheme(), "http" | "https") || target.origin() != base_url.origin() {
        return None;
    }
    let Some(path) = target.path().strip_prefix(base_url.path()) else {
        return Some(format!("leaves the site's subpath {}", base_url.path()));
    };
    let path = percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned();
    let file = if output.join(&path).is_dir() && !path.ends_with('/') && !path.is_empty() {
        // An address without its trailing slash.
        paths::output_file(&format!("{path}/"))
    } else {
        paths::output_file(&path)
    };
    if !output.join(&file).is_file() {
        return Some("no such file in the output".to_string());
    }
    match target.fragment() {
        Some(fragment) if !fragment.is_empty() && file.ends_with(".html") => {
            let ids = scanned.get(&file).map(|s| &s.ids);
            let fragment = percent_encoding::percent_decode_str(fragment)
                .decode_utf8_lossy()
                .into_owned();
            (!ids.is_some_and(|ids| ids.contains(&fragment)))
                .then(|| format!("no element with id {fragment:?} on {file}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn links_under_the_subpath_resolve() {
        let dir = site(&[
            (
                "index.html",
                r#"<a href="/w/posts/a/">a</a><a href="posts/a/#top">t</a><link href="/w/style.css"><a href="https://elsewhere.example/x">x</a>"#,
            ),
            (
                "posts/a/index.html",
                r#"<h1 id="top">A</h1><a href="../../">home</a>"#,
            ),
            ("style.css", ""),
        ]);
        let base = Url::parse("https://o.github.io/w/").unwrap();
        assert_eq!(check(dir.path(), &base).unwrap(), vec![]);
    }

    #[test]
    fn missing_files_fragments_and_escapes_are_reported() {
        let dir = site(&[(
            "index.html",
            r##"<a href="/w/nope/">1</a><a href="/other/">2</a><a href="#gone">3</a><img src="/w/i.png">"##,
        )]);
        let base = Url::parse("https://o.github.io/w/").unwrap();
        let broken = check(dir.path(), &base).unwrap();
        let hrefs: Vec<_> = broken.iter().map(|b| b.href.as_str()).collect();
        assert_eq!(hrefs, ["#gone", "/other/", "/w/i.png", "/w/nope/"]);
        assert!(broken[1].reason.contains("subpath"));
    }
}
