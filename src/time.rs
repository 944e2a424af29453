//! Build timestamps: `SOURCE_DATE_EPOCH` (reproducible-builds.org spec) or a fixed default, and
//! the date formats packages need.

/// The timestamp used when `SOURCE_DATE_EPOCH` is not set: 2024-01-01T00:00:00Z. Fixed, so two
/// builds of the same input are byte-identical by default.
pub const DEFAULT_EPOCH: u64 = 1_704_067_200;

/// `SOURCE_DATE_EPOCH` had a value that is not a whole number of seconds.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("SOURCE_DATE_EPOCH='{0}' is not a non-negative whole number of seconds below 2^32 (https://reproducible-builds.org/specs/source-date-epoch/)")]
pub struct EpochError(pub String);

/// Parses a `SOURCE_DATE_EPOCH` value; `None` or an empty value gives [`DEFAULT_EPOCH`].
///
/// # Errors
/// [`EpochError`] for anything but ASCII digits, or a value past 2^32-1 (RPM stores u32).
pub fn source_date_epoch(value: Option<&str>) -> Result<u64, EpochError> {
    match value.map(str::trim) {
        None | Some("") => Ok(DEFAULT_EPOCH),
        Some(v) => match v.parse::<u64>() {
            Ok(n) if v.bytes().all(|b| b.is_ascii_digit()) && n <= u64::from(u32::MAX) => Ok(n),
            _ => Err(EpochError(v.to_string())),
        },
    }
}

/// Days since 1970-01-01 → (year, month 1-12, day 1-31), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// RFC 2822 date in UTC, as Debian changelogs want it: `Mon, 01 Jan 2024 00:00:00 +0000`.
pub fn rfc2822(epoch: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = (epoch / 86_400) as i64;
    let secs = epoch % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} +0000",
        DAYS[(days % 7) as usize],
        d,
        MONTHS[(m - 1) as usize],
        y,
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates() {
        assert_eq!(rfc2822(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(rfc2822(DEFAULT_EPOCH), "Mon, 01 Jan 2024 00:00:00 +0000");
        assert_eq!(rfc2822(1_700_000_000), "Tue, 14 Nov 2023 22:13:20 +0000");
        assert_eq!(rfc2822(951_782_400), "Tue, 29 Feb 2000 00:00:00 +0000");
    }

    #[test]
    fn parses_source_date_epoch() {
        assert_eq!(source_date_epoch(None), Ok(DEFAULT_EPOCH));
        assert_eq!(source_date_epoch(Some("")), Ok(DEFAULT_EPOCH));
        assert_eq!(source_date_epoch(Some("1700000000")), Ok(1_700_000_000));
        assert!(source_date_epoch(Some("-1")).is_err());
        assert!(source_date_epoch(Some("1e9")).is_err());
        assert!(source_date_epoch(Some("99999999999")).is_err());
    }
}
