//! Practitioners' data (DOMAIN.md §9.3): agenda settings, opening rules, motifs, absences,
//! client files with antecedents, 120 days of past appointments and a month ahead,
//! consultations, invoices (issued in consultation order on the simulated clock, so numbers
//! and issue dates stay chronological), payments, credit notes, resources and client
//! documents. Appointment times are planned without overlap; the exclusion constraint still
//! guards every insert.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::vocabulary::{ANTECEDENTS, CONSULTATION_NOTES, RECOMMENDATIONS, types_for};
use super::{Conn, Ctx, paris};
use crate::Result;
use crate::db::agenda::{
    self, ConsultationNotes, NewAppointment, OnlineBooking, SettingsInput, TypeInput,
};
use crate::db::clients::{self, NewAntecedent, NewClient, NewConsultation};
use crate::db::documents::{self, NewDocument, ResourceInput};
use crate::db::invoices::{self, DraftInput, LineInput};
use crate::domain::slots::Rule;
use crate::domain::{
    AntecedentCategory, AppointmentSource, AppointmentStatus, DocumentCategory, LegalStatus,
    LocationKind, PaymentMethod, ResourceFormat, SkillLevel, VatScheme,
};

const CLIENTS: [usize; 12] = [45, 28, 26, 30, 24, 27, 25, 29, 22, 26, 28, 20];
/// Practitioners invoicing VAT at 20 % (régime réel simplifié); the others are in franchise.
const REEL: [usize; 2] = [5, 10];

#[derive(Debug, Clone)]
struct Ty {
    id: Uuid,
    label: String,
    minutes: i64,
    cents: i32,
    location: LocationKind,
}

#[derive(Debug, Clone)]
struct ClientRec {
    id: Uuid,
    first: String,
    last: String,
    user: Option<Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Completed,
    NoShow,
    CancelledByPro,
    CancelledByClient,
    Scheduled,
    Confirmed,
}

#[derive(Debug, Clone)]
struct Appt {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    ty: usize,
    client: usize,
    fate: Fate,
    booked_at: DateTime<Utc>,
    online: bool,
    id: Option<Uuid>,
}

