//! Token lifetimes as Kestra reads them: `java.time.Duration.parse`, which accepts
//! `PnDTnHnMn.nS` (case-insensitive, signed parts) and nothing with years, months or weeks.
//! No general ISO 8601 crate matches that subset (they accept `P1Y`, `P2W`), so the
//! grammar below mirrors the JDK's own pattern, then iamlint's policy on top of it:
//! zero is "never expires", negative and fractional values are rejected.

use regex::Regex;
use std::sync::LazyLock;

/// The JDK's `Duration.PATTERN`, verbatim in meaning.
static JAVA_DURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^([-+]?)P(?:([-+]?[0-9]+)D)?(T(?:([-+]?[0-9]+)H)?(?:([-+]?[0-9]+)M)?(?:([-+]?[0-9]+)(?:[.,]([0-9]{0,9}))?S)?)?$")
        .expect("valid regex")
});

/// Looser spellings people write, to suggest the Kestra form.
static CASUAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*([0-9]+)\s*(d|days?|h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?|w|weeks?)\s*$")
        .expect("valid regex")
});

static ISO_WEEKS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^P([0-9]+)W$").expect("valid regex"));
static ISO_CALENDAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^P(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+W)?(?:[0-9]+D)?(?:T.*)?$").expect("valid regex")
});

/// The longest lifetime a token can have: Kestra stores its expiry, creation time plus max
/// age, as a Java `Instant`, whose last second is 31,556,889,864,403,199 (the end of the year
/// 1,000,000,000). Counted from 2100-01-01 (4,102,444,800) so that the answer does not
/// depend on the day iamlint runs.
pub const MAX_LIFETIME: Duration = Duration { seconds: 31_556_889_864_403_199 - 4_102_444_800 };

/// The highest `max-token-age` accepted (a century): a setting is a policy people read, and
/// IAM201 and IAM202 write it into files, where it must stay a lifetime Kestra accepts.
pub const MAX_SETTING: Duration = Duration::days(36_500);

