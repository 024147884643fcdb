//! Answers kept in memory, keyed by the data version.
//!
//! Reads that many people repeat — an area's roll-up, an action list, a chart — are derived
//! from the tracked tables only. Every committed change to those tables raises the data version
//! (triggers of migration `2026-12-01-000009_data_version`, whoever writes: this instance,
//! another one on the same database, the CLI, plain SQL). An answer is stored with the version
//! read *before* it was computed, so it holds data at least that new, and it is served only
//! while the version is still the same: a write makes every older answer unreachable at once.
//!
//! Some answers also depend on the clock (a roll-up "now" counts stale actions and late
//! milestones against today). Those are stored with a time to live
//! (`cache.time_dependent_seconds`), so they lag the clock by at most that, never the data.
//!
//! The cache is bounded in bytes and evicts the least recently used answer first.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;

/// What an answer depends on besides the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// The data only: valid until the data version changes.
    Data,
    /// The data and the clock: valid until the version changes or the time to live passes.
    Clock,
}

struct Entry {
    version: i64,
    stored: Instant,
    freshness: Freshness,
    body: Bytes,
    /// A tick of the last use, for eviction.
    used: u64,
    /// When a request began computing the fresh answer of an expired clock-dependent entry;
    /// until it stores it, the others get this (older) answer instead of all computing at once.
    refreshing_since: Option<Instant>,
}

struct Inner {
    entries: HashMap<String, Entry>,
    bytes: usize,
    tick: u64,
}

/// Counters for `/metrics` and the benchmark notes.
#[derive(Default)]
pub struct CacheStats {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    /// Answers computed and kept (a chart drawn once for many waiting requests counts once).
    pub stores: AtomicU64,
    pub evictions: AtomicU64,
}

pub struct AnswerCache {
    inner: Mutex<Inner>,
    max_bytes: usize,
    ttl: Duration,
    pub stats: CacheStats,
}

impl AnswerCache {
    /// A cache of at most `max_bytes` of answers (0 switches it off); clock-dependent answers
    /// live at most `ttl`.
    pub fn new(max_bytes: usize, ttl: Duration) -> Self {
        Self {
            inner: Mutex::new(Inner {
                entries: HashMap::new(),
                bytes: 0,
                tick: 0,
            }),
            max_bytes,
            ttl,
            stats: CacheStats::default(),
        }
    }

