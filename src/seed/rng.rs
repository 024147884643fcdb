//! Deterministic randomness and date helpers for generated data (the demo and the scaled
//! programme): the same seed gives the same data on every machine.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Weekday};

/// splitmix64: a tiny, well-mixed generator; enough to vary generated data and keep it
/// reproducible.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `low..=high`.
    pub fn int(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        let span = (high - low) as u64 + 1;
        low + (self.next_u64() % span) as i64
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn float(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    pub fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    pub fn index(&mut self, len: usize) -> usize {
        if len == 0 {
            0
        } else {
            (self.next_u64() % len as u64) as usize
        }
    }

    /// One item of a non-empty list of texts.
    pub fn pick(&mut self, items: &[&'static str]) -> &'static str {
        items.get(self.index(items.len())).copied().unwrap_or("")
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }

    pub fn date(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        add_days(from, self.int(0, (to - from).num_days()))
    }

    /// A working day from `from` to about `to` (a weekend moves to the Monday after).
    pub fn working_day(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let day = self.date(from, to);
        match day.weekday() {
            Weekday::Sat => add_days(day, 2),
            Weekday::Sun => add_days(day, 1),
            _ => day,
        }
    }

    /// A moment during office hours (07:00–16:59 UTC is 08:00–17:59 in Amsterdam in winter).
    pub fn office_time(&mut self, day: NaiveDate) -> NaiveDateTime {
        let time = NaiveTime::from_hms_opt(
            self.int(7, 16) as u32,
            self.int(0, 59) as u32,
            self.int(0, 59) as u32,
        )
        .unwrap_or(NaiveTime::MIN);
        day.and_time(time)
    }
}

pub fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

pub fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    date + TimeDelta::days(days)
}

/// `count` dates spread over `from..=to`, one in each equal slice, in order.
pub fn spread(rng: &mut Rng, from: NaiveDate, to: NaiveDate, count: usize) -> Vec<NaiveDate> {
    let span = (to - from).num_days().max(0);
    let count_i = count.max(1) as i64;
    (0..count_i)
        .map(|i| {
            let low = span * i / count_i;
            let high = (span * (i + 1) / count_i - 1).max(low);
            add_days(from, rng.int(low, high))
        })
        .collect()
}

pub fn round_percent(value: f64) -> i32 {
    ((value / 5.0).round() * 5.0).clamp(0.0, 100.0) as i32
}

pub fn round_to(value: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    (value * factor).round() / factor
}
