//! Bookable slots of a practitioner (DOMAIN.md §7.1, "Slot generation"). Pure: the caller
//! loads the settings, rules, the appointment type and the busy ranges (active appointments
//! `[starts_at, busy_until)` and blocks `[starts_at, ends_at)`) and passes the clock.
//!
//! Rules are wall-clock minutes in the practitioner's time zone. At the spring change a local
//! time that does not exist moves forward to the first valid instant; at the autumn change an
//! ambiguous local time takes the earlier instant (the summer offset).

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::LocationKind;

#[derive(Debug, Clone)]
pub struct SlotSettings {
    pub timezone: Tz,
    pub slot_step_min: i64,
    pub buffer_min: i64,
    pub min_notice_min: i64,
    pub booking_horizon_days: i64,
    pub allowed_locations: Vec<LocationKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// ISO weekday, 1 = Monday.
    pub weekday: i16,
    pub start_minute: i16,
    pub end_minute: i16,
    pub location_kind: Option<LocationKind>,
}

#[derive(Debug, Clone, Copy)]
pub struct SlotType {
    pub id: Uuid,
    pub duration_min: i64,
    pub location_kind: LocationKind,
}

/// A half-open busy range `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub appointment_type_id: Uuid,
}

/// The instant of local `date` + `minute` (0..=1440) in `tz`, with the DST policy above.
pub fn local_instant(tz: Tz, date: NaiveDate, minute: i64) -> DateTime<Utc> {
    let naive: NaiveDateTime =
        date.and_hms_opt(0, 0, 0).expect("midnight exists") + Duration::minutes(minute);
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.with_timezone(&Utc).min(b.with_timezone(&Utc)),
        LocalResult::None => {
            // Inside a spring-forward gap: the first minute that exists is the transition
            // instant. Gaps are at most a few hours anywhere in the tz database.
            (1..=24 * 60)
                .find_map(
                    |k| match tz.from_local_datetime(&(naive + Duration::minutes(k))) {
                        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
                        LocalResult::Ambiguous(a, b) => {
                            Some(a.with_timezone(&Utc).min(b.with_timezone(&Utc)))
                        }
                        LocalResult::None => None,
                    },
                )
                .expect("a DST gap ends within a day")
        }
    }
}

fn overlaps(a_start: DateTime<Utc>, a_end: DateTime<Utc>, b: &Busy) -> bool {
    a_start < b.end && b.start < a_end
}

