//! Artisans and merchants (DOMAIN.md §9.3): catalogues, clients, orders over the last 90 days
//! (each order's lifecycle replayed on the simulated clock: a step whose time has not come
//! yet is simply not taken, so recent orders are still pending), stock with réassorts,
//! returns and a final inventory that leaves some products low or out of stock.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::vocabulary::{ARTISAN_SERVICES, PRODUCTS};
use super::{Conn, Ctx};
use crate::db::artisan_orders;
use crate::db::catalog::{self, ProductInput, ServiceInput};
use crate::db::merchant_orders::{self, ShopClient};
use crate::db::stock::{MovementInput, record_movement};
use crate::domain::{ArtisanOrderStatus, CatalogStatus, PaymentMethod};
use crate::{Error, Result};

pub(crate) async fn seed(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    for i in 0..ctx.artisans.len() {
        artisan(ctx, conn, i).await?;
    }
    for i in 0..ctx.merchants.len() {
        merchant(ctx, conn, i).await?;
    }
    Ok(())
}

fn method(ctx: &mut Ctx) -> PaymentMethod {
    match ctx.range(0, 9) {
        0..=5 => PaymentMethod::Card,
        6..=7 => PaymentMethod::Cash,
        8 => PaymentMethod::Cheque,
        _ => PaymentMethod::Transfer,
    }
}

/// Shop clients: two linked to members, the rest walk-in customers.
async fn shop_clients(
    ctx: &mut Ctx,
    conn: &mut Conn,
    owner: Uuid,
    n: usize,
    member_offset: usize,
    artisan: bool,
) -> Result<Vec<(Uuid, String)>> {
    let mut out = Vec::new();
    let created = ctx.now - Duration::days(100);
    for k in 0..n {
        let c = if k < 2 {
            let m = ctx.members[(member_offset + 9 * k) % 44].clone();
            ShopClient {
                user_id: Some(m.user_id),
                first_name: m.first,
                last_name: m.last,
                email: Some(m.email),
                phone: Some(m.phone),
                address_line: Some(m.address),
                city: Some(m.city.to_owned()),
                postal_code: Some(m.postal.to_owned()),
                notes: None,
            }
        } else {
            let (first, last) = ctx.person();
            let email = ctx
                .chance(0.8)
                .then(|| ctx.email(&first, &last, "exemple.test"));
            let (city, postal) = ctx.city();
            ShopClient {
                user_id: None,
                email,
                phone: ctx.chance(0.7).then(|| ctx.phone()),
                address_line: Some(ctx.address()),
                city: Some(city.to_owned()),
                postal_code: Some(postal.to_owned()),
                notes: ctx
                    .chance(0.15)
                    .then(|| "Cliente fidèle, préfère être contactée par SMS.".to_owned()),
                first_name: first,
                last_name: last,
            }
        };
        let name = format!("{} {}", c.first_name, c.last_name);
        let at = created + Duration::hours(5 * k as i64);
        let id = if artisan {
            artisan_orders::create_client(conn, owner, &c, at).await?
        } else {
            merchant_orders::create_client(conn, owner, &c, at).await?
        };
        out.push((id, name));
    }
    Ok(out)
}

