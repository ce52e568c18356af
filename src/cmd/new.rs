//! `roundup new "Title"`: a post with its front matter, ready to write.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::content;
use crate::slug::slugify;

/// Writes `content/<slug>.md` for `title`, dated `now` in the site's time zone; returns its path.
pub fn run(root: &Path, title: &str, now: DateTime<Utc>) -> anyhow::Result<PathBuf> {
    if title.trim().is_empty() {
        bail!("a post needs a title: roundup new \"Weeknotes: 24 November\"");
    }
    let config = Config::load(root)?;
    let dir = root.join(content::DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{}.md", slugify(title)));
    if path.exists() {
        bail!(
            "{} already exists: pick another title or edit that post",
            path.display()
        );
    }
    let date = now.with_timezone(&config.site.timezone).fixed_offset();
    std::fs::write(&path, content::new_post(title.trim(), date))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}
