//! Rate limits shared by every replica (DOMAIN.md §6.1: login 5/min per email and IP,
//! forgot-password 3/h per email…): fixed windows counted in PostgreSQL with one upsert.

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
    let count: i32 = sqlx::query_scalar(
        "INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1)
         ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1
         RETURNING count",
    )
    .bind(key)
    .bind(window_start)
    .fetch_one(pool)
    .await?;
    Ok(count <= limit.max)
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