    pub fn enabled(&self) -> bool {
        self.max_bytes > 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves nothing half-done that matters: entries are
        // inserted and removed whole.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The answer stored under `key` for data `version`, if it is still valid.
    ///
    /// A clock-dependent answer past its time to live is recomputed by one caller (it gets
    /// `None`); callers meanwhile get the expired answer, which is still for the current data,
    /// so a busy roll-up is not computed by every waiting request at once. If that caller has
    /// not stored a new answer within another time to live, the next caller tries.
    pub fn get(&self, key: &str, version: i64) -> Option<Bytes> {
        if !self.enabled() {
            return None;
        }
        let mut inner = self.lock();
        inner.tick += 1;
        let tick = inner.tick;
        let ttl = self.ttl;
        let found = match inner.entries.get_mut(key) {
            Some(entry) if entry.version == version => {
                let fresh = entry.freshness == Freshness::Data || entry.stored.elapsed() < ttl;
                let someone_refreshing = entry
                    .refreshing_since
                    .is_some_and(|since| since.elapsed() < ttl);
                if fresh || someone_refreshing {
                    entry.used = tick;
                    Some(entry.body.clone())
                } else {
                    entry.refreshing_since = Some(Instant::now());
                    None
                }
            }
            _ => None,
        };
        drop(inner);
        let counter = if found.is_some() {
            &self.stats.hits
        } else {
            &self.stats.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// The answer stored under `key` for `version` after `since`, if any: for a request that
    /// waited its turn to compute an answer and finds another request stored it meanwhile.
    pub fn stored_after(&self, key: &str, version: i64, since: Instant) -> Option<Bytes> {
        if !self.enabled() {
            return None;
        }
        let mut inner = self.lock();
        inner.tick += 1;
        let tick = inner.tick;
        let entry = inner.entries.get_mut(key)?;
        if entry.version != version || entry.stored < since {
            return None;
        }
        entry.used = tick;
        let body = entry.body.clone();
        drop(inner);
        self.stats.hits.fetch_add(1, Ordering::Relaxed);
        Some(body)
    }

    /// Stores an answer computed from data at least as new as `version`.
    pub fn put(&self, key: String, version: i64, freshness: Freshness, body: Bytes) {
        let size = key.len() + body.len();
        // An answer larger than an eighth of the cache would push out too much.
        if !self.enabled() || size > self.max_bytes / 8 {
            return;
        }
        let mut inner = self.lock();
        inner.tick += 1;
        let used = inner.tick;
        let entry = Entry {
            version,
            stored: Instant::now(),
            freshness,
            body,
            used,
            refreshing_since: None,
        };
        if let Some(old) = inner.entries.insert(key.clone(), entry) {
            inner.bytes -= key.len() + old.body.len();
        }
        inner.bytes += size;
        if inner.bytes > self.max_bytes {
            self.evict(&mut inner);
        }
        drop(inner);
        self.stats.stores.fetch_add(1, Ordering::Relaxed);
    }

    /// Drops the least recently used answers until at most three quarters of the budget is in
    /// use, so eviction (a scan) runs once per many inserts, not on each.
    fn evict(&self, inner: &mut Inner) {
        let goal = self.max_bytes / 4 * 3;
        let mut by_use: Vec<(u64, String)> = inner
            .entries
            .iter()
            .map(|(key, entry)| (entry.used, key.clone()))
            .collect();
        by_use.sort_unstable();
        for (_, key) in by_use {
            if inner.bytes <= goal {
                break;
            }
            if let Some(entry) = inner.entries.remove(&key) {
                inner.bytes -= key.len() + entry.body.len();
                self.stats.evictions.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Bytes held now (keys and answers).
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cache's counters in Prometheus' text format, for `/metrics`.
    pub fn render_metrics(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for (name, help, value) in [
            (
                "hits_total",
                "Answers served from the cache.",
                self.stats.hits.load(Ordering::Relaxed),
            ),
            (
                "misses_total",
                "Answers computed because none was kept for the data version.",
                self.stats.misses.load(Ordering::Relaxed),
            ),
            (
                "stores_total",
                "Answers computed and kept.",
                self.stats.stores.load(Ordering::Relaxed),
            ),
            (
                "evictions_total",
                "Answers dropped to stay within cache.max_mb.",
                self.stats.evictions.load(Ordering::Relaxed),
            ),
        ] {
            let _ = writeln!(out, "# HELP versnelling_cache_{name} {help}");
            let _ = writeln!(out, "# TYPE versnelling_cache_{name} counter");
            let _ = writeln!(out, "versnelling_cache_{name} {value}");
        }
        let _ = writeln!(out, "# HELP versnelling_cache_bytes Bytes of answers kept.");
        let _ = writeln!(out, "# TYPE versnelling_cache_bytes gauge");
        let _ = writeln!(out, "versnelling_cache_bytes {}", self.bytes());
        out
    }
}

/// One lock per key, for answers that are expensive to compute: while one request computes
/// the answer for a key, the others asking for the same key wait for it (and then find it in
/// the cache) instead of computing it alongside, each holding its own copy of the data.
/// Different keys do not wait for each other.
#[derive(Default)]
pub struct KeyedLocks {
    locks: Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>,
}

impl KeyedLocks {
    /// Waits for the lock of `key`; held until the guard is dropped.
    pub async fn lock(&self, key: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
            match locks.get(key).and_then(Weak::upgrade) {
                Some(lock) => lock,
                None => {
                    // A key nobody holds any more is dropped when a new one comes in, so the
                    // map holds about as many keys as are being computed at once.
                    locks.retain(|_, lock| lock.strong_count() > 0);
                    let lock = Arc::new(tokio::sync::Mutex::new(()));
                    locks.insert(key.to_string(), Arc::downgrade(&lock));
                    lock
                }
            }
        };
        lock.lock_owned().await
    }

    #[cfg(test)]
    fn keys_held(&self) -> usize {
        self.locks.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> Bytes {
        Bytes::from(text.to_string())
    }

    #[test]
    fn an_answer_is_served_only_for_the_version_it_was_stored_with() {
        let cache = AnswerCache::new(1 << 20, Duration::from_secs(60));
        cache.put("a".into(), 7, Freshness::Data, body("seven"));
        assert_eq!(cache.get("a", 7), Some(body("seven")));
        assert_eq!(cache.get("a", 8), None, "a newer version must miss");
        assert_eq!(cache.get("b", 7), None);
        cache.put("a".into(), 8, Freshness::Data, body("eight"));
        assert_eq!(cache.get("a", 8), Some(body("eight")));
        assert_eq!(cache.get("a", 7), None, "the older answer is replaced");
        assert_eq!(cache.stats.hits.load(Ordering::Relaxed), 2);
        assert_eq!(cache.stats.misses.load(Ordering::Relaxed), 3);
    }

    #[test]
    fn a_clock_dependent_answer_expires_and_a_data_answer_does_not() {
        let cache = AnswerCache::new(1 << 20, Duration::from_millis(30));
        cache.put("clock".into(), 1, Freshness::Clock, body("x"));
        cache.put("data".into(), 1, Freshness::Data, body("y"));
        assert!(cache.get("clock", 1).is_some());
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get("clock", 1), None);
        assert_eq!(cache.get("data", 1), Some(body("y")));
    }

    #[test]
    fn one_caller_refreshes_an_expired_answer_while_the_others_get_it_still() {
        let cache = AnswerCache::new(1 << 20, Duration::from_millis(40));
        cache.put("roll-up".into(), 3, Freshness::Clock, body("old"));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get("roll-up", 3), None, "the first caller recomputes");
        assert_eq!(
            cache.get("roll-up", 3),
            Some(body("old")),
            "the others get the expired answer meanwhile"
        );
        assert_eq!(cache.get("roll-up", 4), None, "never across a data change");
        cache.put("roll-up".into(), 3, Freshness::Clock, body("new"));
        assert_eq!(cache.get("roll-up", 3), Some(body("new")));
        // A refresher that never comes back: after another time to live the next one tries.
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get("roll-up", 3), None);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get("roll-up", 3), None);
    }

    #[test]
    fn a_waiting_request_finds_only_an_answer_stored_while_it_waited() {
        let cache = AnswerCache::new(1 << 20, Duration::from_secs(60));
        cache.put("chart".into(), 5, Freshness::Clock, body("before"));
        let since = Instant::now();
        assert_eq!(cache.stored_after("chart", 5, since), None, "stored before");
        cache.put("chart".into(), 5, Freshness::Clock, body("meanwhile"));
        assert_eq!(
            cache.stored_after("chart", 5, since),
            Some(body("meanwhile"))
        );
        assert_eq!(cache.stored_after("chart", 6, since), None, "other data");
        assert_eq!(cache.stored_after("other", 5, since), None);
    }

    #[test]
    fn the_budget_holds_and_the_least_recently_used_answer_goes_first() {
        // 10 answers of 100 bytes fit in 1,000; an 11th evicts down to 750.
        let cache = AnswerCache::new(1_000 + 10 * 2, Duration::from_secs(60));
        let hundred = Bytes::from(vec![b'x'; 100]);
        for i in 0..10 {
            cache.put(format!("k{i}"), 1, Freshness::Data, hundred.clone());
        }
        assert_eq!(cache.len(), 10);
        // k0 used again: it is now the most recent.
        assert!(cache.get("k0", 1).is_some());
        cache.put("k10".into(), 1, Freshness::Data, hundred.clone());
        assert!(cache.bytes() <= 1_020 / 4 * 3, "{}", cache.bytes());
        assert!(
            cache.get("k0", 1).is_some(),
            "the recently used answer stays"
        );
        assert!(cache.get("k10", 1).is_some(), "the newest answer stays");
        assert_eq!(
            cache.get("k1", 1),
            None,
            "the oldest unused answer went first"
        );
        assert!(cache.stats.evictions.load(Ordering::Relaxed) >= 3);
    }

    #[test]
    fn a_disabled_cache_keeps_nothing_and_an_oversized_answer_is_not_kept() {
        let off = AnswerCache::new(0, Duration::from_secs(60));
        off.put("a".into(), 1, Freshness::Data, body("x"));
        assert_eq!(off.get("a", 1), None);
        assert!(off.is_empty());
        let small = AnswerCache::new(800, Duration::from_secs(60));
        small.put("big".into(), 1, Freshness::Data, Bytes::from(vec![0; 200]));
        assert_eq!(small.get("big", 1), None);
    }

    #[tokio::test]
    async fn one_key_is_computed_by_one_caller_at_a_time_and_other_keys_do_not_wait() {
        let locks = Arc::new(KeyedLocks::default());
        let first = locks.lock("chart/a").await;
        // Another key is free at once.
        let other = locks.lock("chart/b").await;
        drop(other);
        // The same key waits until the first caller is done.
        let waiting = {
            let locks = locks.clone();
            tokio::spawn(async move {
                let _guard = locks.lock("chart/a").await;
            })
        };
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(
            !waiting.is_finished(),
            "the second caller got the lock of a held key"
        );
        drop(first);
        waiting.await.expect("the second caller ends");
        // Keys nobody holds are dropped when a new one comes in.
        let _c = locks.lock("chart/c").await;
        assert_eq!(locks.keys_held(), 1);
    }
}