/// `text` as a `max-token-age` setting, or why it cannot be one.
pub fn setting(text: &str) -> Result<Duration, String> {
    match parse(text) {
        Ok(d) if d.seconds == 0 => Err("the duration must be longer than zero".into()),
        Ok(d) if d > MAX_SETTING => Err(format!(
            "`{text}` is longer than {} ({}), the longest accepted",
            MAX_SETTING.to_iso(),
            MAX_SETTING.human()
        )),
        Ok(d) => Ok(d),
        Err(e) => {
            let hint = e.suggestion().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
            Err(format!("`{text}` is not a duration Kestra reads, such as P90D or PT12H{hint}"))
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration {
    pub seconds: i128,
}

impl Duration {
    pub const fn days(days: i128) -> Self {
        Duration { seconds: days * 86_400 }
    }

    /// The canonical Kestra spelling: whole days when exact, else hours, minutes, seconds.
    pub fn to_iso(self) -> String {
        let s = self.seconds;
        if s == 0 {
            return "PT0S".into();
        }
        if s % 86_400 == 0 {
            return format!("P{}D", s / 86_400);
        }
        let mut out = String::from("PT");
        let (h, rest) = (s / 3600, s % 3600);
        let (m, sec) = (rest / 60, rest % 60);
        if h > 0 {
            out.push_str(&format!("{h}H"));
        }
        if m > 0 {
            out.push_str(&format!("{m}M"));
        }
        if sec > 0 {
            out.push_str(&format!("{sec}S"));
        }
        out
    }

    pub fn human(self) -> String {
        let s = self.seconds;
        if s % 86_400 == 0 {
            let d = s / 86_400;
            format!("{d} day{}", if d == 1 { "" } else { "s" })
        } else if s % 3600 == 0 {
            let h = s / 3600;
            format!("{h} hour{}", if h == 1 { "" } else { "s" })
        } else {
            format!("{s} seconds")
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DurationError {
    /// Not a duration Java accepts; `suggestion` is the exact equivalent when there is one.
    Invalid {
        reason: String,
        suggestion: Option<String>,
    },
    Negative,
    Fractional,
}

impl DurationError {
    pub fn suggestion(&self) -> Option<&str> {
        match self {
            DurationError::Invalid { suggestion, .. } => suggestion.as_deref(),
            _ => None,
        }
    }
}

pub fn parse(text: &str) -> Result<Duration, DurationError> {
    let Some(caps) = JAVA_DURATION.captures(text) else {
        return Err(explain_invalid(text));
    };
    // Java rejects "P", "PT" and a dangling "T" even though the pattern admits them.
    let has_part = (2..=7).filter(|&i| i != 3).any(|i| caps.get(i).is_some());
    if !has_part || caps.get(3).is_some_and(|t| t.as_str().len() == 1) {
        return Err(DurationError::Invalid { reason: "has no amount".into(), suggestion: None });
    }
    if caps.get(7).is_some_and(|f| !f.as_str().trim_matches('0').is_empty()) {
        return Err(DurationError::Fractional);
    }
    // Java reads each amount as a `long`, multiplies it into seconds and adds the parts
    // with overflow checks (`Math.multiplyExact`, `Math.addExact`, seconds first): past
    // that, `Duration.parse` throws and Kestra rejects the token.
    let out_of_range =
        || DurationError::Invalid { reason: "is longer than Java's `Duration` can hold".into(), suggestion: None };
    let part = |i: usize, unit: i64| -> Result<i64, DurationError> {
        caps.get(i).map_or(Ok(0), |m| {
            m.as_str().parse::<i64>().ok().and_then(|n| n.checked_mul(unit)).ok_or_else(out_of_range)
        })
    };
    let (days, hours, minutes, seconds) = (part(2, 86_400)?, part(4, 3600)?, part(5, 60)?, part(6, 1)?);
    let total = minutes
        .checked_add(seconds)
        .and_then(|s| hours.checked_add(s))
        .and_then(|s| days.checked_add(s))
        .ok_or_else(out_of_range)?;
    let total = i128::from(total);
    let total = if &caps[1] == "-" { -total } else { total };
    if total < 0 {
        return Err(DurationError::Negative);
    }
    if total > MAX_LIFETIME.seconds {
        return Err(DurationError::Invalid {
            reason: "gives an expiry past the last date Java can hold (the year 1,000,000,000)".into(),
            suggestion: None,
        });
    }
    Ok(Duration { seconds: total })
}

/// The Kestra spelling of `seconds`, when Kestra would read it: a suggestion is applied by
/// IAM204's fix, which must not write another invalid duration.
fn readable(seconds: i128) -> Option<String> {
    let iso = Duration { seconds }.to_iso();
    parse(&iso).is_ok().then_some(iso)
}

fn explain_invalid(text: &str) -> DurationError {
    let trimmed = text.trim();
    // A heredoc, or a `|` block scalar, ends its value with a line break: the duration is
    // fine and the whitespace is the problem, whatever the trimmed text would look like.
    if trimmed != text && !trimmed.is_empty() {
        let what = if text.ends_with('\n') {
            "ends with a line break (a heredoc or a `|`/`>` block scalar adds one)"
        } else {
            "has whitespace around it"
        };
        return match parse(trimmed) {
            Ok(_) => DurationError::Invalid { reason: what.into(), suggestion: Some(trimmed.to_string()) },
            Err(DurationError::Invalid { reason, suggestion }) => {
                DurationError::Invalid { reason: format!("{reason}, and {what}"), suggestion }
            }
            Err(DurationError::Negative) => {
                DurationError::Invalid { reason: format!("is negative, and {what}"), suggestion: None }
            }
            Err(DurationError::Fractional) => {
                DurationError::Invalid { reason: format!("has a fraction of a second, and {what}"), suggestion: None }
            }
        };
    }
    if let Some(c) = CASUAL.captures(trimmed) {
        let unit = match c[2].to_ascii_lowercase().chars().next() {
            Some('w') => 7 * 86_400,
            Some('d') => 86_400,
            Some('h') => 3600,
            Some('m') => 60,
            _ => 1,
        };
        // No suggestion for an amount too large to be one.
        let seconds = c[1].parse::<i128>().ok().and_then(|n| n.checked_mul(unit));
        return DurationError::Invalid {
            reason: "is not an ISO 8601 duration".into(),
            suggestion: seconds.and_then(readable),
        };
    }
    if let Some(c) = ISO_WEEKS.captures(trimmed) {
        let seconds = c[1].parse::<i128>().ok().and_then(|weeks| weeks.checked_mul(7 * 86_400));
        return DurationError::Invalid {
            reason: "uses weeks, which Kestra does not accept".into(),
            suggestion: seconds.and_then(readable),
        };
    }
    if ISO_CALENDAR.is_match(trimmed) && trimmed.len() > 1 {
        return DurationError::Invalid {
            reason: "uses years or months, which Kestra does not accept (their length in days varies)".into(),
            suggestion: None,
        };
    }
    DurationError::Invalid { reason: "is not an ISO 8601 duration such as P30D or PT12H".into(), suggestion: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_accepted_forms() {
        assert_eq!(parse("PT1H"), Ok(Duration { seconds: 3600 }));
        assert_eq!(parse("P30D"), Ok(Duration::days(30)));
        assert_eq!(parse("p30d"), Ok(Duration::days(30)));
        assert_eq!(parse("PT2160H"), Ok(Duration::days(90)));
        assert_eq!(parse("P1DT12H"), Ok(Duration { seconds: 86_400 + 43_200 }));
        assert_eq!(parse("PT0S"), Ok(Duration { seconds: 0 }));
        assert_eq!(parse("PT1.000S"), Ok(Duration { seconds: 1 }));
    }

    #[test]
    fn rejected_forms() {
        assert_eq!(parse("-P1D"), Err(DurationError::Negative));
        assert_eq!(parse("PT1.5S"), Err(DurationError::Fractional));
        assert_eq!(parse("30d").unwrap_err().suggestion(), Some("P30D"));
        assert_eq!(parse("12h").unwrap_err().suggestion(), Some("PT12H"));
        assert_eq!(parse("P2W").unwrap_err().suggestion(), Some("P14D"));
        assert_eq!(parse("P1Y").unwrap_err().suggestion(), None);
        assert!(parse("P1M").is_err());
        assert!(parse("P").is_err());
        assert!(parse("PT").is_err());
        assert!(parse("").is_err());
        assert!(parse("P99999999999999999999999999999999999999999D").is_err());
    }

    #[test]
    fn whitespace_is_named_as_the_problem() {
        let e = parse("P30D\n").unwrap_err();
        assert_eq!(
            e,
            DurationError::Invalid {
                reason: "ends with a line break (a heredoc or a `|`/`>` block scalar adds one)".into(),
                suggestion: Some("P30D".into())
            }
        );
        let DurationError::Invalid { reason, suggestion } = parse(" 30d\n").unwrap_err() else { panic!() };
        assert!(reason.starts_with("is not an ISO 8601 duration, and ends with a line break"), "{reason}");
        assert_eq!(suggestion.as_deref(), Some("P30D"));
        let DurationError::Invalid { reason, suggestion } = parse("P1Y\n").unwrap_err() else { panic!() };
        assert!(reason.starts_with("uses years or months") && reason.contains("line break"), "{reason}");
        assert_eq!(suggestion, None);
        let DurationError::Invalid { reason, .. } = parse(" PT1H ").unwrap_err() else { panic!() };
        assert_eq!(reason, "has whitespace around it");
        assert!(
            matches!(parse("-P1D\n"), Err(DurationError::Invalid { reason, .. }) if reason.starts_with("is negative"))
        );
    }

    #[test]
    fn what_java_cannot_hold_is_invalid() {
        // Checked against the JDK's `Duration.parse` and `Instant.plus`.
        let invalid = |t: &str| matches!(parse(t), Err(DurationError::Invalid { .. }));
        for t in [
            "PT9999999999999999999H",
            "PT2562047788015216H",
            "P106751991167301D",
            "PT9223372036854775808S",
            "PT99999999999999999999999S",
            "P999999999999D",
            "P106751991167300D",
        ] {
            assert!(invalid(t), "{t}");
        }
        assert_eq!(parse("P365250D"), Ok(Duration::days(365_250)));
        assert_eq!(parse("P+3D"), Ok(Duration::days(3)));
        assert_eq!(parse("P-1DT24H"), Ok(Duration { seconds: 0 }));
        assert_eq!(parse(&MAX_LIFETIME.to_iso()), Ok(MAX_LIFETIME));
        assert!(invalid(&Duration { seconds: MAX_LIFETIME.seconds + 1 }.to_iso()));
        // No suggestion that would itself be invalid.
        assert_eq!(parse("999999999999d").unwrap_err().suggestion(), None);
        assert_eq!(parse("9999999999999999w").unwrap_err().suggestion(), None);
        assert_eq!(parse("P99999999999999W").unwrap_err().suggestion(), None);
    }

    #[test]
    fn settings_are_bounded() {
        assert_eq!(setting("P30D"), Ok(Duration::days(30)));
        assert_eq!(setting("P36500D"), Ok(MAX_SETTING));
        assert!(setting("P36501D").unwrap_err().contains("longer than P36500D"));
        assert!(setting("PT0S").is_err());
        assert!(setting("30d").unwrap_err().contains("did you mean `P30D`"));
    }

    #[test]
    fn canonical_spelling() {
        assert_eq!(Duration::days(90).to_iso(), "P90D");
        // Amounts that fit i128 but not once in seconds: refused, not wrapped or a panic.
        let huge = "9".repeat(38);
        assert!(matches!(parse(&format!("P{huge}D")), Err(DurationError::Invalid { .. })));
        assert!(matches!(parse(&format!("PT{huge}S")), Err(DurationError::Invalid { .. })));
        assert!(matches!(parse(&format!("P{huge}DT{huge}S")), Err(DurationError::Invalid { .. })));
        assert!(matches!(parse(&format!("{huge}d")), Err(DurationError::Invalid { suggestion: None, .. })));
        assert!(matches!(parse(&format!("P{huge}W")), Err(DurationError::Invalid { suggestion: None, .. })));
        assert!(matches!(parse(&format!("{}d", "9".repeat(60))), Err(DurationError::Invalid { suggestion: None, .. })));
        assert_eq!(Duration { seconds: 5400 }.to_iso(), "PT1H30M");
    }
}
