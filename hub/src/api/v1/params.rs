//! Query parameters of `/api/v1`, read by hand so that every refusal names its
//! parameter: each is known to its route (an unknown or repeated one is refused), and
//! bounded before any work starts (`limit` ≤ [`MAX_LIMIT`], `q` ≤ [`MAX_Q_CHARS`], a
//! cursor ≤ [`MAX_CURSOR_CHARS`] of base64url).

use dermis_model::validate::{day_start_millis, parse_stored_date};
use std::collections::BTreeMap;

use dermis_model::{ClinicId, Millis};
use uuid::Uuid;

use super::problem::Problem;

/// The most items one page may hold.
pub const MAX_LIMIT: u32 = 500;
/// Items per page when `limit` is not given.
pub const DEFAULT_LIMIT: u32 = 50;
/// The longest free-text search.
pub const MAX_Q_CHARS: usize = 100;
/// The longest cursor (stores make short ones; a long one is forged).
pub const MAX_CURSOR_CHARS: usize = 512;
/// The most parameters one request may send.
const MAX_PARAMS: usize = 16;
/// The longest query string read at all.
const MAX_QUERY_BYTES: usize = 4096;

/// The parameters of one request, each at most once.
#[derive(Debug, Default)]
pub struct Params(BTreeMap<String, String>);

impl Params {
    /// Reads `query`, refusing any parameter not in `allowed` (plus `clinic`) and any
    /// given twice.
    pub fn parse(query: Option<&str>, allowed: &[&str]) -> Result<Params, Problem> {
        let query = query.unwrap_or("");
        if query.len() > MAX_QUERY_BYTES {
            return Err(Problem::parameter(
                "query",
                format!("the query string is over {MAX_QUERY_BYTES} bytes"),
            ));
        }
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
            .map_err(|_| Problem::parameter("query", "the query string is not URL-encoded"))?;
        if pairs.len() > MAX_PARAMS {
            return Err(Problem::parameter(
                "query",
                format!("at most {MAX_PARAMS} parameters"),
            ));
        }
        let mut map = BTreeMap::new();
        for (name, value) in pairs {
            if name != "clinic" && !allowed.contains(&name.as_str()) {
                let shown: String = name.chars().take(40).collect();
                let mut known: Vec<&str> = allowed.to_vec();
                known.push("clinic");
                return Err(Problem::parameter(
                    &shown,
                    format!("unknown parameter; this route takes {}", known.join(", ")),
                ));
            }
            if map.contains_key(&name) {
                return Err(Problem::parameter(&name, "given more than once"));
            }
            map.insert(name, value);
        }
        Ok(Params(map))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn clinic(&self) -> Result<Option<ClinicId>, Problem> {
        self.uuid("clinic").map(|c| c.map(ClinicId))
    }

    pub fn uuid(&self, name: &str) -> Result<Option<Uuid>, Problem> {
        self.get(name)
            .map(|v| {
                Uuid::parse_str(v)
                    .map_err(|_| Problem::parameter(name, format!("{name} must be a UUID")))
            })
            .transpose()
    }

    /// `limit`: 1 to [`MAX_LIMIT`], default [`DEFAULT_LIMIT`].
    pub fn limit(&self) -> Result<u32, Problem> {
        let Some(v) = self.get("limit") else {
            return Ok(DEFAULT_LIMIT);
        };
        v.parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                Problem::parameter(
                    "limit",
                    format!("limit must be a whole number from 1 to {MAX_LIMIT}"),
                )
            })
    }

    /// `cursor`: as a previous page's `next_cursor` gave it.
    pub fn cursor(&self) -> Result<Option<String>, Problem> {
        let Some(v) = self.get("cursor") else {
            return Ok(None);
        };
        let plausible = v.len() <= MAX_CURSOR_CHARS
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'=' | b'.'));
        if !plausible {
            return Err(Problem::parameter(
                "cursor",
                "not a cursor this API gave out; send a page's next_cursor as it was",
            ));
        }
        Ok(Some(v.to_owned()))
    }

    /// `q`: free text, at most [`MAX_Q_CHARS`] characters, no control characters.
    pub fn text(&self, name: &str) -> Result<Option<String>, Problem> {
        let Some(v) = self.get(name) else {
            return Ok(None);
        };
        if v.chars().count() > MAX_Q_CHARS || v.chars().any(char::is_control) {
            return Err(Problem::parameter(
                name,
                format!(
                    "{name} must be at most {MAX_Q_CHARS} characters without control characters"
                ),
            ));
        }
        Ok(Some(v.trim().to_owned()).filter(|v| !v.is_empty()))
    }

    /// A time: unix milliseconds, an RFC 3339 date-time, or a date (`YYYY-MM-DD`, its
    /// start in UTC).
    pub fn time(&self, name: &str) -> Result<Option<Millis>, Problem> {
        self.get(name)
            .map(|v| {
                parse_time(v).ok_or_else(|| {
                    Problem::parameter(
                        name,
                        format!(
                            "{name} must be unix milliseconds, an RFC 3339 date-time or YYYY-MM-DD"
                        ),
                    )
                })
            })
            .transpose()
    }
}

