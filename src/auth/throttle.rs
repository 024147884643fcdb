//! Login throttling, kept in the database so every instance on it throttles as one.
//!
//! Three counts per login attempt, each over a window (`auth.login_window_seconds`):
//! - a **username at one client address**: after `auth.login_max_failures` attempts, each further
//!   attempt waits twice as long as the one before (1 s, 2 s, 4 s, … up to the window);
//! - a **client address** over all usernames it tries: the same, after
//!   `auth.login_max_failures_per_address`;
//! - a **username** from anywhere: past `auth.login_account_ceiling`, attempts from addresses
//!   the account has not logged in from lately are let through one per
//!   `auth.login_account_spacing_seconds`. That slows a guesser with many addresses without
//!   locking the owner out: from an address they logged in from (within [`TRUST_DAYS`]) the
//!   owner is not slowed by it at all.
//!
//! An attempt is counted **before** its password is checked, in the one transaction that decides
//! whether it may go ahead ([`admit`]), so guesses sent at the same moment cannot all slip
//! through; a success takes its attempt back ([`succeeded`]). Only SHA-256 hashes of the keys
//! are stored: no usernames, no addresses.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::AuthSettings;
use crate::db::schema::login_throttle as lt;
use crate::db::{self, DbConnection};
use crate::error::{Error, Result};

/// How long an address a user logged in from keeps them clear of the per-username ceiling.
pub const TRUST_DAYS: i64 = 30;
/// Expired rows removed by each attempt: more than an attempt adds (three), so the table stays
/// bounded by the attempts of one window.
const CLEANUP_BATCH: i64 = 16;

/// The throttling settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub window: Duration,
    pub free_per_pair: i32,
    pub free_per_address: i32,
    pub account_ceiling: i32,
    pub account_spacing: Duration,
}

impl Rules {
    pub fn from_settings(auth: &AuthSettings) -> Self {
        let seconds = |s: u64| Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 1000));
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        Self {
            window: seconds(auth.login_window_seconds),
            free_per_pair: count(auth.login_max_failures),
            free_per_address: count(auth.login_max_failures_per_address),
            account_ceiling: count(auth.login_account_ceiling),
            account_spacing: seconds(auth.login_account_spacing_seconds),
        }
    }
}

/// The hashed keys of one attempt, in the order they are locked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    pair: String,
    account: String,
    address: String,
}

fn key_hash(kind: &str, parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(kind.as_bytes());
    for part in parts {
        hasher.update([0]);
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The part of a client address that is counted: an IPv4 address whole, an IPv6 address by its
/// /64 network — one line or one machine holds a whole /64, so counting single IPv6 addresses
/// would give an attacker 2^64 fresh counts.
fn counted_address(address: &str) -> String {
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let network = u128::from(v6) & !((1u128 << 64) - 1);
            format!("{}/64", std::net::Ipv6Addr::from(network))
        }
        _ => address.to_string(),
    }
}

impl Keys {
    pub fn new(username: &str, address: &str) -> Self {
        let username = username.to_lowercase();
        let address = counted_address(address);
        let address = address.as_str();
        Self {
            pair: key_hash("pair", &[&username, address]),
            account: key_hash("account", &[&username]),
            address: key_hash("address", &[address]),
        }
    }

    fn sorted(&self) -> [&str; 3] {
        let mut keys = [
            self.pair.as_str(),
            self.account.as_str(),
            self.address.as_str(),
        ];
        keys.sort_unstable();
        keys
    }
}

/// The state of one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = lt)]
struct Count {
    attempts: i32,
    window_started_at: NaiveDateTime,
    next_allowed_at: NaiveDateTime,
    trusted_until: Option<NaiveDateTime>,
}

impl Count {
    fn fresh(now: NaiveDateTime) -> Self {
        Self {
            attempts: 0,
            window_started_at: now,
            next_allowed_at: now,
            trusted_until: None,
        }
    }

    /// The count as of `now`: a window that has passed starts again from zero.
    fn current(self, now: NaiveDateTime, window: Duration) -> Self {
        if now - self.window_started_at >= window {
            Self {
                attempts: 0,
                window_started_at: now,
                ..self
            }
        } else {
            self
        }
    }

    fn wait(&self, now: NaiveDateTime) -> Duration {
        (self.next_allowed_at - now).max(Duration::zero())
    }

    fn trusted(&self, now: NaiveDateTime) -> bool {
        self.trusted_until.is_some_and(|until| until > now)
    }

    /// Counts an attempt; past `free`, the next one waits twice as long as this one did.
    fn count_progressive(&mut self, now: NaiveDateTime, free: i32, window: Duration) {
        self.attempts = self.attempts.saturating_add(1);
        let over = self.attempts - free;
        if over > 0 {
            let doublings = u32::try_from(over - 1).unwrap_or(u32::MAX).min(30);
            let delay = Duration::seconds(1i64 << doublings).min(window);
            self.next_allowed_at = now + delay;
        }
    }
}

