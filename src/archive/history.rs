//! The feed health of the last builds: one row of counts per build that fetched, so the pulse
//! page can chart how the blog roll has fared. Bounded: only the newest [`KEPT`] are kept.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Archive, ArchiveError};
use crate::health::BuildHealth;

/// How many builds' counts are kept: at the hourly builds of the publish workflow, two and a
/// half days; enough to see a trend, few enough for a chart to stay legible.
pub const KEPT: usize = 60;

impl Archive {
    /// Records one build's counts, replacing any recorded at the same moment, and forgets all
    /// but the newest [`KEPT`].
    pub fn record_build(&mut self, health: &BuildHealth) -> Result<(), ArchiveError> {
        let result = (|| -> rusqlite::Result<()> {
            let tx = self.conn.transaction()?;
            tx.execute(
                "INSERT OR REPLACE INTO builds (at, ok, not_modified, moved, failed, gone)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    health.at,
                    health.ok as i64,
                    health.not_modified as i64,
                    health.moved as i64,
                    health.failed as i64,
                    health.gone as i64
                ],
            )?;
            tx.execute(
                "DELETE FROM builds WHERE at NOT IN
                 (SELECT at FROM builds ORDER BY at DESC LIMIT ?1)",
                params![KEPT as i64],
            )?;
            tx.commit()
        })();
        result.map_err(|e| self.error(e))
    }

    /// The recorded builds' counts, oldest first.
    pub fn builds(&self) -> Result<Vec<BuildHealth>, ArchiveError> {
        let read = || -> rusqlite::Result<Vec<BuildHealth>> {
            let mut stmt = self.conn.prepare(
                "SELECT at, ok, not_modified, moved, failed, gone FROM builds ORDER BY at",
            )?;
            let count = |r: &rusqlite::Row<'_>, i| r.get::<_, i64>(i).map(|n| n.max(0) as usize);
            let rows = stmt.query_map([], |r| {
                Ok(BuildHealth {
                    at: r.get::<_, DateTime<Utc>>(0)?,
                    ok: count(r, 1)?,
                    not_modified: count(r, 2)?,
                    moved: count(r, 3)?,
                    failed: count(r, 4)?,
                    gone: count(r, 5)?,
                })
            })?;
            rows.collect()
        };
        read().map_err(|e| self.error(e))
    }
}