async fn artisan(ctx: &mut Ctx, conn: &mut Conn, i: usize) -> Result<()> {
    let pro = ctx.artisans[i].clone();
    let artisan_id = pro.profile_id;
    let setup = pro.active_since + Duration::days(1);
    let mut services = Vec::new();
    for k in 0..6 {
        let (title, category, price, duration) =
            ARTISAN_SERVICES[(2 * i + k) % ARTISAN_SERVICES.len()];
        let status = match (i, k) {
            (0, 5) | (3, 5) => CatalogStatus::Draft,
            (1, 4) => CatalogStatus::Paused,
            (2, 5) => CatalogStatus::Archived,
            _ => CatalogStatus::Active,
        };
        let id = catalog::create_service(
            conn,
            artisan_id,
            &ServiceInput {
                title: title.into(),
                description: Some(format!(
                    "{title}, fait main dans notre atelier de {}.",
                    pro.city
                )),
                category: Some(category.into()),
                price_ttc_cents: price,
                vat_rate_bp: 2000,
                duration_min: duration,
                images: Vec::new(),
                status,
            },
            setup,
        )
        .await?;
        if status == CatalogStatus::Active {
            services.push((id, duration.is_some()));
        }
    }
    let clients = shop_clients(ctx, conn, artisan_id, 15, 3 + 5 * i, true).await?;
    let now = ctx.now;
    let mut created: Vec<DateTime<Utc>> = (0..20)
        .map(|_| now - Duration::days(ctx.range(0, 90)) - Duration::minutes(ctx.range(30, 600)))
        .collect();
    created.sort();
    // The last two were ordered in the last day: one pending, one confirmed.
    created[18] = now - Duration::hours(ctx.range(21, 30));
    created[19] = now - Duration::hours(ctx.range(1, 12));
    for (k, at) in created.into_iter().enumerate() {
        let n_items = if ctx.chance(0.7) { 2 } else { 1 };
        let mut items = Vec::new();
        for _ in 0..n_items {
            let (sid, _) = services[ctx.range(0, services.len() as i64 - 1) as usize];
            if !items.iter().any(|(s, _)| *s == sid) {
                items.push((sid, ctx.range(1, 2) as i32));
            }
        }
        let atelier = items
            .iter()
            .any(|(s, _)| services.iter().any(|(id, a)| id == s && *a));
        let scheduled_for = atelier.then(|| at + Duration::days(ctx.range(3, 20)));
        let client =
            (k % 4 != 3).then(|| clients[ctx.range(0, clients.len() as i64 - 1) as usize].clone());
        let order = artisan_orders::create(
            conn,
            artisan_id,
            &artisan_orders::NewOrder {
                client_id: client.as_ref().map(|c| c.0),
                customer_name: if client.is_none() {
                    Some("Client de passage".into())
                } else {
                    None
                },
                customer_email: None,
                scheduled_for,
                items,
                notes: None,
            },
            at,
        )
        .await?;
        // Lifecycle: confirmed the next day, paid two days later, completed after the
        // prestation; one in ten cancelled before payment, one in twenty after (refund).
        let roll = ctx.range(0, 99);
        let mut steps: Vec<(DateTime<Utc>, ArtisanOrderStatus)> =
            vec![(at + Duration::hours(20), ArtisanOrderStatus::Confirmed)];
        if roll < 10 {
            steps.push((
                at + Duration::days(1) + Duration::hours(2),
                ArtisanOrderStatus::Cancelled,
            ));
        } else {
            steps.push((at + Duration::days(2), ArtisanOrderStatus::Paid));
            if roll < 15 {
                steps.push((at + Duration::days(4), ArtisanOrderStatus::Cancelled));
            } else {
                let done = scheduled_for
                    .map(|s| s + Duration::hours(3))
                    .unwrap_or(at + Duration::days(5));
                steps.push((done, ArtisanOrderStatus::Completed));
            }
        }
        let pay_method = method(ctx);
        for (t, status) in steps {
            if t > now {
                break;
            }
            let payment = (status == ArtisanOrderStatus::Paid).then_some((pay_method, t));
            artisan_orders::set_status(conn, artisan_id, order.id, status, payment, t).await?;
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy)]
enum Ev {
    Create(usize),
    Pay(usize),
    Ship(usize),
    Deliver(usize),
    Cancel(usize),
    Refund(usize),
    Restock(usize, i32),
}

async fn merchant(ctx: &mut Ctx, conn: &mut Conn, i: usize) -> Result<()> {
    let pro = ctx.merchants[i].clone();
    let merchant_id = pro.profile_id;
    let ships = i != 3;
    let setup = ctx.now - Duration::days(100);
    let mut products: Vec<(Uuid, i32)> = Vec::new();
    let prefix: String = pro
        .public_name
        .chars()
        .filter(|c| c.is_ascii_uppercase())
        .take(3)
        .collect();
    for k in 0..15 {
        let (title, category, price, vat) = PRODUCTS[(3 * i + k) % PRODUCTS.len()];
        let threshold = ctx.range(3, 5) as i32;
        let id = catalog::create_product(
            conn,
            merchant_id,
            &ProductInput {
                title: title.into(),
                sku: Some(format!("{prefix}-{:03}", 100 + k)),
                description: Some(format!(
                    "{title}. Sélectionné par l'équipe de {}.",
                    pro.public_name
                )),
                category: Some(category.into()),
                price_ttc_cents: price,
                vat_rate_bp: vat,
                initial_stock: ctx.range(30, 70) as i32,
                low_stock_threshold: threshold,
                images: Vec::new(),
                status: CatalogStatus::Active,
            },
            Some(pro.user_id),
            setup,
        )
        .await?;
        products.push((id, threshold));
    }
    let clients = shop_clients(ctx, conn, merchant_id, 20, 7 + 4 * i, false).await?;
    let now = ctx.now;

    // Orders and their lifecycle, plus réassorts, on one timeline so that `stock_after`
    // follows the order of events.
    struct Planned {
        client: Option<(Uuid, String)>,
        items: Vec<(Uuid, i32)>,
        id: Option<Uuid>,
        method: PaymentMethod,
    }
    let mut orders: Vec<Planned> = Vec::new();
    let mut events: Vec<(DateTime<Utc>, Ev)> = Vec::new();
    let mut created: Vec<DateTime<Utc>> = (0..25)
        .map(|_| now - Duration::days(ctx.range(0, 90)) - Duration::minutes(ctx.range(30, 600)))
        .collect();
    created.sort();
    // The last two came in today and wait for payment.
    created[23] = now - Duration::hours(ctx.range(3, 10));
    created[24] = now - Duration::hours(ctx.range(1, 2));
    let refunded = ctx.range(3, 15) as usize;
    for (k, at) in created.into_iter().enumerate() {
        let n_items = if k == refunded {
            1
        } else {
            ctx.pick(&[1usize, 2, 2, 3, 3])
        };
        let mut items: Vec<(Uuid, i32)> = Vec::new();
        while items.len() < n_items {
            let (pid, _) = products[ctx.range(0, 12) as usize];
            if !items.iter().any(|(p, _)| *p == pid) {
                items.push((pid, ctx.range(1, 3) as i32));
            }
        }
        let client =
            (k % 5 != 4).then(|| clients[ctx.range(0, clients.len() as i64 - 1) as usize].clone());
        let m = method(ctx);
        orders.push(Planned {
            client,
            items,
            id: None,
            method: m,
        });
        events.push((at, Ev::Create(k)));
        let roll = ctx.range(0, 99);
        if roll < 8 && k != refunded {
            events.push((at + Duration::hours(30), Ev::Cancel(k)));
            continue;
        }
        let paid = if k >= 23 {
            at + Duration::days(2)
        } else {
            at + Duration::hours(ctx.range(0, 20))
        };
        events.push((paid, Ev::Pay(k)));
        if ships {
            let shipped = paid + Duration::days(1) + Duration::hours(3);
            events.push((shipped, Ev::Ship(k)));
            events.push((shipped + Duration::days(3), Ev::Deliver(k)));
            if k == refunded {
                events.push((shipped + Duration::days(6), Ev::Refund(k)));
            }
        } else if k == refunded {
            events.push((paid + Duration::days(2), Ev::Refund(k)));
        }
    }
    for r in 0..6 {
        let (pid, _) = products[(r * 2 + i) % 12];
        let q = ctx.range(10, 30) as i32;
        events.push((
            now - Duration::days(80 - 13 * r as i64),
            Ev::Restock((r * 2 + i) % 12, q),
        ));
        let _ = pid;
    }
    events.sort_by_key(|(t, _)| *t);
    for (t, ev) in events {
        if t > now {
            continue;
        }
        match ev {
            Ev::Create(k) => {
                let o = &orders[k];
                let created = merchant_orders::create(
                    conn,
                    merchant_id,
                    &merchant_orders::NewOrder {
                        client_id: o.client.as_ref().map(|c| c.0),
                        customer_name: if o.client.is_none() {
                            Some("Client boutique".into())
                        } else {
                            None
                        },
                        customer_email: None,
                        shipping_address: ships.then(|| format!("{}, {}", pro.city, "France")),
                        items: o.items.clone(),
                        notes: None,
                    },
                    t,
                )
                .await?;
                orders[k].id = Some(created.id);
            }
            Ev::Pay(k) => {
                let Some(id) = orders[k].id else { continue };
                match merchant_orders::pay(conn, merchant_id, id, orders[k].method, t, t).await {
                    Ok(()) => {}
                    // A shortage keeps the order pending, as in the shop.
                    Err(Error::Conflict {
                        code: "INSUFFICIENT_STOCK",
                        ..
                    }) => orders[k].id = None,
                    Err(e) => return Err(e),
                }
            }
            Ev::Ship(k) => {
                let Some(id) = orders[k].id else { continue };
                let tracking = format!("8N{:011}", ctx.range(10_000_000_000, 99_999_999_999));
                merchant_orders::ship(conn, merchant_id, id, Some(&tracking), t).await?;
            }
            Ev::Deliver(k) => {
                let Some(id) = orders[k].id else { continue };
                merchant_orders::deliver(conn, merchant_id, id, t).await?;
            }
            Ev::Cancel(k) => {
                let Some(id) = orders[k].id else { continue };
                merchant_orders::cancel(conn, merchant_id, id, true, t).await?;
            }
            Ev::Refund(k) => {
                let Some(id) = orders[k].id else { continue };
                merchant_orders::refund(conn, merchant_id, id, true, t).await?;
            }
            Ev::Restock(p, q) => {
                record_movement(
                    conn,
                    merchant_id,
                    products[p].0,
                    MovementInput::In(q),
                    Some("Réassort"),
                    None,
                    Some(pro.user_id),
                    t,
                )
                .await?;
            }
        }
    }

    // Yesterday's inventory: one product out of stock (two at the first merchant), one under
    // its threshold, one count correction; two products withdrawn from sale.
    let at = now - Duration::days(1);
    let plan: Vec<(usize, i32)> = match i {
        0 => vec![(13, 0), (14, 0), (12, 2)],
        1 => vec![(13, 0), (12, 1)],
        2 => vec![(12, 2), (14, -1)],
        3 => vec![(14, 2), (12, -1)],
        _ => vec![(14, 2)],
    };
    for (k, target) in plan {
        let (pid, threshold) = products[k];
        let current: i32 = sqlx::query_scalar("SELECT stock_quantity FROM products WHERE id = $1")
            .bind(pid)
            .fetch_one(&mut *conn)
            .await?;
        let counted = if target < 0 {
            (current + target).max(0)
        } else {
            target.min(threshold)
        };
        if counted != current {
            record_movement(
                conn,
                merchant_id,
                pid,
                MovementInput::Adjustment { counted },
                Some("Inventaire"),
                None,
                Some(pro.user_id),
                at,
            )
            .await?;
        }
    }
    if i < 2 {
        catalog::set_product_status(conn, merchant_id, products[10].0, CatalogStatus::Archived)
            .await?;
    }
    Ok(())
}
