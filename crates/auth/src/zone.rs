//! Time zones: the one a user's browser reported at sign-in (an IANA name such as
//! `Europe/Berlin`), and times in mails written in it — always labelled with the zone.

use chrono::{DateTime, Datelike, Timelike};
use chrono_tz::Tz;
use pforte_shared::Lang;

/// The IANA name of a zone the browser reported, if Pforte knows it (`None` for anything else,
/// so nothing unchecked is stored).
pub fn known_zone(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 64 {
        return None;
    }
    raw.parse::<Tz>().ok().map(|tz| tz.name().to_owned())
}

/// UNIX seconds `at` as a reader in `zone` and `lang` writes them, with the zone named:
/// `2026-12-05 14:05 (Europe/Berlin)`, in German `05.12.2026 um 14:05 Uhr (Europe/Berlin)`. An unknown
/// zone reads as UTC.
pub fn format_in_zone(at: i64, zone: &str, lang: Lang) -> String {
    let tz: Tz = zone.parse().unwrap_or(Tz::UTC);
    let Some(utc) = DateTime::from_timestamp(at, 0) else {
        return pforte_shared::time::format_utc(at);
    };
    let local = utc.with_timezone(&tz);
    let (y, m, d, hh, mm) = (
        local.year(),
        local.month(),
        local.day(),
        local.hour(),
        local.minute(),
    );
    let name = tz.name();
    match lang {
        Lang::En => format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02} ({name})"),
        Lang::De => format!("{d:02}.{m:02}.{y:04} um {hh:02}:{mm:02} Uhr ({name})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_zones_are_kept() {
        assert_eq!(
            known_zone("Europe/Berlin").as_deref(),
            Some("Europe/Berlin")
        );
        assert_eq!(
            known_zone(" America/New_York ").as_deref(),
            Some("America/New_York")
        );
        assert_eq!(known_zone("UTC").as_deref(), Some("UTC"));
        for bad in [
            "",
            "Mars/Olympus",
            "Europe/Berlin; Path=/",
            "../../etc/passwd",
            "<b>",
        ] {
            assert_eq!(known_zone(bad), None, "{bad}");
        }
    }

    #[test]
    fn times_are_written_in_the_zone_and_name_it() {
        // 2027-01-15 08:00 UTC: 09:00 in Berlin (winter), 03:00 in New York.
        let at = 1_800_000_000;
        assert_eq!(
            format_in_zone(at, "UTC", Lang::En),
            "2027-01-15 08:00 (UTC)"
        );
        assert_eq!(
            format_in_zone(at, "Europe/Berlin", Lang::De),
            "15.01.2027 um 09:00 Uhr (Europe/Berlin)"
        );
        assert_eq!(
            format_in_zone(at, "America/New_York", Lang::En),
            "2027-01-15 03:00 (America/New_York)"
        );
        // Summer time: 2026-07-01 12:00 UTC is 14:00 in Berlin.
        assert_eq!(
            format_in_zone(1_782_907_200, "Europe/Berlin", Lang::De),
            "01.07.2026 um 14:00 Uhr (Europe/Berlin)"
        );
        assert_eq!(
            format_in_zone(at, "Nowhere/Else", Lang::En),
            "2027-01-15 08:00 (UTC)"
        );
    }
}
