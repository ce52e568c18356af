//! `roundup check`: finds every problem in a site without building it.

use std::path::PathBuf;

use crate::config::Config;
use crate::content;
use crate::render::{self, Theme};

/// What `roundup check` runs with.
#[derive(Debug, Clone)]
pub struct CheckSettings {
    /// The site's root.
    pub root: PathBuf,
}

/// Everything `roundup check` found.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// Problems that would fail a build; each names its file and line where it has one.
    pub problems: Vec<String>,
    /// What was checked, for the summary.
    pub checked: Vec<String>,
}

impl CheckReport {
    /// True when nothing is wrong.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the configuration, every post and the theme, reporting all problems at once.
pub fn run(settings: &CheckSettings) -> CheckReport {
    let mut report = CheckReport::default();
    let config = match Config::load(&settings.root) {
        Ok(config) => {
            report.checked.push(format!(
                "{}: {} feeds",
                crate::config::FILE_NAME,
                config.feeds.len()
            ));
            Some(config)
        }
        Err(e) => {
            report.problems.push(e.to_string());
            None
        }
    };
    // Posts can be checked without a valid config: dates then fall back to the default zone.
    let tz = config
        .as_ref()
        .map_or(chrono_tz::Europe::London, |c| c.site.timezone);
    match content::load(&settings.root, tz) {
        Ok(posts) => report.checked.push(format!("{} posts", posts.len())),
        Err(e) => report
            .problems
            .extend(e.errors.iter().map(ToString::to_string)),
    }
    if let Some(config) = &config {
        match Theme::load(&settings.root, &config.site.theme)
            .map_err(render::RenderError::from)
            .and_then(|theme| render::check_theme(&theme, config))
        {
            Ok(()) => report
                .checked
                .push(format!("theme {:?}", config.site.theme)),
            Err(e) => report.problems.push(e.to_string()),
        }
    }
    report
}
