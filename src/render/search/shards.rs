//! Which posts share a shard of the search index.
//!
//! Posts are laid out oldest first and cut by count: full shards of [`SHARD`] posts from the
//! oldest, then the newest posts in shards of [`STEP`] times a power of two, largest first, like
//! the digits of a binary number. A new post lands in the newest shard, so an hour's posts
//! rebuild a shard of at most `STEP` posts and every older shard stays byte for byte as it
//! was; each time a size fills, the shards below it merge into one (the carry of binary
//! addition), which rebuilds each post about log2(SHARD / STEP) times in its life. A post that
//! arrives out of order, dated before the newest shards (a new blog's back catalogue), shifts
//! the shards after it, and they are built again.
//!
//! The sizes were measured (see the README's Performance section): Pagefind holds about 150 KB
//! of memory for each post it indexes, so two shards of `SHARD` posts built at once stay well
//! inside a gigabyte; and every shard costs a reader one more chunk of the word index per word
//! searched for, so there are few of them.

use std::ops::Range;

/// The most posts in one shard. Below 8191, because the search page sorts by date across shards
/// by weighing each shard 2^13 times the one before (see `placeholder` in the parent module).
pub(super) const SHARD: usize = 4096;

/// The fewest posts in a shard that is not the newest. `SHARD` is `STEP` times a power of two.
pub(super) const STEP: usize = 512;

const _: () = assert!(SHARD.is_power_of_two() && STEP.is_power_of_two() && STEP <= SHARD);
const _: () = assert!(SHARD < (1 << 13) - 1);

/// The shards of `n` posts, as ranges of positions in publication order, oldest first.
pub(super) fn layout(n: usize) -> Vec<Range<usize>> {
    let mut shards = Vec::new();
    let mut start = 0;
    while n - start >= SHARD {
        shards.push(start..start + SHARD);
        start += SHARD;
    }
    let mut size = SHARD / 2;
    while size >= STEP {
        if n - start >= size {
            shards.push(start..start + size);
            start += size;
        }
        size /= 2;
    }
    if start < n {
        shards.push(start..n);
    }
    shards
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_post_once_in_order() {
        for n in [
            0,
            1,
            STEP - 1,
            STEP,
            STEP + 1,
            SHARD,
            3 * SHARD + 5 * STEP + 7,
            100_000,
        ] {
            let shards = layout(n);
            let mut next = 0;
            for shard in &shards {
                assert_eq!(shard.start, next, "{n}");
                assert!(!shard.is_empty() && shard.len() <= SHARD, "{n}: {shard:?}");
                next = shard.end;
            }
            assert_eq!(next, n);
        }
    }

    #[test]
    fn new_posts_leave_every_older_shard_as_it_was() {
        // Adding posts one at a time: each step keeps all shards but the last few, and keeps
        // every full shard.
        let mut rebuilt = 0;
        for n in 1..3 * SHARD {
            let before = layout(n);
            let after = layout(n + 1);
            let kept = before.iter().filter(|s| after.contains(s)).count();
            assert!(before.len() - kept <= before.len().min(SHARD.ilog2() as usize + 1));
            for full in before.iter().filter(|s| s.len() == SHARD) {
                assert!(after.contains(full), "{n}: a full shard was rebuilt");
            }
            rebuilt += after
                .iter()
                .filter(|s| !before.contains(s))
                .map(|s| s.len())
                .sum::<usize>();
        }
        // Each post is indexed about log2(SHARD / STEP) + 1 times over its life, plus the
        // rebuilds of the newest, partial shard.
        let per_post = rebuilt as f64 / (3 * SHARD) as f64;
        assert!(per_post < STEP as f64, "{per_post}");
    }

    #[test]
    fn a_site_has_few_shards() {
        assert_eq!(layout(10_000).len(), 5);
        assert!(layout(100_000).len() <= 100_000 / SHARD + (SHARD / STEP).ilog2() as usize + 1);
    }
}
