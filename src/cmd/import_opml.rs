//! `roundup import-opml FILE`: adds an OPML blog roll's feeds to `feeds.toml`, keeping the
//! file's comments and layout, and skipping feeds it already has.

use std::path::Path;

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use super::{CommandError, io};
use crate::config::{self, Config};
use crate::opml::{self, OpmlFeed};
use crate::slug::term_key;
use crate::urls::url_key;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Names of the feeds added.
    pub added: Vec<String>,
    /// Feeds left out, with why.
    pub skipped: Vec<(String, String)>,
}

/// Adds the feeds of `opml_file` to the `feeds.toml` in `root`.
pub fn run(root: &Path, opml_file: &Path) -> Result<ImportReport, CommandError> {
    let text = std::fs::read_to_string(opml_file).map_err(io("read", opml_file))?;
    let feeds = opml::parse(&text).map_err(|source| CommandError::Opml {
        path: opml_file.to_path_buf(),
        source,
    })?;
    // Checked first, so an import never edits a file that was already broken.
    let existing = Config::load(root)?;
    let path = root.join(config::FILE_NAME);
    let source = std::fs::read_to_string(&path).map_err(io("read", &path))?;
    let mut doc: DocumentMut = source
        .parse()
        .map_err(|e| CommandError::Refused(format!("cannot parse {}: {e}", path.display())))?;

    let mut urls: Vec<String> = existing
        .feeds
        .iter()
        .map(|f| url_key(f.url().as_str()))
        .collect();
    let mut names: Vec<String> = existing.feeds.iter().map(|f| term_key(f.name())).collect();
    let mut report = ImportReport::default();
    let mut added = Vec::new();
    for feed in feeds {
        let problem = if url::Url::parse(&feed.xml_url).is_err() {
            Some("its xmlUrl is not a URL")
        } else if urls.contains(&url_key(&feed.xml_url)) {
            Some("its feed URL is already in feeds.toml")
        } else if names.contains(&term_key(&feed.name)) {
            Some("a feed of that name is already in feeds.toml")
        } else {
            None
        };
        match problem {
            Some(why) => report.skipped.push((feed.name, why.to_string())),
            None => {
                urls.push(url_key(&feed.xml_url));
                names.push(term_key(&feed.name));
                report.added.push(feed.name.clone());
                added.push(feed);
            }
        }
    }
    if added.is_empty() {
        return Ok(report);
    }
    // Comments at the end of the file (a new feeds.toml's commented [fetch] options and its
    // example feed) are the document's trailing text, which toml_edit writes after everything
    // added: they would end up below the imported feeds, where uncommenting an option puts it
    // inside a feed's table. They go before the first imported feed, where they were.
    let trailing = doc.trailing().as_str().unwrap_or_default().to_string();
    let move_trailing = !trailing.trim().is_empty();
    if move_trailing {
        doc.set_trailing("");
    }
    let tables = doc
        .entry("feeds")
        .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| {
            CommandError::Refused(
                "`feeds` in feeds.toml is not a list of [[feeds]] tables".to_string(),
            )
        })?;
    for (i, feed) in added.iter().enumerate() {
        let mut table = table(feed);
        if i == 0 && move_trailing {
            let gap = if trailing.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            table.decor_mut().set_prefix(format!("{trailing}{gap}"));
        }
        tables.push(table);
    }
    let updated = doc.to_string();
    // Never write a file that would not load.
    Config::parse(&updated, &path).map_err(|e| {
        CommandError::Refused(format!(
            "the imported feeds would make feeds.toml invalid: {e}"
        ))
    })?;
    std::fs::write(&path, updated).map_err(io("write", &path))?;
    Ok(report)
}

fn table(feed: &OpmlFeed) -> Table {
    let mut table = Table::new();
    table.insert("name", value(&feed.name));
    table.insert("url", value(&feed.xml_url));
    // An unusable home page is left out rather than making the whole import fail.
    if let Some(html) = feed
        .html_url
        .as_ref()
        .filter(|h| url::Url::parse(h).is_ok())
    {
        table.insert("homepage", value(html));
    }
    if let Some(organisation) = &feed.organisation {
        table.insert("organisation", value(organisation));
    }
    table
}
