//! The database itself refuses what must never happen, whatever the code above it does.

use sqlx::PgPool;
use uuid::Uuid;

async fn practitioner(pool: &PgPool, email: &str, slug: &str) -> Uuid {
    let user: Uuid = sqlx::query_scalar(
        "INSERT INTO users (email, role, status) VALUES ($1, 'PRACTITIONER', 'ACTIVE') RETURNING id",
    )
    .bind(email)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query_scalar(
        "INSERT INTO practitioner_profiles (user_id, slug, public_name) VALUES ($1, $2, $2) RETURNING id",
    )
    .bind(user)
    .bind(slug)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn appointment(
    pool: &PgPool,
    practitioner: Uuid,
    start: &str,
    end: &str,
    busy_until: &str,
    status: &str,
) -> Result<Uuid, sqlx::Error> {
    let cancelled = status == "CANCELLED";
    sqlx::query_scalar(
        "INSERT INTO appointments (practitioner_id, title, starts_at, ends_at, busy_until, status, source, cancelled_at)
         VALUES ($1, 'Consultation', $2::timestamptz, $3::timestamptz, $4::timestamptz,
                 $5::appointment_status, 'PRO', CASE WHEN $6 THEN now() END)
         RETURNING id",
    )
    .bind(practitioner)
    .bind(start)
    .bind(end)
    .bind(busy_until)
    .bind(status)
    .bind(cancelled)
    .fetch_one(pool)
    .await
}

fn sqlstate(e: &sqlx::Error) -> Option<String> {
    e.as_database_error()
        .and_then(|d| d.code())
        .map(|c| c.into_owned())
}

#[tokio::test]
async fn the_exclusion_constraint_rejects_overlapping_appointments() {
    let (_url, pool) = spymeo_core::testing::migrated_database().await.unwrap();
    let a = practitioner(&pool, "a@example.fr", "praticien-a").await;
    let b = practitioner(&pool, "b@example.fr", "praticien-b").await;

    appointment(
        &pool,
        a,
        "2030-03-04 10:00+01",
        "2030-03-04 11:00+01",
        "2030-03-04 11:15+01",
        "SCHEDULED",
    )
    .await
    .unwrap();
    // Overlaps the first one, including its 15-minute buffer.
    let err = appointment(
        &pool,
        a,
        "2030-03-04 11:00+01",
        "2030-03-04 12:00+01",
        "2030-03-04 12:00+01",
        "SCHEDULED",
    )
    .await
    .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("23P01"));
    assert_eq!(
        err.as_database_error().and_then(|d| d.constraint()),
        Some("appointments_no_overlap")
    );
    // Half-open ranges: starting when the buffer ends is fine.
    appointment(
        &pool,
        a,
        "2030-03-04 11:15+01",
        "2030-03-04 12:00+01",
        "2030-03-04 12:00+01",
        "CONFIRMED",
    )
    .await
    .unwrap();
    // Another practitioner's agenda is independent.
    appointment(
        &pool,
        b,
        "2030-03-04 10:00+01",
        "2030-03-04 11:00+01",
        "2030-03-04 11:00+01",
        "SCHEDULED",
    )
    .await
    .unwrap();
    // A cancelled appointment frees its range.
    appointment(
        &pool,
        b,
        "2030-03-04 10:30+01",
        "2030-03-04 11:30+01",
        "2030-03-04 11:30+01",
        "CANCELLED",
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn concurrent_bookings_of_one_slot_let_exactly_one_through() {
    let (_url, pool) = spymeo_core::testing::migrated_database().await.unwrap();
    let a = practitioner(&pool, "a@example.fr", "praticien-a").await;
    let attempts = (0..8).map(|_| {
        let pool = pool.clone();
        tokio::spawn(async move {
            appointment(
                &pool,
                a,
                "2030-03-05 09:00+01",
                "2030-03-05 10:00+01",
                "2030-03-05 10:00+01",
                "SCHEDULED",
            )
            .await
        })
    });
    let mut ok = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(sqlstate(&e).as_deref(), Some("23P01")),
        }
    }
    assert_eq!(ok, 1);
}

#[tokio::test]
async fn another_practitioners_client_cannot_be_attached() {
    let (_url, pool) = spymeo_core::testing::migrated_database().await.unwrap();
    let a = practitioner(&pool, "a@example.fr", "praticien-a").await;
    let b = practitioner(&pool, "b@example.fr", "praticien-b").await;
    let client_of_a: Uuid = sqlx::query_scalar(
        "INSERT INTO clients (practitioner_id, first_name, last_name) VALUES ($1, 'Julie', 'Bernard') RETURNING id",
    )
    .bind(a)
    .fetch_one(&pool)
    .await
    .unwrap();
    let err = sqlx::query(
        "INSERT INTO appointments (practitioner_id, client_id, title, starts_at, ends_at, busy_until, source)
         VALUES ($1, $2, 'x', '2030-01-01 10:00Z', '2030-01-01 11:00Z', '2030-01-01 11:00Z', 'PRO')",
    )
    .bind(b)
    .bind(client_of_a)
    .execute(&pool)
    .await
    .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("23503"));
}

#[tokio::test]
async fn stock_never_goes_negative_and_movements_are_append_only() {
    let (_url, pool) = spymeo_core::testing::migrated_database().await.unwrap();
    let user: Uuid = sqlx::query_scalar(
        "INSERT INTO users (email, role) VALUES ('m@example.fr', 'COMMERCANT') RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let merchant: Uuid = sqlx::query_scalar(
        "INSERT INTO merchant_profiles (user_id, slug, public_name) VALUES ($1, 'herbo', 'Herbo') RETURNING id",
    )
    .bind(user)
    .fetch_one(&pool)
    .await
    .unwrap();
    let product: Uuid = sqlx::query_scalar(
        "INSERT INTO products (merchant_id, slug, title, price_ttc_cents) VALUES ($1, 'tisane', 'Tisane', 890) RETURNING id",
    )
    .bind(merchant)
    .fetch_one(&pool)
    .await
    .unwrap();
    let movement = |qty: i32, kind: &'static str| {
        sqlx::query_scalar::<_, i32>(
            "INSERT INTO stock_movements (merchant_id, product_id, type, quantity, stock_after)
             VALUES ($1, $2, $3::stock_movement_type, $4, 0) RETURNING stock_after",
        )
        .bind(merchant)
        .bind(product)
        .bind(kind)
        .bind(qty)
        .fetch_one(&pool)
    };
    assert_eq!(movement(5, "IN").await.unwrap(), 5);
    assert_eq!(movement(-3, "OUT").await.unwrap(), 2);
    let err = movement(-3, "OUT").await.unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("23514"));
    assert_eq!(
        err.as_database_error().and_then(|d| d.constraint()),
        Some("products_stock_nonnegative")
    );
    let stock: i32 = sqlx::query_scalar("SELECT stock_quantity FROM products WHERE id = $1")
        .bind(product)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stock, 2);

    let direct = sqlx::query("UPDATE products SET stock_quantity = 100 WHERE id = $1")
        .bind(product)
        .execute(&pool)
        .await
        .unwrap_err();
    assert_eq!(
        direct.as_database_error().and_then(|d| d.constraint()),
        Some("products_stock_guard")
    );
    let rewrite = sqlx::query("DELETE FROM stock_movements WHERE product_id = $1")
        .bind(product)
        .execute(&pool)
        .await
        .unwrap_err();
    assert_eq!(
        rewrite.as_database_error().and_then(|d| d.constraint()),
        Some("stock_movements_append_only")
    );
}