#[derive(Debug, Clone)]
struct Consult {
    at: DateTime<Utc>,
    /// Ready for invoicing (end of the session).
    done_at: DateTime<Utc>,
    appt: Option<usize>,
    client: usize,
    ty: usize,
    id: Option<Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Payment {
    Paid(DateTime<Utc>, PaymentMethod),
    Unpaid { due_days: i64 },
    Draft,
}

#[derive(Debug, Clone)]
struct Inv {
    consult: usize,
    issue_at: DateTime<Utc>,
    payment: Payment,
    credit: Option<DateTime<Utc>>,
    extra_line: bool,
    id: Option<Uuid>,
}

#[derive(Debug, Clone, Copy)]
enum Ev {
    Book(usize),
    Confirm(usize),
    Finish(usize),
    Cancel(usize),
    Standalone(usize),
    Invoice(usize),
    Pay(usize),
    Credit(usize),
}

struct P {
    idx: usize,
    practitioner_id: Uuid,
    user_id: Uuid,
    address: String,
    buffer: i64,
    window_h: i64,
    rules: Vec<Rule>,
    types: Vec<Ty>,
    clients: Vec<ClientRec>,
    busy: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    appts: Vec<Appt>,
    consults: Vec<Consult>,
    invoices: Vec<Inv>,
    vat: bool,
}

pub(crate) async fn seed(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    // 25 client files linked to member accounts: pass@ at Claire's and at the third
    // practitioner's, free@ at the second's, then 22 more.
    let mut links: Vec<(usize, usize)> = vec![(0, 0), (2, 0), (1, 1)];
    for k in 0..22usize {
        links.push((k % 12, 2 + (k * 7) % 43));
    }
    let mut all = Vec::new();
    for idx in 0..ctx.practitioners.len() {
        let member_links: Vec<usize> = links
            .iter()
            .filter(|(p, _)| *p == idx)
            .map(|(_, m)| *m)
            .collect();
        let p = practitioner(ctx, conn, idx, &member_links).await?;
        all.push(p);
    }
    // Bookings made in the last hours, once every planned appointment is in place: they go
    // through the public slot computation and the booking transaction.
    recent_online_bookings(ctx, conn, &mut all).await?;
    reschedules(ctx, conn, &all).await?;
    Ok(())
}

async fn practitioner(
    ctx: &mut Ctx,
    conn: &mut Conn,
    idx: usize,
    member_links: &[usize],
) -> Result<P> {
    let pro = ctx.practitioners[idx].clone();
    let setup_at = pro.active_since + Duration::days(1);
    let address: String = sqlx::query_scalar("SELECT COALESCE(address_line, '') || ', ' || COALESCE(city, '') FROM practitioner_profiles WHERE id = $1")
        .bind(pro.profile_id)
        .fetch_one(&mut *conn)
        .await?;

    // Settings: Claire keeps a 15-minute pause; two practitioners cancel 48 h ahead, one of
    // them takes no new clients.
    let current = agenda::settings(conn, pro.profile_id).await?;
    let mut s = SettingsInput::from(&current);
    if idx == 0 {
        s.buffer_min = 15;
        s.cancellation_window_hours = 24;
    }
    if idx == 3 || idx == 8 {
        s.cancellation_window_hours = 48;
    }
    if idx == 8 {
        s.accept_new_clients = false;
    }
    agenda::update_settings(conn, pro.profile_id, &s, setup_at).await?;

    let mut rules = Vec::new();
    for weekday in 1..=5 {
        rules.push(Rule {
            weekday,
            start_minute: 540,
            end_minute: 720,
            location_kind: None,
        });
        rules.push(Rule {
            weekday,
            start_minute: 840,
            end_minute: 1110,
            location_kind: None,
        });
    }
    if [0, 2, 5, 9].contains(&idx) {
        rules.push(Rule {
            weekday: 6,
            start_minute: 540,
            end_minute: 720,
            location_kind: None,
        });
    }
    agenda::replace_rules(conn, pro.profile_id, &rules, setup_at).await?;

    // Motifs: the two defaults become the specialty's first two, more are added.
    let catalogue = types_for(&pro.specialty);
    let wanted = 2 + idx % 3;
    let visio = [0, 3, 6, 9].contains(&idx);
    let existing = agenda::types(conn, pro.profile_id).await?;
    let mut types = Vec::new();
    let count = if visio && wanted == 2 { 3 } else { wanted };
    for k in 0..count {
        let (label, minutes, euros) = catalogue[k];
        let location = if visio && k == count - 1 {
            LocationKind::Visio
        } else {
            LocationKind::Cabinet
        };
        let label = if location == LocationKind::Visio {
            format!("{label} (visio)")
        } else {
            label.to_owned()
        };
        let input = TypeInput {
            label: label.clone(),
            group_label: Some(if k == 0 {
                "Premier rendez-vous".into()
            } else {
                "Suivi".into()
            }),
            duration_min: minutes,
            price_cents: euros * 100,
            location_kind: location,
            color: Some(["#2E7D6B", "#C2185B", "#1565C0", "#F9A825"][k % 4].into()),
            online_bookable: true,
            position: k as i16,
        };
        let id = match existing.get(k) {
            Some(t) => {
                agenda::update_type(conn, pro.profile_id, t.id, &input).await?;
                t.id
            }
            None => agenda::create_type(conn, pro.profile_id, &input, setup_at).await?,
        };
        types.push(Ty {
            id,
            label,
            minutes: minutes.into(),
            cents: euros * 100,
            location,
        });
    }

    let vat = REEL.contains(&idx);
    if vat {
        let siret: String =
            sqlx::query_scalar("SELECT siret::text FROM practitioner_profiles WHERE id = $1")
                .bind(pro.profile_id)
                .fetch_one(&mut *conn)
                .await?;
        let siren: u64 = siret[..9].parse().unwrap_or(0);
        let key = (12 + 3 * (siren % 97)) % 97;
        crate::db::precompta::set_tax_settings(
            conn,
            pro.user_id,
            &crate::db::precompta::TaxSettings {
                legal_status: LegalStatus::Ei,
                vat_scheme: VatScheme::ReelSimplifie,
                default_vat_rate_bp: 2000,
                vat_number: Some(format!("FR{key:02}{}", &siret[..9])),
                iban: Some("FR7630006000011234567890189".into()),
                bic: Some("AGRIFRPP".into()),
                bank_name: Some("Crédit Agricole".into()),
            },
        )
        .await?;
    }

    let mut p = P {
        idx,
        practitioner_id: pro.profile_id,
        user_id: pro.user_id,
        address,
        buffer: s.buffer_min.into(),
        window_h: s.cancellation_window_hours.into(),
        rules,
        types,
        clients: Vec::new(),
        busy: Vec::new(),
        appts: Vec::new(),
        consults: Vec::new(),
        invoices: Vec::new(),
        vat,
    };
    blocks(ctx, conn, &mut p).await?;
    client_files(ctx, conn, &mut p, member_links).await?;
    plan_appointments(ctx, &mut p);
    plan_invoices(ctx, &mut p);
    replay(ctx, conn, &mut p).await?;
    resources_and_documents(ctx, conn, &mut p).await?;
    // One unlinked client per practitioner (but the first and the last) left the practice.
    if (1..=10).contains(&idx)
        && let Some(c) = p.clients.iter().rev().find(|c| c.user.is_none())
    {
        clients::set_archived(
            conn,
            p.practitioner_id,
            c.id,
            true,
            ctx.now - Duration::days(7),
        )
        .await?;
    }
    Ok(p)
}

async fn blocks(ctx: &mut Ctx, conn: &mut Conn, p: &mut P) -> Result<()> {
    let today = ctx.today();
    let mut list: Vec<(DateTime<Utc>, DateTime<Utc>, &str)> = Vec::new();
    if p.idx == 1 || p.idx == 4 {
        list.push((
            paris(today + Duration::days(10), 0),
            paris(today + Duration::days(15), 0),
            "Congés",
        ));
    }
    let formation_day = today - Duration::days(30 + 5 * p.idx as i64);
    list.push((
        paris(formation_day, 480),
        paris(formation_day, 1140),
        "Journée de formation continue",
    ));
    if [2, 5, 7, 9, 11].contains(&p.idx) {
        let d = today - Duration::days(95 - p.idx as i64);
        list.push((paris(d, 0), paris(d + Duration::days(5), 0), "Congés"));
    }
    if p.idx == 0 {
        let d = today + Duration::days(3);
        list.push((paris(d, 840), paris(d, 960), "Rendez-vous personnel"));
    }
    for (start, end, reason) in list {
        let created = (start - Duration::days(20)).min(ctx.now);
        agenda::create_block(conn, p.practitioner_id, start, end, Some(reason), created).await?;
        p.busy.push((start, end));
    }
    Ok(())
}

async fn client_files(
    ctx: &mut Ctx,
    conn: &mut Conn,
    p: &mut P,
    member_links: &[usize],
) -> Result<()> {
    let n = CLIENTS[p.idx];
    let created_base = ctx.practitioners[p.idx].active_since + Duration::days(2);
    for k in 0..n {
        let linked = member_links.get(k).map(|m| ctx.members[*m].clone());
        let client = match &linked {
            Some(m) => NewClient {
                first_name: m.first.clone(),
                last_name: m.last.clone(),
                email: Some(m.email.clone()),
                phone: Some(m.phone.clone()),
                birth_date: Some(ctx.birth_date()),
                address_line: Some(m.address.clone()),
                city: Some(m.city.to_owned()),
                postal_code: Some(m.postal.to_owned()),
                user_id: Some(m.user_id),
                ..Default::default()
            },
            None => {
                let (first, last) = ctx.person();
                let email = ctx
                    .chance(0.7)
                    .then(|| ctx.email(&first, &last, "exemple.test"));
                let (city, postal) = if ctx.chance(0.6) {
                    (
                        ctx.practitioners[p.idx].city,
                        postal_of(ctx.practitioners[p.idx].city),
                    )
                } else {
                    ctx.city()
                };
                NewClient {
                    company_name: ctx.chance(0.04).then(|| format!("{last} Conseil SARL")),
                    email,
                    phone: ctx.chance(0.85).then(|| ctx.phone()),
                    birth_date: ctx.chance(0.8).then(|| ctx.birth_date()),
                    address_line: Some(ctx.address()),
                    city: Some(city.to_owned()),
                    postal_code: Some(postal.to_owned()),
                    notes: ctx.chance(0.3).then(|| {
                        "Adressée par une amie. Préfère les rendez-vous en fin de journée."
                            .to_owned()
                    }),
                    first_name: first,
                    last_name: last,
                    user_id: None,
                }
            }
        };
        let at = (created_base + Duration::hours(7 * k as i64)).min(ctx.now);
        let id = clients::create_client(conn, p.practitioner_id, &client, at).await?;
        let count = ctx.pick(&[0usize, 1, 1, 1, 2, 2, 3]);
        let mut items = Vec::new();
        for _ in 0..count {
            let (cat, label) = ctx.pick(&ANTECEDENTS);
            if items.iter().any(|a: &NewAntecedent| a.label == label) {
                continue;
            }
            items.push(NewAntecedent {
                category: cat.parse::<AntecedentCategory>()?,
                label: label.to_owned(),
                details: ctx
                    .chance(0.3)
                    .then(|| "Signalé lors du premier rendez-vous.".to_owned()),
                since_year: ctx.chance(0.5).then(|| ctx.range(1995, 2024) as i16),
            });
        }
        clients::add_antecedents(conn, p.practitioner_id, id, &items, at).await?;
        p.clients.push(ClientRec {
            id,
            first: client.first_name,
            last: client.last_name,
            user: client.user_id,
        });
    }
    Ok(())
}

fn postal_of(city: &str) -> &'static str {
    super::vocabulary::CITIES
        .iter()
        .find(|(c, _)| *c == city)
        .map(|(_, p)| *p)
        .unwrap_or("21000")
}