/// The decision for counts `[pair, account, address]` as of `now`, and the counts to store
/// when the attempt is admitted.
fn decide(rules: &Rules, counts: [Count; 3], now: NaiveDateTime) -> (Duration, [Count; 3]) {
    let [pair, account, address] = counts.map(|c| c.current(now, rules.window));
    let trusted = pair.trusted(now);
    let mut wait = pair.wait(now).max(address.wait(now));
    if !trusted {
        wait = wait.max(account.wait(now));
    }
    let (mut pair, mut account, mut address) = (pair, account, address);
    pair.count_progressive(now, rules.free_per_pair, rules.window);
    address.count_progressive(now, rules.free_per_address, rules.window);
    account.attempts = account.attempts.saturating_add(1);
    // The owner at a trusted address does not hold up the others either.
    if account.attempts > rules.account_ceiling && !trusted {
        account.next_allowed_at = now + rules.account_spacing;
    }
    (wait, [pair, account, address])
}

fn whole_seconds(wait: Duration) -> u64 {
    let millis = u64::try_from(wait.num_milliseconds()).unwrap_or(0);
    millis.div_ceil(1000).max(1)
}

/// Makes sure each key has a row and, on PostgreSQL, locks the rows (in key order, so two
/// attempts cannot deadlock) until the transaction ends; SQLite's `BEGIN IMMEDIATE` already
/// keeps other writers out. The rows of a refused attempt are rolled back with it.
fn lock(conn: &mut DbConnection, keys: &[&str; 3], now: NaiveDateTime) -> Result<()> {
    let fresh = Count::fresh(now);
    for key in keys {
        let row = (
            lt::key_hash.eq(*key),
            lt::attempts.eq(fresh.attempts),
            lt::window_started_at.eq(fresh.window_started_at),
            lt::next_allowed_at.eq(fresh.next_allowed_at),
        );
        // On a conflict the row is "updated" to itself: on PostgreSQL that locks it, and a row
        // another transaction deleted meanwhile is inserted again rather than missed.
        crate::with_backend!(&mut *conn, |inner| diesel::insert_into(lt::table)
            .values(row)
            .on_conflict(lt::key_hash)
            .do_update()
            .set(lt::attempts.eq(lt::attempts))
            .execute(inner))?;
    }
    Ok(())
}

fn load(conn: &mut DbConnection, key: &str) -> Result<Count> {
    Ok(lt::table
        .find(key)
        .select(Count::as_select())
        .get_result(conn)?)
}

