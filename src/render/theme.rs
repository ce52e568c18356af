//! A theme: its templates and static files, with the site's own overriding them file by file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use walkdir::WalkDir;

/// The default theme, built into the binary so a new site needs nothing else.
static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The name of the built-in theme.
pub const DEFAULT: &str = "default";

/// Where a static file's bytes are.
#[derive(Debug, Clone)]
pub enum Asset {
    /// Built into the binary.
    Embedded(&'static [u8]),
    /// On disk.
    File(PathBuf),
}

impl Asset {
    /// The file's bytes.
    pub fn read(&self) -> std::io::Result<std::borrow::Cow<'static, [u8]>> {
        match self {
            Asset::Embedded(bytes) => Ok((*bytes).into()),
            Asset::File(path) => std::fs::read(path).map(Into::into),
        }
    }
}

/// The templates and static files a site is rendered with.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name (its path under `templates/`, with `/`) to its source.
    pub templates: BTreeMap<String, String>,
    /// Output path (under `static/`, with `/`) to its bytes.
    pub assets: BTreeMap<String, Asset>,
    /// The interface strings, by file name under `i18n/` without `.toml`, lowercase (`en`,
    /// `cy`, `en-gb`): each a list of layers, the built-in theme's first, the site's last, so
    /// that a site overrides or adds a key without copying the whole file.
    pub catalogues: BTreeMap<String, Vec<Layer>>,
}

/// One file of interface strings.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Where it came from, for errors.
    pub origin: String,
    /// Its TOML.
    pub text: String,
}

/// What can go wrong loading a theme.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// The configured theme is neither in `themes/` nor built in.
    #[error("theme {name:?} not found: there is no {} and the only built-in theme is \"default\"", .dir.display())]
    NotFound {
        /// The configured name.
        name: String,
        /// Where it was looked for.
        dir: PathBuf,
    },
    /// A file could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl Theme {
    /// Loads theme `name` from `<root>/themes/<name>/` (or the built-in default), then lays the
    /// site's own `<root>/templates/` and `<root>/static/` over it.
    pub fn load(root: &Path, name: &str) -> Result<Theme, ThemeError> {
        let dir = root.join("themes").join(name);
        let mut theme = Theme::default();
        if dir.is_dir() {
            theme.overlay(&dir)?;
        } else if name == DEFAULT {
            theme.overlay_embedded();
        } else {
            return Err(ThemeError::NotFound {
                name: name.to_string(),
                dir,
            });
        }
        theme.overlay(root)?;
        Ok(theme)
    }

    fn overlay_embedded(&mut self) {
        for file in DEFAULT_THEME
            .get_dir("i18n")
            .into_iter()
            .flat_map(|d| d.files())
        {
            if let (Some(stem), Some(text)) = (language_of(file.path()), file.contents_utf8()) {
                self.add_layer(stem, format!("(built-in) {}", file.path().display()), text);
            }
        }
        for (folder, assets) in [("templates", false), ("static", true)] {
            let Some(dir) = DEFAULT_THEME.get_dir(folder) else {
                continue;
            };
            let mut stack = vec![dir];
            while let Some(dir) = stack.pop() {
                stack.extend(dir.dirs());
                for file in dir.files() {
                    let name = file
                        .path()
                        .strip_prefix(folder)
                        .unwrap_or(file.path())
                        .to_string_lossy()
                        .replace('\\', "/");
                    if assets {
                        self.assets.insert(name, Asset::Embedded(file.contents()));
                    } else if let Some(text) = file.contents_utf8() {
                        self.templates.insert(name, text.to_string());
                    }
                }
            }
        }
    }

    /// Adds `<dir>/templates/**` and `<dir>/static/**`, replacing files of the same name.
    fn overlay(&mut self, dir: &Path) -> Result<(), ThemeError> {
        for (file, name) in files_under(&dir.join("templates"))? {
            let text = std::fs::read_to_string(&file).map_err(|source| ThemeError::Read {
                path: file.clone(),
                source,
            })?;
            self.templates.insert(name, text);
        }
        for (file, name) in files_under(&dir.join("static"))? {
            self.assets.insert(name, Asset::File(file));
        }
        for (file, _) in files_under(&dir.join("i18n"))? {
            let Some(stem) = language_of(&file) else {
                continue;
            };
            let text = std::fs::read_to_string(&file).map_err(|source| ThemeError::Read {
                path: file.clone(),
                source,
            })?;
            self.add_layer(stem, file.display().to_string(), &text);
        }
        Ok(())
    }

    fn add_layer(&mut self, language: String, origin: String, text: &str) {
        self.catalogues.entry(language).or_default().push(Layer {
            origin,
            text: text.to_string(),
        });
    }
}

/// The built-in theme's interface strings for `language` (`en`, `cy`), if it has them: the
/// base every site's strings are laid over, so a theme of its own need not define every key.
pub fn built_in_catalogue(language: &str) -> Option<Layer> {
    let file = DEFAULT_THEME.get_file(format!("i18n/{language}.toml"))?;
    Some(Layer {
        origin: format!("(built-in) i18n/{language}.toml"),
        text: file.contents_utf8()?.to_string(),
    })
}

/// `i18n/en-GB.toml` -> `en-gb`; `None` for a file that is not TOML.
fn language_of(path: &Path) -> Option<String> {
    (path.extension()? == "toml")
        .then(|| path.file_stem())??
        .to_str()
        .map(str::to_lowercase)
}

/// Every file under `dir` with its path relative to `dir`, `/`-separated; none if `dir` is absent.
fn files_under(dir: &Path) -> Result<Vec<(PathBuf, String)>, ThemeError> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| ThemeError::Read {
            path: e.path().unwrap_or(dir).to_path_buf(),
            source: e.into(),
        })?;
        if entry.file_type().is_file() {
            let name = entry
                .path()
                .strip_prefix(dir)
                .expect("walkdir yields paths under its root")
                .to_string_lossy()
                .replace('\\', "/");
            files.push((entry.into_path(), name));
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_theme_has_its_templates_and_stylesheet() {
        let empty = tempfile::tempdir().unwrap();
        let theme = Theme::load(empty.path(), DEFAULT).unwrap();
        assert!(theme.catalogues.contains_key("en") && theme.catalogues.contains_key("cy"));
        for name in [
            "base.html",
            "index.html",
            "post.html",
            "list.html",
            "404.html",
        ] {
            assert!(theme.templates.contains_key(name), "{name}");
        }
        assert!(theme.assets.contains_key("style.css"));
    }

    #[test]
    fn a_site_template_replaces_the_themes() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("templates")).unwrap();
        std::fs::write(root.path().join("templates/404.html"), "mine").unwrap();
        let theme = Theme::load(root.path(), DEFAULT).unwrap();
        assert_eq!(theme.templates["404.html"], "mine");
        assert!(theme.templates["base.html"].contains("<html"));
    }

    #[test]
    fn an_unknown_theme_is_an_error() {
        let root = tempfile::tempdir().unwrap();
        let err = Theme::load(root.path(), "fancy").unwrap_err();
        assert!(err.to_string().contains("fancy"));
    }
}