/// Slots for local dates `from..=to`, sorted by start.
pub fn slots(
    settings: &SlotSettings,
    rules: &[Rule],
    ty: &SlotType,
    busy: &[Busy],
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<Slot> {
    let mut out = Vec::new();
    if !settings.allowed_locations.contains(&ty.location_kind)
        || ty.duration_min <= 0
        || settings.slot_step_min <= 0
    {
        return out;
    }
    let earliest = now + Duration::minutes(settings.min_notice_min);
    let latest = now + Duration::days(settings.booking_horizon_days);
    let d = Duration::minutes(ty.duration_min);
    let hold = Duration::minutes(ty.duration_min + settings.buffer_min.max(0));
    let step = Duration::minutes(settings.slot_step_min);
    let mut date = from;
    while date <= to {
        let weekday = date.weekday().number_from_monday() as i16;
        for rule in rules.iter().filter(|r| {
            r.weekday == weekday && r.location_kind.is_none_or(|k| k == ty.location_kind)
        }) {
            let window_start = local_instant(settings.timezone, date, rule.start_minute.into());
            let window_end = local_instant(settings.timezone, date, rule.end_minute.into());
            let mut t = window_start;
            while t + d <= window_end {
                if t >= earliest && t <= latest && !busy.iter().any(|b| overlaps(t, t + hold, b)) {
                    out.push(Slot {
                        start: t,
                        end: t + d,
                        appointment_type_id: ty.id,
                    });
                }
                t += step;
            }
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    out.sort_by_key(|s| s.start);
    out.dedup_by_key(|s| s.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;

    fn settings() -> SlotSettings {
        SlotSettings {
            timezone: Paris,
            slot_step_min: 15,
            buffer_min: 0,
            min_notice_min: 120,
            booking_horizon_days: 60,
            allowed_locations: vec![LocationKind::Cabinet, LocationKind::Visio],
        }
    }

    fn ty(minutes: i64) -> SlotType {
        SlotType {
            id: Uuid::nil(),
            duration_min: minutes,
            location_kind: LocationKind::Cabinet,
        }
    }

    fn rule(weekday: i16, start: i16, end: i16) -> Rule {
        Rule {
            weekday,
            start_minute: start,
            end_minute: end,
            location_kind: None,
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn starts(v: &[Slot]) -> Vec<String> {
        v.iter()
            .map(|s| s.start.with_timezone(&Paris).format("%H:%M%:z").to_string())
            .collect()
    }

    #[test]
    fn a_morning_in_winter_and_in_summer() {
        // Monday 9:00–10:00, one-hour type, 15-minute step: only 9:00 fits.
        let rules = [rule(1, 540, 600)];
        let now = utc("2025-01-01T00:00:00Z");
        let s = slots(
            &settings(),
            &rules,
            &ty(60),
            &[],
            date("2025-01-06"),
            date("2025-01-06"),
            now,
        );
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].start, utc("2025-01-06T08:00:00Z"));
        assert_eq!(s[0].end, utc("2025-01-06T09:00:00Z"));
        let now = utc("2025-06-01T00:00:00Z");
        let s = slots(
            &settings(),
            &rules,
            &ty(30),
            &[],
            date("2025-06-02"),
            date("2025-06-02"),
            now,
        );
        assert_eq!(starts(&s), ["09:00+02:00", "09:15+02:00", "09:30+02:00"]);
        assert_eq!(s[0].start, utc("2025-06-02T07:00:00Z"));
    }

    #[test]
    fn busy_ranges_buffer_notice_and_horizon() {
        let rules = [rule(1, 540, 750)];
        let mut st = settings();
        st.buffer_min = 15;
        st.slot_step_min = 30;
        // An appointment 10:00–11:00 local (busy until 11:15 with its own buffer).
        let busy = [Busy {
            start: utc("2025-01-06T09:00:00Z"),
            end: utc("2025-01-06T10:15:00Z"),
        }];
        let now = utc("2025-01-01T00:00:00Z");
        let s = slots(
            &st,
            &rules,
            &ty(45),
            &busy,
            date("2025-01-06"),
            date("2025-01-06"),
            now,
        );
        // 9:00 needs [9:00, 10:00) with buffer: touches 10:00 only at the open end → fine.
        // 9:30 would hold until 10:30 → overlaps; 11:00 holds until 12:00 → overlaps the
        // busy range until 11:15. 11:30 is the next free start and ends 12:15 ≤ 12:30.
        assert_eq!(starts(&s), ["09:00+01:00", "11:30+01:00"]);

        // Minimum notice: at 8:30 local with 120 min notice, 10:30 is the first start.
        let now = utc("2025-01-06T07:30:00Z");
        let s = slots(
            &settings(),
            &rules,
            &ty(60),
            &[],
            date("2025-01-06"),
            date("2025-01-06"),
            now,
        );
        assert_eq!(
            s.first().map(|s| s.start),
            Some(utc("2025-01-06T09:30:00Z"))
        );

        // Horizon: nothing past now + booking_horizon_days.
        let mut st = settings();
        st.booking_horizon_days = 3;
        let now = utc("2025-01-01T00:00:00Z");
        let s = slots(
            &st,
            &rules,
            &ty(60),
            &[],
            date("2025-01-06"),
            date("2025-01-13"),
            now,
        );
        assert!(s.is_empty());
    }

    #[test]
    fn locations_filter_rules_and_types() {
        let rules = [
            Rule {
                location_kind: Some(LocationKind::Visio),
                ..rule(2, 540, 600)
            },
            rule(2, 600, 660),
        ];
        let now = utc("2025-01-01T00:00:00Z");
        let cabinet = slots(
            &settings(),
            &rules,
            &ty(60),
            &[],
            date("2025-01-07"),
            date("2025-01-07"),
            now,
        );
        assert_eq!(starts(&cabinet), ["10:00+01:00"]);
        let visio = SlotType {
            location_kind: LocationKind::Visio,
            ..ty(60)
        };
        let v = slots(
            &settings(),
            &rules,
            &visio,
            &[],
            date("2025-01-07"),
            date("2025-01-07"),
            now,
        );
        assert_eq!(starts(&v), ["09:00+01:00", "10:00+01:00"]);
        let domicile = SlotType {
            location_kind: LocationKind::Domicile,
            ..ty(60)
        };
        assert!(
            slots(
                &settings(),
                &rules,
                &domicile,
                &[],
                date("2025-01-07"),
                date("2025-01-07"),
                now
            )
            .is_empty()
        );
    }

    #[test]
    fn spring_change_skips_the_missing_hour() {
        // Sunday 30 March 2025: 02:00–03:00 does not exist in Paris.
        let mut st = settings();
        st.slot_step_min = 30;
        let now = utc("2025-03-01T00:00:00Z");
        let rules = [rule(7, 60, 240)];
        let s = slots(
            &st,
            &rules,
            &ty(60),
            &[],
            date("2025-03-30"),
            date("2025-03-30"),
            now,
        );
        // 01:00 CET = 00:00Z to 04:00 CEST = 02:00Z: two real hours.
        assert_eq!(starts(&s), ["01:00+01:00", "01:30+01:00", "03:00+02:00"]);
        assert_eq!(s[2].start, utc("2025-03-30T01:00:00Z"));
        // A rule starting inside the gap starts at the first valid instant, 03:00 CEST.
        let rules = [rule(7, 150, 300)];
        let s = slots(
            &st,
            &rules,
            &ty(60),
            &[],
            date("2025-03-30"),
            date("2025-03-30"),
            now,
        );
        assert_eq!(starts(&s), ["03:00+02:00", "03:30+02:00", "04:00+02:00"]);
        // The next day, 9:00 is 07:00Z (summer time).
        let s = slots(
            &st,
            &[rule(1, 540, 600)],
            &ty(60),
            &[],
            date("2025-03-31"),
            date("2025-03-31"),
            now,
        );
        assert_eq!(s[0].start, utc("2025-03-31T07:00:00Z"));
    }

    #[test]
    fn autumn_change_uses_the_earlier_instant() {
        // Sunday 26 October 2025: 02:00–03:00 happens twice in Paris.
        let mut st = settings();
        st.slot_step_min = 60;
        let now = utc("2025-10-01T00:00:00Z");
        let rules = [rule(7, 60, 240)];
        let s = slots(
            &st,
            &rules,
            &ty(60),
            &[],
            date("2025-10-26"),
            date("2025-10-26"),
            now,
        );
        // 01:00 CEST = 23:00Z (25th) to 04:00 CET = 03:00Z: four real hours, 02:00 twice.
        assert_eq!(
            starts(&s),
            ["01:00+02:00", "02:00+02:00", "02:00+01:00", "03:00+01:00"]
        );
        // A rule starting at the ambiguous 02:30 starts at 02:30 CEST (00:30Z).
        let s = slots(
            &st,
            &[rule(7, 150, 270)],
            &ty(60),
            &[],
            date("2025-10-26"),
            date("2025-10-26"),
            now,
        );
        assert_eq!(s[0].start, utc("2025-10-26T00:30:00Z"));
        assert_eq!(s.len(), 3);
        // The next day, 9:00 is 08:00Z again (winter time).
        let s = slots(
            &st,
            &[rule(1, 540, 600)],
            &ty(60),
            &[],
            date("2025-10-27"),
            date("2025-10-27"),
            now,
        );
        assert_eq!(s[0].start, utc("2025-10-27T08:00:00Z"));
    }

    #[test]
    fn end_of_day_and_duplicates() {
        let st = settings();
        let now = utc("2025-01-01T00:00:00Z");
        // A rule until midnight (1440) ends at the next local midnight.
        let s = slots(
            &st,
            &[rule(3, 1380, 1440)],
            &ty(60),
            &[],
            date("2025-01-08"),
            date("2025-01-08"),
            now,
        );
        assert_eq!(starts(&s), ["23:00+01:00"]);
        // Sorted across days.
        let rules = [rule(3, 540, 600), rule(4, 540, 600)];
        let s = slots(
            &st,
            &rules,
            &ty(60),
            &[],
            date("2025-01-08"),
            date("2025-01-09"),
            now,
        );
        assert_eq!(s.len(), 2);
        assert!(s[0].start < s[1].start);
    }
}
