//! The workstation's wall clock. Documents keep times in UTC; the appointment book shows
//! and takes them in the time zone of the computer at the desk (its `TZ`, else
//! `/etc/localtime`), with the offset of each instant, so a day across a DST change still
//! lays out right. Only this module asks for the zone.

use chrono::{Local, LocalResult, NaiveDate, Offset, TimeZone};
use dermis_model::Millis;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// The zone's offset from UTC at `at` (UTC when the zone cannot say).
pub fn offset_at(at: Millis) -> UtcOffset {
    let seconds = match Local.timestamp_millis_opt(at) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.offset().fix().local_minus_utc(),
        LocalResult::None => 0,
    };
    UtcOffset::from_whole_seconds(seconds).unwrap_or(UtcOffset::UTC)
}

/// The wall-clock date and time at `at`.
pub fn local(at: Millis) -> PrimitiveDateTime {
    let utc = OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let shifted = utc.to_offset(offset_at(at));
    PrimitiveDateTime::new(shifted.date(), shifted.time())
}

/// Today's date on this workstation.
pub fn today() -> Date {
    local(dermis_model::now_millis()).date()
}

/// The instant the wall clock shows `date` `time`. A time that happens twice (clocks go
/// back) is its first; one that never happens (clocks go forward) is read an hour later.
pub fn to_millis(date: Date, time: Time) -> Millis {
    let naive = NaiveDate::from_ymd_opt(
        date.year(),
        u32::from(u8::from(date.month())),
        u32::from(date.day()),
    )
    .and_then(|d| d.and_hms_opt(u32::from(time.hour()), u32::from(time.minute()), 0));
    let Some(naive) = naive else {
        return PrimitiveDateTime::new(date, time)
            .assume_utc()
            .unix_timestamp()
            * 1000;
    };
    let found = Local.from_local_datetime(&naive).earliest().or_else(|| {
        Local
            .from_local_datetime(&(naive + chrono::Duration::hours(1)))
            .earliest()
    });
    match found {
        Some(t) => t.timestamp_millis(),
        None => {
            PrimitiveDateTime::new(date, time)
                .assume_utc()
                .unix_timestamp()
                * 1000
        }
    }
}

/// The first instant of `date` on this workstation.
pub fn day_start(date: Date) -> Millis {
    to_millis(date, Time::MIDNIGHT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, time};

    #[test]
    fn a_wall_clock_time_round_trips() {
        let at = to_millis(date!(2026 - 12 - 7), time!(9:30));
        let back = local(at);
        assert_eq!(back.date(), date!(2026 - 12 - 7));
        assert_eq!(back.time(), time!(9:30));
        assert_eq!(
            day_start(date!(2026 - 12 - 7)) + 9 * 3_600_000 + 30 * 60_000,
            at
        );
    }
}