fn free(p: &P, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    let hold = end + Duration::minutes(p.buffer);
    p.busy.iter().all(|(s, e)| hold <= *s || *e <= start)
}

/// A start inside the opening rules of a day in `days`, free of the planned appointments.
fn find_time(
    ctx: &mut Ctx,
    p: &P,
    days: (i64, i64),
    minutes: i64,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let today = ctx.today();
    for _ in 0..60 {
        let date: NaiveDate = today + Duration::days(ctx.range(days.0, days.1));
        let weekday = date.weekday().number_from_monday() as i16;
        let windows: Vec<&Rule> = p.rules.iter().filter(|r| r.weekday == weekday).collect();
        if windows.is_empty() {
            continue;
        }
        let r = windows[ctx.range(0, windows.len() as i64 - 1) as usize];
        let latest = i64::from(r.end_minute) - minutes;
        if latest < i64::from(r.start_minute) {
            continue;
        }
        let steps = (latest - i64::from(r.start_minute)) / 15;
        let minute = i64::from(r.start_minute) + 15 * ctx.range(0, steps);
        let start = paris(date, minute);
        let end = start + Duration::minutes(minutes);
        if free(p, start, end) {
            return Some((start, end));
        }
    }
    None
}

fn pick_client(ctx: &mut Ctx, p: &P, prefer_linked: bool) -> usize {
    let linked: Vec<usize> = (0..p.clients.len())
        .filter(|i| p.clients[*i].user.is_some())
        .collect();
    if prefer_linked && !linked.is_empty() {
        return linked[ctx.range(0, linked.len() as i64 - 1) as usize];
    }
    // Regulars: the first third of the files gets half of the visits.
    let n = p.clients.len() as i64;
    if ctx.chance(0.5) {
        ctx.range(0, n / 3) as usize
    } else {
        ctx.range(0, n - 1) as usize
    }
}

