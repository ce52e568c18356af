//! `roundup init DIR`: a new site with a commented `feeds.toml` and a first post.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{CommandError, io};
use crate::config;
use crate::content;

const FEEDS_TOML: &str = include_str!("skeleton/feeds.toml");
const WELCOME: &str = include_str!("skeleton/welcome.md");
const GITIGNORE: &str = "public/\n.public.roundup/\n.roundup/\n";

/// Creates a site in `dir`, which must be empty or absent; returns the files written.
pub fn run(dir: &Path, now: DateTime<Utc>) -> Result<Vec<PathBuf>, CommandError> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(io("read", dir))?;
        if entries.next().is_some() {
            return Err(CommandError::Refused(format!(
                "{} is not empty: roundup init only starts a site in an empty or new folder",
                dir.display()
            )));
        }
    }
    let date = now.format("%Y-%m-%d").to_string();
    let files = [
        (PathBuf::from(config::FILE_NAME), FEEDS_TOML.to_string()),
        (
            Path::new(content::DIR).join("welcome.md"),
            WELCOME.replace("{date}", &date),
        ),
        (PathBuf::from(".gitignore"), GITIGNORE.to_string()),
    ];
    let mut written = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io("create", parent))?;
        }
        std::fs::write(&path, text).map_err(io("write", &path))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_skeleton_is_a_valid_site() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("site");
        run(&dir, Utc::now()).unwrap();
        let config = config::Config::load(&dir).unwrap();
        let posts = content::load(&dir, config.site.timezone).unwrap();
        assert_eq!(posts.len(), 1);
        // The sample post is about weeknotes, not one of them.
        assert_eq!(crate::weeknotes::detect_title(&posts[0].title), None);
        assert!(!posts[0].weeknote);
        assert!(
            run(&dir, Utc::now()).is_err(),
            "a second init must not overwrite"
        );
    }
}
