//! The API's one time format, `yyyy-MM-ddTHH:mm:ssZ` in UTC, parsed strictly and printed exactly.
//!
//! Strict means: exactly twenty characters, a literal `T` and `Z`, no offset, no fraction, and
//! a date that exists (no 30 February, no leap second `:60`). Anything else is refused rather
//! than guessed at, because a client that sends `+08:00` believes it sent local time.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

/// Parses `yyyy-MM-ddTHH:mm:ssZ` (UTC, whole seconds).
///
/// ```
/// use live_lifecycle::time::parse_utc;
///
/// let t = parse_utc("2024-08-26T10:30:00Z").unwrap();
/// assert_eq!(t.to_rfc3339(), "2024-08-26T10:30:00+00:00");
/// assert!(parse_utc("2024-02-30T10:30:00Z").is_err());
/// assert!(parse_utc("2024-08-26T10:30:00+08:00").is_err());
/// assert!(parse_utc("2024-08-26T10:30:00.5Z").is_err());
/// ```
pub fn parse_utc(text: &str) -> Result<DateTime<Utc>, &'static str> {
    const SHAPE: &str = "must be yyyy-MM-ddTHH:mm:ssZ in UTC";
    let b = text.as_bytes();
    if b.len() != 20 {
        return Err(SHAPE);
    }
    let digits_at = |positions: &[usize]| {
        positions
            .iter()
            .all(|&i| matches!(b.get(i), Some(c) if c.is_ascii_digit()))
    };
    let punct_ok = b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b.get(10) == Some(&b'T')
        && b.get(13) == Some(&b':')
        && b.get(16) == Some(&b':')
        && b.get(19) == Some(&b'Z');
    if !punct_ok || !digits_at(&[0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]) {
        return Err(SHAPE);
    }
    let num = |from: usize, to: usize| {
        b.get(from..to)
            .unwrap_or_default()
            .iter()
            .fold(0u32, |acc, c| acc * 10 + u32::from(c - b'0'))
    };
    let year = i32::try_from(num(0, 4)).map_err(|_| SHAPE)?;
    let date = NaiveDate::from_ymd_opt(year, num(5, 7), num(8, 10)).ok_or("is not a real date")?;
    let (h, m, s) = (num(11, 13), num(14, 16), num(17, 19));
    // chrono accepts second 60 as a leap second only through a separate nanosecond field, and
    // from_hms_opt refuses 60 outright, which is what we want: the API never emits it.
    let time = NaiveTime::from_hms_opt(h, m, s).ok_or("is not a real time of day")?;
    Ok(NaiveDateTime::new(date, time).and_utc())
}

/// Prints a time as `yyyy-MM-ddTHH:mm:ssZ`, dropping any fraction of a second.
///
/// The shape has four digits of year, so a time outside years 0000–9999 (only an embedder's
/// odd `now` can make one) is printed as the nearest end of that range: every printed time
/// parses back.
///
/// ```
/// use live_lifecycle::time::{format_utc, parse_utc};
/// let t = parse_utc("2023-07-24T16:44:55Z").unwrap();
/// assert_eq!(format_utc(&t), "2023-07-24T16:44:55Z");
/// assert_eq!(format_utc(&chrono::DateTime::<chrono::Utc>::MAX_UTC), "9999-12-31T23:59:59Z");
/// ```
pub fn format_utc(time: &DateTime<Utc>) -> String {
    let first = NaiveDate::from_ymd_opt(0, 1, 1).map(|d| d.and_time(NaiveTime::MIN).and_utc());
    let last = NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .map(|t| t.and_utc());
    let mut shown = *time;
    if let Some(first) = first {
        shown = shown.max(first);
    }
    if let Some(last) = last {
        shown = shown.min(last);
    }
    // Without the fraction, which also takes a leap second (a fraction of 1 s or more) back
    // to :59, as the API never prints :60.
    let whole = shown.with_nanosecond(0).unwrap_or(shown);
    whole.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `time + delta`, or the last representable time if that would overflow.
pub(crate) fn saturating_add(time: DateTime<Utc>, delta: chrono::TimeDelta) -> DateTime<Utc> {
    time.checked_add_signed(delta)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `time - delta`, or the first representable time if that would overflow.
pub(crate) fn saturating_sub(time: DateTime<Utc>, delta: chrono::TimeDelta) -> DateTime<Utc> {
    time.checked_sub_signed(delta)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Serde adapter for a `DateTime<Utc>` field carried in the wire format.
pub(crate) mod wire {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    /// Writes the time as `yyyy-MM-ddTHH:mm:ssZ`.
    pub(crate) fn serialize<S: Serializer>(time: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_utc(time))
    }

    /// Reads a time in the strict wire format.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        super::parse_utc(&text).map_err(D::Error::custom)
    }

    /// The same adapter for an optional time (absent stays absent).
    pub(crate) mod option {
        use chrono::{DateTime, Utc};
        use serde::{Deserialize, Deserializer, Serializer};

        /// Writes `Some` as the wire format and `None` as null.
        pub(crate) fn serialize<S: Serializer>(
            time: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match time {
                Some(t) => super::serialize(t, s),
                None => s.serialize_none(),
            }
        }

        /// Reads the wire format, or null as `None`.
        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<Utc>>, D::Error> {
            #[derive(Deserialize)]
            struct Wrapped(#[serde(deserialize_with = "super::deserialize")] DateTime<Utc>);
            Ok(Option::<Wrapped>::deserialize(d)?.map(|Wrapped(t)| t))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use chrono::{DateTime, Utc};
    use proptest::prelude::*;

    use super::{format_utc, parse_utc};

    /// Any time chrono can hold, to the nanosecond (leap-second fractions included).
    pub(crate) fn any_time() -> impl Strategy<Value = DateTime<Utc>> {
        let (first, last) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        (first.timestamp()..=last.timestamp(), 0u32..2_000_000_000)
            .prop_filter_map("outside chrono's range", |(secs, nanos)| {
                DateTime::from_timestamp(secs, nanos)
            })
    }

    proptest! {
        /// Every printed time has the wire's shape and reads back, to the second, when it is
        /// within the years 0000 to 9999.
        #[test]
        fn printed_times_parse_back(t in any_time()) {
            let text = format_utc(&t);
            prop_assert_eq!(text.len(), 20);
            let back = parse_utc(&text).unwrap();
            if (0..=9999).contains(&chrono::Datelike::year(&t)) {
                prop_assert_eq!(back.timestamp(), t.timestamp());
            }
        }
    }

    #[test]
    fn a_leap_second_prints_as_59() {
        let leap = DateTime::from_timestamp(59, 1_500_000_000).unwrap();
        assert_eq!(format_utc(&leap), "1970-01-01T00:00:59Z");
    }

    #[test]
    fn years_before_1000_are_padded() {
        let t = parse_utc("0042-03-04T05:06:07Z").unwrap();
        assert_eq!(format_utc(&t), "0042-03-04T05:06:07Z");
        assert_eq!(
            format_utc(&DateTime::<Utc>::MIN_UTC),
            "0000-01-01T00:00:00Z"
        );
    }
}