fn plan_appointments(ctx: &mut Ctx, p: &mut P) {
    let past = if p.idx == 0 { 42 } else { 37 };
    let upcoming = ctx.range(10, 14);
    let now = ctx.now;
    let mut planned: Vec<Appt> = Vec::new();
    let mut push = |p: &mut P, a: Appt| {
        p.busy.push((a.start, a.end + Duration::minutes(p.buffer)));
        planned.push(a);
    };
    for _ in 0..past {
        let ty = ctx.range(0, p.types.len() as i64 - 1) as usize;
        let Some((start, end)) = find_time(ctx, p, (-120, -1), p.types[ty].minutes) else {
            continue;
        };
        let prefer = ctx.chance(0.15);
        let client = pick_client(ctx, p, prefer);
        let roll = ctx.range(0, 99);
        let linked = p.clients[client].user.is_some();
        let fate = match roll {
            0..=79 => Fate::Completed,
            80..=87 => Fate::NoShow,
            _ if linked => Fate::CancelledByClient,
            _ => Fate::CancelledByPro,
        };
        let booked_at =
            start - Duration::days(ctx.range(3, 21)) - Duration::minutes(ctx.range(0, 600));
        let online = linked && ctx.chance(0.2);
        push(
            p,
            Appt {
                start,
                end,
                ty,
                client,
                fate,
                booked_at,
                online,
                id: None,
            },
        );
    }
    // Two today, at 10:00 and 15:30 (moved by an hour when taken), entered by the practitioner.
    let today = ctx.today();
    for base in [600i64, 930] {
        let ty = 0;
        for shift in 0..4 {
            let start = paris(today, base + 60 * shift);
            let end = start + Duration::minutes(p.types[ty].minutes);
            if free(p, start, end) {
                let client = pick_client(ctx, p, false);
                let booked_at = now - Duration::days(ctx.range(2, 10));
                let fate = if ctx.chance(0.5) {
                    Fate::Confirmed
                } else {
                    Fate::Scheduled
                };
                push(
                    p,
                    Appt {
                        start,
                        end,
                        ty,
                        client,
                        fate,
                        booked_at,
                        online: false,
                        id: None,
                    },
                );
                break;
            }
        }
    }
    // pass@ at Claire's tomorrow-ish: inside the 24 h window, so no longer cancellable online.
    if p.idx == 0 {
        let target = now + Duration::hours(18);
        let mut start = target
            - Duration::minutes(i64::from(target.minute()) % 15)
            - Duration::seconds(i64::from(target.second()));
        start = start.with_nanosecond(0).unwrap_or(start);
        let ty = 1;
        let client = p
            .clients
            .iter()
            .position(|c| c.user == Some(ctx.members[0].user_id))
            .unwrap_or(0);
        for _ in 0..12 {
            let end = start + Duration::minutes(p.types[ty].minutes);
            if free(p, start, end) {
                let booked_at = now - Duration::days(6);
                push(
                    p,
                    Appt {
                        start,
                        end,
                        ty,
                        client,
                        fate: Fate::Confirmed,
                        booked_at,
                        online: false,
                        id: None,
                    },
                );
                break;
            }
            start += Duration::minutes(30);
        }
    }
    for _ in 0..upcoming {
        let ty = ctx.range(0, p.types.len() as i64 - 1) as usize;
        let Some((start, end)) = find_time(ctx, p, (1, 30), p.types[ty].minutes) else {
            continue;
        };
        let prefer = ctx.chance(0.35);
        let client = pick_client(ctx, p, prefer);
        let fate = if ctx.chance(0.3) {
            Fate::Confirmed
        } else {
            Fate::Scheduled
        };
        let booked_at =
            now - Duration::days(ctx.range(1, 14)) - Duration::minutes(ctx.range(30, 600));
        let online = p.clients[client].user.is_some() && ctx.chance(0.35);
        push(
            p,
            Appt {
                start,
                end,
                ty,
                client,
                fate,
                booked_at,
                online,
                id: None,
            },
        );
    }
    planned.sort_by_key(|a| a.start);
    p.appts = planned;
}

