//! The API's one time format, `yyyy-MM-ddTHH:mm:ssZ` in UTC, parsed strictly and printed exactly.
//!
//! Strict means: exactly twenty characters, a literal `T` and `Z`, no offset, no fraction, and
//! a date that exists (no 30 February, no leap second `:60`). Anything else is refused rather
//! than guessed at, because a client that sends `+08:00` believes it sent local time.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

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
    utc_text(time).as_str().to_owned()
}

/// A printed time, on the stack: the wire writes it without a heap allocation.
pub(crate) struct UtcText([u8; 20]);

impl UtcText {
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// `yyyy-MM-ddTHH:mm:ssZ` of `time`, clamped to the years 0000–9999 (see [`format_utc`]).
pub(crate) fn utc_text(time: &DateTime<Utc>) -> UtcText {
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
    let mut text = *b"0000-00-00T00:00:00Z";
    let year = u32::try_from(shown.year()).unwrap_or_default();
    for (at, value, digits) in [
        (0, year, 4),
        (5, shown.month(), 2),
        (8, shown.day(), 2),
        (11, shown.hour(), 2),
        (14, shown.minute(), 2),
        (17, shown.second(), 2),
    ] {
        let mut rest = value;
        for i in (at..at + digits).rev() {
            if let Some(slot) = text.get_mut(i) {
                // `rest % 10` is a single digit, so the cast cannot truncate.
                *slot = b'0' + (rest % 10) as u8;
            }
            rest /= 10;
        }
    }
    UtcText(text)
}

/// Where a thing created at `at`, `seq`-th, sorts among others: by creation time to the
/// second (the resolution `CreateTime` shows), then by creation number. One integer, so a
/// list compares keys in a couple of instructions, without a branch, where comparing a
/// `DateTime` and then the number took about forty; and a larger number is always later.
///
/// The second is built from the date's year and day of the year and the second of the day,
/// each already held apart in chrono's representation, so no division is needed.
pub(crate) fn creation_order(at: DateTime<Utc>, seq: u64) -> u128 {
    let utc = at.naive_utc();
    // Years are within ±262,143, days of a year below 512 and seconds of a day below
    // 2^17: the packed second is far inside an i64 and grows with the time.
    let day = i64::from(utc.year()) * 512 + i64::from(utc.ordinal());
    let second = day * (1 << 17) + i64::from(utc.num_seconds_from_midnight());
    // Flipping the sign bit maps i64's order onto u64's.
    let second = second.cast_unsigned() ^ (1 << 63);
    (u128::from(second) << 64) | u128::from(seq)
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
///
/// ```
/// use chrono::{DateTime, Utc};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize)]
/// struct At {
///     #[serde(with = "live_lifecycle::time::wire")]
///     at: DateTime<Utc>,
/// }
/// let at: At = serde_json::from_str(r#"{"at":"2023-07-24T16:44:55Z"}"#).unwrap();
/// assert_eq!(serde_json::to_string(&at).unwrap(), r#"{"at":"2023-07-24T16:44:55Z"}"#);
/// ```
pub mod wire {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    /// Writes the time as `yyyy-MM-ddTHH:mm:ssZ`.
    ///
    /// ```
    /// # use chrono::{DateTime, Utc};
    /// #[derive(serde::Serialize)]
    /// struct At(#[serde(serialize_with = "live_lifecycle::time::wire::serialize")] DateTime<Utc>);
    /// let t = live_lifecycle::time::parse_utc("2023-07-24T16:44:55Z").unwrap();
    /// assert_eq!(serde_json::to_string(&At(t)).unwrap(), "\"2023-07-24T16:44:55Z\"");
    /// ```
    pub fn serialize<S: Serializer>(time: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(super::utc_text(time).as_str())
    }

    /// Reads a time in the strict wire format.
    ///
    /// ```
    /// # use chrono::{DateTime, Utc};
    /// #[derive(serde::Deserialize)]
    /// struct At(#[serde(deserialize_with = "live_lifecycle::time::wire::deserialize")] DateTime<Utc>);
    /// assert!(serde_json::from_str::<At>("\"2023-07-24T16:44:55Z\"").is_ok());
    /// assert!(serde_json::from_str::<At>("\"2023-07-24 16:44:55\"").is_err());
    /// ```
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        super::parse_utc(&text).map_err(D::Error::custom)
    }

    /// The same adapter for an optional time (absent stays absent).
    ///
    /// ```
    /// # use chrono::{DateTime, Utc};
    /// #[derive(serde::Serialize, serde::Deserialize)]
    /// struct At {
    ///     #[serde(with = "live_lifecycle::time::wire::option", default, skip_serializing_if = "Option::is_none")]
    ///     at: Option<DateTime<Utc>>,
    /// }
    /// let none: At = serde_json::from_str("{}").unwrap();
    /// assert_eq!(serde_json::to_string(&none).unwrap(), "{}");
    /// ```
    pub mod option {
        use chrono::{DateTime, Utc};
        use serde::{Deserialize, Deserializer, Serializer};

        /// Writes `Some` as the wire format and `None` as null.
        ///
        /// ```
        /// # use chrono::{DateTime, Utc};
        /// #[derive(serde::Serialize)]
        /// struct At(#[serde(serialize_with = "live_lifecycle::time::wire::option::serialize")] Option<DateTime<Utc>>);
        /// assert_eq!(serde_json::to_string(&At(None)).unwrap(), "null");
        /// ```
        pub fn serialize<S: Serializer>(
            time: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match time {
                Some(t) => super::serialize(t, s),
                None => s.serialize_none(),
            }
        }

        /// Reads the wire format, or null as `None`.
        ///
        /// ```
        /// # use chrono::{DateTime, Utc};
        /// #[derive(serde::Deserialize)]
        /// struct At(#[serde(deserialize_with = "live_lifecycle::time::wire::option::deserialize")] Option<DateTime<Utc>>);
        /// assert!(serde_json::from_str::<At>("null").unwrap().0.is_none());
        /// ```
        pub fn deserialize<'de, D: Deserializer<'de>>(
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
    use chrono::{DateTime, TimeDelta, Utc};
    use proptest::prelude::*;

    use super::creation_order;

    /// Any time chrono can hold, to the nanosecond (leap-second fractions included).
    pub(crate) fn any_time() -> impl Strategy<Value = DateTime<Utc>> {
        let (first, last) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        (first.timestamp()..=last.timestamp(), 0u32..2_000_000_000)
            .prop_filter_map("outside chrono's range", |(secs, nanos)| {
                DateTime::from_timestamp(secs, nanos)
            })
    }

    proptest! {
        /// The key orders as the whole second of the time, then the number: the fraction
        /// of a second plays no part.
        #[test]
        fn creation_order_is_whole_second_then_number(
            a in any_time(),
            b in any_time(),
            near in prop::option::of(prop_oneof![
                -1_500_000_000i64..1_500_000_000,
                -1_000_000_000_000_000i64..1_000_000_000_000_000,
            ]),
            sa: u64,
            sb: u64,
        ) {
            // Often within a second or two of `a`, where the fraction could matter, or
            // within some weeks, where the day of the year decides.
            let b = near
                .and_then(|n| a.checked_add_signed(TimeDelta::nanoseconds(n)))
                .unwrap_or(b);
            prop_assert_eq!(
                creation_order(a, sa).cmp(&creation_order(b, sb)),
                (a.timestamp(), sa).cmp(&(b.timestamp(), sb))
            );
        }
    }

    /// At the ends of chrono's range, across the year boundary, and within one second.
    #[test]
    fn creation_order_at_the_edges() {
        let (first, last) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        assert!(creation_order(first, u64::MAX) < creation_order(last, 0));
        let new_year: DateTime<Utc> = "2024-01-01T00:00:00Z".parse().unwrap();
        let eve = new_year - TimeDelta::nanoseconds(1);
        assert!(creation_order(eve, u64::MAX) < creation_order(new_year, 0));
        let later_in_second = new_year + TimeDelta::milliseconds(900);
        assert!(creation_order(later_in_second, 1) < creation_order(new_year, 2));
        assert_eq!(
            creation_order(later_in_second, 7),
            creation_order(new_year, 7)
        );
    }
}