/// Unix milliseconds, RFC 3339 or `YYYY-MM-DD` (UTC midnight); years 1900 to 9999.
pub fn parse_time(v: &str) -> Option<Millis> {
    use time::format_description::well_known::Rfc3339;
    const MIN: Millis = -2_208_988_800_000; // 1900-01-01
    const MAX: Millis = 253_402_300_799_999; // 9999-12-31
    let ms = if !v.is_empty() && v.len() <= 15 && v.bytes().all(|b| b.is_ascii_digit()) {
        v.parse::<Millis>().ok()?
    } else if let Ok(at) = time::OffsetDateTime::parse(v, &Rfc3339) {
        i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()?
    } else {
        day_start_millis(parse_stored_date(v)?)
    };
    (MIN..=MAX).contains(&ms).then_some(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_repeated_and_oversized_parameters_are_named() {
        let unknown = Params::parse(Some("limit=5&sort=name"), &["limit"]);
        assert_eq!(
            unknown.err().and_then(|p| p.field.clone()),
            Some("sort".into())
        );
        let repeated = Params::parse(Some("limit=5&limit=6"), &["limit"]);
        assert_eq!(
            repeated.err().and_then(|p| p.field.clone()),
            Some("limit".into())
        );
        let ok = Params::parse(Some("limit=500&clinic="), &["limit"]).unwrap_or_default();
        assert_eq!(ok.limit().ok(), Some(500));
        for bad in ["0", "501", "-1", "ten", "99999999999"] {
            let p = Params::parse(Some(&format!("limit={bad}")), &["limit"]).unwrap_or_default();
            assert_eq!(
                p.limit().err().and_then(|p| p.field.clone()),
                Some("limit".into()),
                "{bad}"
            );
        }
        let long = format!("q={}", "a".repeat(101));
        let p = Params::parse(Some(&long), &["q"]).unwrap_or_default();
        assert!(p.text("q").is_err());
        let forged = format!("cursor={}", "A".repeat(513));
        let p = Params::parse(Some(&forged), &["cursor"]).unwrap_or_default();
        assert!(p.cursor().is_err());
        let p = Params::parse(Some("cursor=%27%3B--"), &["cursor"]).unwrap_or_default();
        assert!(p.cursor().is_err());
    }

    #[test]
    fn times_are_millis_rfc3339_or_dates() {
        assert_eq!(parse_time("1700000000000"), Some(1_700_000_000_000));
        assert_eq!(parse_time("2024-01-02"), Some(1_704_153_600_000));
        assert_eq!(parse_time("2024-01-02T00:00:01Z"), Some(1_704_153_601_000));
        assert_eq!(parse_time("-5"), None);
        assert_eq!(parse_time("2024-13-02"), None);
        assert_eq!(parse_time("99999999999999999999"), None);
    }
}