fn plan_invoices(ctx: &mut Ctx, p: &mut P) {
    let now = ctx.now;
    // Consultations: completed appointments, plus sessions entered without appointment.
    for (i, a) in p.appts.iter().enumerate() {
        if a.fate == Fate::Completed {
            p.consults.push(Consult {
                at: a.start,
                done_at: a.end,
                appt: Some(i),
                client: a.client,
                ty: a.ty,
                id: None,
            });
        }
    }
    let standalone = if p.idx < 2 { 5 } else { 4 };
    for _ in 0..standalone {
        let ty = ctx.range(0, p.types.len() as i64 - 1) as usize;
        let days = ctx.range(2, 115);
        let at = paris(ctx.today() - Duration::days(days), 60 * ctx.range(9, 17));
        let client = pick_client(ctx, p, false);
        let done_at = at + Duration::minutes(p.types[ty].minutes);
        p.consults.push(Consult {
            at,
            done_at,
            appt: None,
            client,
            ty,
            id: None,
        });
    }
    p.consults.sort_by_key(|c| c.at);
    let n = p.consults.len();
    let mut overdue_left = usize::from([1, 4, 7, 10].contains(&p.idx));
    for c in 0..n {
        let at = p.consults[c].done_at;
        if at >= now {
            continue;
        }
        let recent = at >= now - Duration::days(20);
        let draft = c + 2 >= n;
        if !draft && !ctx.chance(0.85) {
            continue;
        }
        let issue_at = at + Duration::minutes(30);
        let payment = if draft {
            Payment::Draft
        } else if recent && ctx.chance(0.35) {
            Payment::Unpaid { due_days: 30 }
        } else if overdue_left > 0
            && at < now - Duration::days(40)
            && at > now - Duration::days(90)
            && ctx.chance(0.2)
        {
            overdue_left -= 1;
            Payment::Unpaid { due_days: 15 }
        } else {
            let method = match ctx.range(0, 99) {
                0..=44 => PaymentMethod::Card,
                45..=69 => PaymentMethod::Cheque,
                70..=89 => PaymentMethod::Cash,
                _ => PaymentMethod::Transfer,
            };
            let delay = match method {
                PaymentMethod::Card | PaymentMethod::Cash => Duration::minutes(35),
                PaymentMethod::Cheque => Duration::days(ctx.range(0, 10)) + Duration::hours(1),
                _ => Duration::days(ctx.range(2, 15)),
            };
            Payment::Paid((issue_at + delay).min(now - Duration::minutes(1)), method)
        };
        let extra_line = ctx.chance(0.15);
        p.invoices.push(Inv {
            consult: c,
            issue_at: issue_at.min(now),
            payment,
            credit: None,
            extra_line,
            id: None,
        });
    }
    // Claire: three credit notes — one on a paid invoice (refund), two on unpaid ones.
    if p.idx == 0 {
        let window: Vec<usize> = (0..p.invoices.len())
            .filter(|i| {
                let t = p.invoices[*i].issue_at;
                t > now - Duration::days(100)
                    && t < now - Duration::days(30)
                    && p.invoices[*i].payment != Payment::Draft
            })
            .collect();
        for (k, i) in window.iter().step_by(4).take(3).enumerate() {
            let inv = &mut p.invoices[*i];
            if k == 0 {
                let paid_at = inv.issue_at + Duration::minutes(10);
                inv.payment = Payment::Paid(paid_at, PaymentMethod::Card);
                inv.credit = Some(paid_at + Duration::days(6));
            } else {
                inv.payment = Payment::Unpaid { due_days: 30 };
                inv.credit = Some(inv.issue_at + Duration::days(3));
            }
        }
    }
}

