//! `roundup new "Title"`: a post with its front matter, ready to write.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{CommandError, io};
use crate::config::Config;
use crate::content;
use crate::slug::slugify;

/// Writes `content/<slug>.md` for `title` (in language `lang`, if given), dated `now` in the
/// site's time zone; returns its path.
pub fn run(
    root: &Path,
    title: &str,
    lang: Option<&str>,
    now: DateTime<Utc>,
) -> Result<PathBuf, CommandError> {
    if title.trim().is_empty() {
        return Err(CommandError::Refused(
            "a post needs a title: roundup new \"Weeknotes: 24 November\"".to_string(),
        ));
    }
    let config = Config::load(root)?;
    let dir = root.join(content::DIR);
    std::fs::create_dir_all(&dir).map_err(io("create", &dir))?;
    let path = dir.join(format!("{}.md", slugify(title)));
    if path.exists() {
        return Err(CommandError::Refused(format!(
            "{} already exists: pick another title or edit that post",
            path.display()
        )));
    }
    let date = now.with_timezone(&config.site.timezone).fixed_offset();
    std::fs::write(&path, content::new_post(title.trim(), lang, date))
        .map_err(io("write", &path))?;
    Ok(path)
}