fn store(conn: &mut DbConnection, key: &str, count: &Count) -> Result<()> {
    diesel::update(lt::table.find(key))
        .set((
            lt::attempts.eq(count.attempts),
            lt::window_started_at.eq(count.window_started_at),
            lt::next_allowed_at.eq(count.next_allowed_at),
            lt::trusted_until.eq(count.trusted_until),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removes a few rows that no longer hold anything: their window and delay are over and they
/// vouch for no address.
fn clean_up(conn: &mut DbConnection, rules: &Rules, now: NaiveDateTime) -> Result<()> {
    let expired = lt::table
        .filter(lt::window_started_at.lt(now - rules.window))
        .filter(lt::next_allowed_at.lt(now))
        .filter(lt::trusted_until.is_null().or(lt::trusted_until.lt(now)))
        .select(lt::key_hash)
        .limit(CLEANUP_BATCH)
        .load::<String>(conn)?;
    if !expired.is_empty() {
        diesel::delete(lt::table.filter(lt::key_hash.eq_any(expired))).execute(conn)?;
    }
    Ok(())
}

/// Decides whether a login attempt for `username` from `address` may go ahead and, if so,
/// counts it — one transaction, so simultaneous attempts are counted one after the other. The
/// keys to report a success with ([`succeeded`]); `Error::TooManyRequests` (nothing counted,
/// nothing written) when the attempt must wait.
pub fn admit(
    conn: &mut DbConnection,
    rules: &Rules,
    username: &str,
    address: &str,
) -> Result<Keys> {
    let keys = Keys::new(username, address);
    db::write_transaction(conn, |conn| {
        let now = db::now();
        lock(conn, &keys.sorted(), now)?;
        let counts = [
            load(conn, &keys.pair)?,
            load(conn, &keys.account)?,
            load(conn, &keys.address)?,
        ];
        let (wait, counted) = decide(rules, counts, now);
        if wait > Duration::zero() {
            // An error, so the transaction rolls back: a refused attempt leaves nothing behind,
            // not even the rows of keys it was the first to try.
            return Err(Error::TooManyRequests {
                retry_after_seconds: whole_seconds(wait),
            });
        }
        for (key, count) in [&keys.pair, &keys.account, &keys.address]
            .into_iter()
            .zip(&counted)
        {
            store(conn, key, count)?;
        }
        clean_up(conn, rules, now)?;
        Ok(keys.clone())
    })
}

/// Takes back an admitted attempt whose password was right: the username at that address starts
/// afresh and is trusted there for [`TRUST_DAYS`]; the account and address counts lose the one
/// attempt.
pub fn succeeded(conn: &mut DbConnection, keys: &Keys) -> Result<()> {
    db::write_transaction(conn, |conn| {
        let now = db::now();
        lock(conn, &keys.sorted(), now)?;
        let pair = Count {
            trusted_until: Some(now + Duration::days(TRUST_DAYS)),
            ..Count::fresh(now)
        };
        store(conn, &keys.pair, &pair)?;
        for key in [&keys.account, &keys.address] {
            let mut count = load(conn, key)?;
            count.attempts = (count.attempts - 1).max(0);
            store(conn, key, &count)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        Rules {
            window: Duration::seconds(900),
            free_per_pair: 3,
            free_per_address: 10,
            account_ceiling: 20,
            account_spacing: Duration::seconds(5),
        }
    }

    fn at(seconds: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_700_000_000 + seconds, 0)
            .unwrap()
            .naive_utc()
    }

    /// Runs attempts one after the other on one set of counts; the waits each one got.
    fn run(rules: &Rules, counts: &mut [Count; 3], times: &[i64]) -> Vec<i64> {
        times
            .iter()
            .map(|&t| {
                let (wait, counted) = decide(rules, *counts, at(t));
                if wait == Duration::zero() {
                    *counts = counted;
                }
                wait.num_seconds()
            })
            .collect()
    }

    #[test]
    fn past_the_free_attempts_each_wait_doubles_up_to_the_window() {
        let rules = rules();
        let mut counts = [Count::fresh(at(0)); 3];
        // Three free, then 1, 2, 4, 8 s: each attempt comes the moment it may.
        let waits = run(&rules, &mut counts, &[0, 0, 0, 0, 0, 1, 1, 3, 7, 15]);
        assert_eq!(waits, [0, 0, 0, 0, 1, 0, 2, 0, 0, 0]);
        assert_eq!(counts[0].next_allowed_at, at(15 + 16));
        let mut counts = [Count {
            attempts: 40,
            ..Count::fresh(at(0))
        }; 3];
        run(&rules, &mut counts, &[0]);
        assert_eq!(counts[0].next_allowed_at, at(900), "capped at the window");
    }

    #[test]
    fn a_refused_attempt_is_not_counted_and_a_new_window_starts_afresh() {
        let rules = rules();
        let mut counts = [Count::fresh(at(0)); 3];
        run(&rules, &mut counts, &[0, 0, 0, 0]);
        let before = counts;
        assert_eq!(run(&rules, &mut counts, &[0, 0, 0]), [1, 1, 1]);
        assert_eq!(counts, before);
        assert_eq!(run(&rules, &mut counts, &[901]), [0]);
        assert_eq!(counts[0].attempts, 1);
    }

    #[test]
    fn the_account_ceiling_spaces_attempts_from_untrusted_addresses_only() {
        let rules = rules();
        let account = Count {
            attempts: 20,
            ..Count::fresh(at(0))
        };
        let untrusted = [Count::fresh(at(0)), account, Count::fresh(at(0))];
        let (wait, counted) = decide(&rules, untrusted, at(0));
        assert_eq!(wait, Duration::zero());
        assert_eq!(counted[1].next_allowed_at, at(5), "slowed, not blocked");
        let after = [Count::fresh(at(1)), counted[1], Count::fresh(at(1))];
        assert_eq!(decide(&rules, after, at(1)).0, Duration::seconds(4));
        let owner = Count {
            trusted_until: Some(at(86_400)),
            ..Count::fresh(at(0))
        };
        let (wait, _) = decide(&rules, [owner, counted[1], Count::fresh(at(1))], at(1));
        assert_eq!(
            wait,
            Duration::zero(),
            "the owner's own address is not slowed"
        );
        assert_eq!(whole_seconds(Duration::milliseconds(4001)), 5);
    }

    #[test]
    fn keys_ignore_the_case_of_the_username_and_store_no_clear_text() {
        let a = Keys::new("Burgemeester", "10.0.0.1");
        let b = Keys::new("burgemeester", "10.0.0.1");
        assert_eq!(a, b);
        assert_ne!(a.pair, Keys::new("burgemeester", "10.0.0.2").pair);
        assert_eq!(a.account, Keys::new("burgemeester", "10.0.0.2").account);
        assert!(!a.pair.contains("burgemeester") && a.pair.len() == 64);
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64_network() {
        let one = Keys::new("wethouder", "2001:db8:1:2:aaaa::1");
        let same_line = Keys::new("wethouder", "2001:db8:1:2:ffff:1:2:3");
        let other_line = Keys::new("wethouder", "2001:db8:1:3::1");
        assert_eq!(one, same_line);
        assert_ne!(one.address, other_line.address);
        assert_eq!(counted_address("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(counted_address("192.0.2.7"), "192.0.2.7");
    }
}