async fn replay(ctx: &mut Ctx, conn: &mut Conn, p: &mut P) -> Result<()> {
    let now = ctx.now;
    let mut events: Vec<(DateTime<Utc>, Ev)> = Vec::new();
    for (i, a) in p.appts.iter().enumerate() {
        events.push((a.booked_at, Ev::Book(i)));
        match a.fate {
            Fate::Confirmed => events.push((a.booked_at + Duration::hours(2), Ev::Confirm(i))),
            Fate::Completed | Fate::NoShow => {
                events.push((a.end + Duration::minutes(5), Ev::Finish(i)))
            }
            Fate::CancelledByPro => {
                events.push((a.start - Duration::hours(ctx.range(2, 30)), Ev::Cancel(i)))
            }
            Fate::CancelledByClient => {
                let at = a.booked_at + (a.start - a.booked_at) / 3;
                events.push((at, Ev::Cancel(i)));
            }
            Fate::Scheduled => {}
        }
    }
    for (c, consult) in p.consults.iter().enumerate() {
        if consult.appt.is_none() {
            events.push((consult.done_at + Duration::minutes(5), Ev::Standalone(c)));
        }
    }
    for (v, inv) in p.invoices.iter().enumerate() {
        events.push((inv.issue_at, Ev::Invoice(v)));
        if let Payment::Paid(at, _) = inv.payment {
            events.push((at, Ev::Pay(v)));
        }
        if let Some(at) = inv.credit {
            events.push((at, Ev::Credit(v)));
        }
    }
    // Stable: events at the same instant keep their insertion order (issue before payment).
    events.sort_by_key(|(t, _)| *t);

    for (at, ev) in events {
        let at = at.min(now);
        match ev {
            Ev::Book(i) => book(conn, p, i, at).await?,
            Ev::Confirm(i) => {
                let id = p.appts[i].id.expect("booked");
                agenda::set_status(
                    conn,
                    p.practitioner_id,
                    id,
                    AppointmentStatus::Confirmed,
                    None,
                    at,
                )
                .await?;
            }
            Ev::Finish(i) => {
                let a = p.appts[i].clone();
                let id = a.id.expect("booked");
                if a.fate == Fate::Completed {
                    let notes = ConsultationNotes {
                        notes: Some(ctx.pick(&CONSULTATION_NOTES).to_owned()),
                        recommendations: Some(ctx.pick(&RECOMMENDATIONS).to_owned()),
                    };
                    let consultation = agenda::set_status(
                        conn,
                        p.practitioner_id,
                        id,
                        AppointmentStatus::Completed,
                        Some(&notes),
                        at,
                    )
                    .await?;
                    if let Some(c) = p.consults.iter_mut().find(|c| c.appt == Some(i)) {
                        c.id = consultation;
                    }
                } else {
                    agenda::set_status(
                        conn,
                        p.practitioner_id,
                        id,
                        AppointmentStatus::NoShow,
                        None,
                        at,
                    )
                    .await?;
                }
            }
            Ev::Cancel(i) => {
                let a = p.appts[i].clone();
                let id = a.id.expect("booked");
                match (a.fate, p.clients[a.client].user) {
                    (Fate::CancelledByClient, Some(user))
                        if at <= a.start - Duration::hours(p.window_h) =>
                    {
                        agenda::cancel_by_user(conn, user, id, Some("Empêchement"), at).await?;
                    }
                    _ => {
                        agenda::cancel_by_practitioner(
                            conn,
                            p.practitioner_id,
                            id,
                            Some("Indisponibilité du praticien"),
                            at,
                        )
                        .await?;
                    }
                }
            }
            Ev::Standalone(c) => {
                let consult = p.consults[c].clone();
                let ty = p.types[consult.ty].clone();
                let id = clients::create_consultation(
                    conn,
                    p.practitioner_id,
                    &NewConsultation {
                        client_id: p.clients[consult.client].id,
                        appointment_id: None,
                        occurred_at: consult.at,
                        motif: ty.label.clone(),
                        notes: Some(ctx.pick(&CONSULTATION_NOTES).to_owned()),
                        recommendations: Some(ctx.pick(&RECOMMENDATIONS).to_owned()),
                        duration_min: Some(ty.minutes as i16),
                        price_cents: Some(ty.cents),
                    },
                    at,
                )
                .await?;
                p.consults[c].id = Some(id);
            }
            Ev::Invoice(v) => invoice(conn, p, v, at).await?,
            Ev::Pay(v) => {
                if let (Some(id), Payment::Paid(paid_at, method)) =
                    (p.invoices[v].id, p.invoices[v].payment)
                {
                    invoices::mark_paid(conn, p.practitioner_id, id, paid_at, method, at).await?;
                }
            }
            Ev::Credit(v) => {
                if let Some(id) = p.invoices[v].id {
                    invoices::credit_note(
                        conn,
                        p.practitioner_id,
                        id,
                        "Erreur de facturation",
                        None,
                        at,
                    )
                    .await?;
                }
            }
        }
    }
    Ok(())
}

