//! Rate limits shared by every replica (DOMAIN.md §6.1: login 5/min per email and IP,
//! forgot-password 3/h per email…), counted in PostgreSQL with one upsert per hit.
//!
//! Sliding-window estimate over fixed windows: the hits of the current window plus those of
//! the previous one weighted by how much of it the sliding window still covers. A plain fixed
//! window let 2 × max attempts through around each boundary (5 at 12:00:59, 5 at 12:01:00).

use chrono::{DateTime, Duration, DurationRound as _, Utc};
use sqlx::PgPool;

use crate::Result;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i32,
    pub window: Duration,
}

pub const LOGIN: Limit = Limit {
    max: 5,
    window: Duration::minutes(1),
};
pub const FORGOT_PASSWORD: Limit = Limit {
    max: 3,
    window: Duration::hours(1),
};
pub const SIGNUP: Limit = Limit {
    max: 10,
    window: Duration::hours(1),
};

/// Counts one hit on `key` and says whether it is within the limit.
pub async fn hit(pool: &PgPool, key: &str, limit: Limit, now: DateTime<Utc>) -> Result<bool> {
    let window_start = now.duration_trunc(limit.window).unwrap_or(now);
    let (current, previous): (i32, i32) = sqlx::query_as(
        "WITH cur AS (
             INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1)
             ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1
             RETURNING count)
         SELECT (SELECT count FROM cur),
                COALESCE((SELECT count FROM rate_limits WHERE key = $1 AND window_start = $3), 0)",
    )
    .bind(key)
    .bind(window_start)
    .bind(window_start - limit.window)
    .fetch_one(pool)
    .await?;
    Ok(within(current, previous, limit, now - window_start))
}

/// `current` hits in this window, `previous` in the one before, `elapsed` into this one.
fn within(current: i32, previous: i32, limit: Limit, elapsed: Duration) -> bool {
    let covered = 1.0 - elapsed.num_milliseconds() as f64 / limit.window.num_milliseconds() as f64;
    f64::from(current) + f64::from(previous) * covered.clamp(0.0, 1.0) <= f64::from(limit.max)
}

/// Purge job: windows older than a day (the longest window is an hour).
pub async fn purge(pool: &PgPool, now: DateTime<Utc>) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind(now - Duration::days(1))
            .execute(pool)
            .await?
            .rows_affected(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_previous_window_counts_for_what_the_sliding_window_still_covers() {
        // 5 logins at the end of a minute: the first second of the next one refuses a 6th.
        assert!(!within(1, 5, LOGIN, Duration::seconds(1)));
        // Half a minute later, half of them have slid out: 2 more pass, not 3.
        assert!(within(2, 5, LOGIN, Duration::seconds(30)));
        assert!(!within(3, 5, LOGIN, Duration::seconds(30)));
        // Nothing before: the window alone decides.
        assert!(within(5, 0, LOGIN, Duration::zero()));
        assert!(!within(6, 0, LOGIN, Duration::seconds(59)));
    }
}
