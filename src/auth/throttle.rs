//! Login throttling: failed logins are counted per username and per client address in a
//! sliding window; past the limit, logins are refused with 429 and Retry-After until the oldest
//! failure leaves the window. A success clears the username's failures. Kept in memory: each
//! server instance throttles on its own.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginThrottle {
    window: Duration,
    max_per_username: usize,
    max_per_address: usize,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginThrottle {
    pub fn new(window: Duration, max_per_username: usize, max_per_address: usize) -> Self {
        Self {
            window,
            max_per_username,
            max_per_address,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(username: &str, address: &str) -> [(String, bool); 2] {
        [
            (format!("u:{}", username.to_lowercase()), true),
            (format!("a:{address}"), false),
        ]
    }

    /// `Some(seconds)` to wait when this username or address is throttled now.
    pub fn retry_after(&self, username: &str, address: &str, now: Instant) -> Option<u64> {
        let Ok(mut failures) = self.failures.lock() else {
            return None;
        };
        let mut wait: Option<Duration> = None;
        for (key, is_username) in Self::keys(username, address) {
            let limit = if is_username {
                self.max_per_username
            } else {
                self.max_per_address
            };
            if let Some(times) = failures.get_mut(&key) {
                while times
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= self.window)
                {
                    times.pop_front();
                }
                if times.len() >= limit
                    && let Some(oldest) = times.front()
                {
                    let left = self.window.saturating_sub(now.duration_since(*oldest));
                    wait = Some(wait.map_or(left, |w| w.max(left)));
                }
            }
        }
        wait.map(|w| {
            u64::try_from(w.as_millis().div_ceil(1000))
                .unwrap_or(u64::MAX)
                .max(1)
        })
    }

    pub fn record_failure(&self, username: &str, address: &str, now: Instant) {
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        // Bound memory: forget everything when an attack floods us with new keys.
        if failures.len() > 100_000 {
            failures.clear();
        }
        for (key, _) in Self::keys(username, address) {
            failures.entry(key).or_default().push_back(now);
        }
    }

    pub fn record_success(&self, username: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(&format!("u:{}", username.to_lowercase()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_kicks_in_at_the_limit_and_lifts_after_the_window() {
        let throttle = LoginThrottle::new(Duration::from_secs(60), 3, 10);
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(throttle.retry_after("Alice", "1.2.3.4", start), None);
            throttle.record_failure("alice", "1.2.3.4", start);
        }
        let wait = throttle.retry_after("ALICE", "5.6.7.8", start).unwrap();
        assert!((59..=61).contains(&wait), "{wait}");
        assert_eq!(throttle.retry_after("bob", "1.2.3.4", start), None);
        assert_eq!(
            throttle.retry_after("alice", "1.2.3.4", start + Duration::from_secs(61)),
            None
        );
    }

    #[test]
    fn one_address_trying_many_usernames_is_throttled() {
        let throttle = LoginThrottle::new(Duration::from_secs(60), 3, 5);
        let now = Instant::now();
        for i in 0..5 {
            throttle.record_failure(&format!("user{i}"), "9.9.9.9", now);
        }
        assert!(
            throttle
                .retry_after("someone-else", "9.9.9.9", now)
                .is_some()
        );
        throttle.record_success("user1");
        assert!(throttle.retry_after("user1", "1.1.1.1", now).is_none());
    }
}