async fn book(conn: &mut Conn, p: &mut P, i: usize, at: DateTime<Utc>) -> Result<()> {
    let a = p.appts[i].clone();
    let ty = p.types[a.ty].clone();
    let client = p.clients[a.client].clone();
    let online = a.online && client.user.is_some();
    let id = agenda::book_appointment(
        conn,
        p.practitioner_id,
        &NewAppointment {
            client_id: Some(client.id),
            appointment_type_id: Some(ty.id),
            booked_by_user_id: if online { client.user } else { None },
            title: format!("{} – {} {}", ty.label, client.first, client.last),
            description: online.then(|| "Réservé en ligne.".to_owned()),
            starts_at: a.start,
            ends_at: a.end,
            location_kind: ty.location,
            location_text: (ty.location == LocationKind::Cabinet).then(|| p.address.clone()),
            visio_url: (ty.location == LocationKind::Visio).then(|| {
                format!(
                    "https://visio.spymeo.fr/salle/{}",
                    &client.id.simple().to_string()[..12]
                )
            }),
            price_cents: Some(ty.cents),
            status: AppointmentStatus::Scheduled,
            source: if online {
                AppointmentSource::Online
            } else {
                AppointmentSource::Pro
            },
            cancel_token_hash: None,
            rescheduled_from_id: None,
        },
        at,
    )
    .await?;
    p.appts[i].id = Some(id);
    Ok(())
}

async fn invoice(conn: &mut Conn, p: &mut P, v: usize, at: DateTime<Utc>) -> Result<()> {
    let inv = p.invoices[v].clone();
    let consult = p.consults[inv.consult].clone();
    let ty = p.types[consult.ty].clone();
    let service_date = crate::domain::paris_date(consult.at);
    let due_date = match inv.payment {
        Payment::Unpaid { due_days } => Some(service_date + Duration::days(due_days)),
        _ => None,
    };
    let id = invoices::create_draft(
        conn,
        p.practitioner_id,
        &DraftInput {
            client_id: p.clients[consult.client].id,
            consultation_id: consult.id,
            service_date: Some(service_date),
            due_date,
            notes: None,
        },
        at,
    )
    .await?;
    // Under the real regime the displayed price is TTC: the line carries its HT part.
    let (unit, rate) = if p.vat {
        (
            crate::domain::money::div_round(i128::from(ty.cents) * 10_000, 12_000) as i32,
            2000,
        )
    } else {
        (ty.cents, 0)
    };
    invoices::add_line(
        conn,
        p.practitioner_id,
        id,
        &LineInput {
            label: format!("{} – {} min", ty.label, ty.minutes),
            quantity_hundredths: 100,
            unit_price_ht_cents: unit,
            vat_rate_bp: rate,
        },
        at,
    )
    .await?;
    if inv.extra_line {
        let (label, cents) = if p.idx == 0 {
            ("Mélange de plantes sur mesure (100 g)", 1200)
        } else {
            ("Fiche conseils personnalisée", 800)
        };
        invoices::add_line(
            conn,
            p.practitioner_id,
            id,
            &LineInput {
                label: label.into(),
                quantity_hundredths: 100,
                unit_price_ht_cents: cents,
                vat_rate_bp: if p.vat { 550 } else { 0 },
            },
            at,
        )
        .await?;
    }
    if inv.payment != Payment::Draft {
        invoices::issue(conn, p.practitioner_id, id, at).await?;
    }
    p.invoices[v].id = Some(id);
    Ok(())
}

