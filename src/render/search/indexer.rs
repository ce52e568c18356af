//! Building one index with Pagefind.
//!
//! Each [`PagefindIndex`] holds its own lock, so two indexes built on two threads run on two
//! cores; and an index's memory is freed when it has handed over its files, so building shards
//! one after another keeps only a shard's worth of Pagefind's structures alive per thread.

use pagefind::api::{PagefindIndex, SyntheticFile};
use pagefind::options::PagefindServiceConfig;
use tokio::runtime::Handle;

use super::records::Entry;
use crate::render::RenderError;

/// Which of the files Pagefind makes an index keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    /// The script, its worker and the WebAssembly: the same for every index, kept once.
    Shared,
    /// The index's own entry, metadata, word and filter chunks and fragments.
    Own,
    /// Pagefind's ready-made interfaces, which the theme does not use.
    Unused,
}

/// What a file of Pagefind's is, by its name.
pub(super) fn part(name: &str) -> Part {
    match name {
        "pagefind.js" | "pagefind-worker.js" => Part::Shared,
        _ if name.starts_with("wasm.") && name != "wasm.unknown.pagefind" => Part::Shared,
        "pagefind-entry.json" => Part::Own,
        _ if name.starts_with("pagefind.") && name.ends_with(".pf_meta") => Part::Own,
        _ if ["index/", "fragment/", "filter/"]
            .iter()
            .any(|dir| name.starts_with(dir)) =>
        {
            Part::Own
        }
        _ => Part::Unused,
    }
}

/// Builds one index of `entries` (in the order given, which is the order of results that score
/// the same) on `runtime`, and returns its files named as Pagefind names them.
pub(super) fn index(
    language: &str,
    entries: Vec<Entry>,
    runtime: &Handle,
) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
    let files = runtime.block_on(async {
        let config = PagefindServiceConfig::builder()
            .force_language(language.to_string())
            .keep_index_url(false)
            .build();
        let mut index = PagefindIndex::new(Some(config)).map_err(|e| search_error(None, e))?;
        for entry in entries {
            let url = entry.url;
            index
                .add_custom_record(
                    url.clone(),
                    entry.text,
                    language.to_string(),
                    Some(entry.meta),
                    Some(entry.filters),
                    Some(entry.sort),
                )
                .await
                .map_err(|e| search_error(Some(url), e))?;
        }
        index.get_files().await.map_err(|e| search_error(None, e))
    })?;
    Ok(files.into_iter().map(named).collect())
}

fn named(file: SyntheticFile) -> (String, Vec<u8>) {
    (
        file.filename.to_string_lossy().replace('\\', "/"),
        file.contents,
    )
}

fn search_error(page: Option<String>, error: anyhow::Error) -> RenderError {
    RenderError::Search {
        page,
        source: error.into(),
    }
}