async fn resources_and_documents(ctx: &mut Ctx, conn: &mut Conn, p: &mut P) -> Result<()> {
    let now = ctx.now;
    let titles = [
        (
            "Fiche respiration : cohérence cardiaque",
            "Respiration",
            ResourceFormat::Pdf,
        ),
        (
            "Programme alimentaire sur quatre semaines",
            "Alimentation",
            ResourceFormat::Sheet,
        ),
        (
            "Guide des huiles essentielles du quotidien",
            "Aromathérapie",
            ResourceFormat::Doc,
        ),
        (
            "Méditation guidée du soir",
            "Relaxation",
            ResourceFormat::Audio,
        ),
    ];
    let mut own = Vec::new();
    for k in 0..3 {
        let (title, category, format) = titles[(p.idx + k) % titles.len()];
        let id = documents::create_resource(
            conn,
            Some(p.practitioner_id),
            &ResourceInput {
                title: title.into(),
                description: Some("Support remis aux clients en fin de séance.".into()),
                category: Some(category.into()),
                format,
                level: Some(SkillLevel::Debutant),
                tags: vec![category.to_lowercase()],
                storage_key: Some(format!(
                    "resources/{}/{}",
                    p.practitioner_id,
                    crate::slug::slugify(title)
                )),
                external_url: None,
                size_bytes: Some(ctx.range(50_000, 4_000_000)),
                cover_url: None,
                shareable: k != 2,
                featured: false,
            },
            now - Duration::days(ctx.range(30, 200)),
        )
        .await?;
        own.push(id);
    }
    // Client files: a "bilan" for most regular clients; linked clients see some of theirs.
    let files = if p.idx == 0 { 14 } else { 8 };
    let mut shared_budget = if p.idx < 6 { 3 } else { 2 };
    for k in 0..files {
        let c = k % p.clients.len();
        let client = p.clients[c].clone();
        let shared = match client.user {
            Some(user) if shared_budget > 0 => {
                shared_budget -= 1;
                Some(user)
            }
            _ => None,
        };
        let title = if k % 2 == 0 {
            format!("Bilan de vitalité – {} {}", client.first, client.last)
        } else {
            format!("Compte rendu de séance – {}", client.last)
        };
        documents::create_document(
            conn,
            p.user_id,
            &NewDocument {
                category: DocumentCategory::ClientFile,
                client_id: Some(client.id),
                shared_with_user_id: shared,
                appointment_id: None,
                resource_id: None,
                title,
                mime_type: "application/pdf".into(),
                storage_key: Some(format!("clients/{}/{}.pdf", client.id, k)),
                size_bytes: Some(ctx.range(40_000, 900_000)),
            },
            now - Duration::days(ctx.range(1, 100)),
        )
        .await?;
    }
    // Shared resources: to linked clients first.
    let shares = if p.idx < 2 { 2 } else { 1 };
    let mut targets: Vec<usize> = (0..p.clients.len())
        .filter(|c| p.clients[*c].user.is_some())
        .collect();
    targets.extend(
        (0..p.clients.len())
            .filter(|c| p.clients[*c].user.is_none())
            .take(3),
    );
    for k in 0..shares {
        let c = targets[(k + p.idx) % targets.len()];
        documents::share_resource(
            conn,
            p.practitioner_id,
            own[k % 2],
            p.clients[c].id,
            now - Duration::days(ctx.range(1, 40)),
        )
        .await?;
    }
    Ok(())
}

/// pass@ books a visit with Claire next week and free@ with the second practitioner, through
/// the public slot computation and booking transaction.
async fn recent_online_bookings(ctx: &mut Ctx, conn: &mut Conn, all: &mut [P]) -> Result<()> {
    let now = ctx.now;
    let today = ctx.today();
    for (pi, member, from_day) in [(0usize, 0usize, 4i64), (1, 1, 2), (2, 0, 8)] {
        let p = &all[pi];
        let m = ctx.members[member].clone();
        let ty = p
            .types
            .iter()
            .find(|t| t.location == LocationKind::Cabinet)
            .cloned()
            .unwrap_or_else(|| p.types[0].clone());
        let at = now - Duration::hours(2);
        let slots = agenda::available_slots(
            conn,
            p.practitioner_id,
            ty.id,
            today + Duration::days(from_day),
            today + Duration::days(from_day + 14),
            at,
        )
        .await?;
        let Some(slot) = slots.get(slots.len() / 3) else {
            continue;
        };
        agenda::book_online(
            conn,
            p.practitioner_id,
            &OnlineBooking {
                appointment_type_id: ty.id,
                start: slot.start,
                location_kind: None,
                first_name: m.first.clone(),
                last_name: m.last.clone(),
                email: m.email.clone(),
                phone: Some(m.phone.clone()),
                message: Some("Premier rendez-vous pris en ligne, merci !".into()),
                user_id: Some(m.user_id),
                cancel_token_hash: None,
            },
            at,
        )
        .await?;
    }
    Ok(())
}

/// Five members move an upcoming appointment to another offered slot (old one CANCELLED
/// "Déplacé", new one with `rescheduled_from_id`).
async fn reschedules(ctx: &mut Ctx, conn: &mut Conn, all: &[P]) -> Result<()> {
    let now = ctx.now;
    let at = now - Duration::minutes(30);
    let mut done = 0;
    for p in all {
        if done == 5 {
            break;
        }
        let candidate = p.appts.iter().find(|a| {
            matches!(a.fate, Fate::Scheduled | Fate::Confirmed)
                && p.clients[a.client].user.is_some()
                && a.start > now + Duration::hours(p.window_h + 48)
                && p.types[a.ty].location == LocationKind::Cabinet
        });
        let Some(a) = candidate else { continue };
        let (Some(id), Some(user)) = (a.id, p.clients[a.client].user) else {
            continue;
        };
        let day = crate::domain::paris_date(a.start);
        let slots = agenda::available_slots(
            conn,
            p.practitioner_id,
            p.types[a.ty].id,
            day + Duration::days(1),
            day + Duration::days(8),
            at,
        )
        .await?;
        let Some(slot) = slots.get(slots.len() / 2) else {
            continue;
        };
        agenda::reschedule_by_user(conn, user, id, slot.start, at).await?;
        done += 1;
    }
    Ok(())
}

use chrono::Timelike;
