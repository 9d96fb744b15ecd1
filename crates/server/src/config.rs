//! Configuration (SPEC §3): one typed value, parsed once from the environment.
//! A bad value stops start-up with one line naming the variable.

use std::net::SocketAddr;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub public_url: String,
    pub site_addr: SocketAddr,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid {variable}: {reason}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub reason: String,
}

fn bad(variable: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        reason: reason.into(),
    }
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|k| std::env::var(k).ok())
    }

    /// Parses configuration from any lookup (the environment, or a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let database_url = get("PFORTE_DATABASE_URL")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| "sqlite://data/pforte.db".to_owned());
        if pforte_auth::Engine::from_url(&database_url).is_none() {
            return Err(bad(
                "PFORTE_DATABASE_URL",
                "expected sqlite://… or postgres://…",
            ));
        }
        let public_url = get("PFORTE_PUBLIC_URL")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| "http://127.0.0.1:3000".to_owned());
        let parsed = url::Url::parse(&public_url)
            .map_err(|e| bad("PFORTE_PUBLIC_URL", format!("not a URL ({e})")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(bad(
                "PFORTE_PUBLIC_URL",
                "expected an http:// or https:// URL with a host",
            ));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(bad(
                "PFORTE_PUBLIC_URL",
                "must not have a query or fragment",
            ));
        }
        let site_addr = get("LEPTOS_SITE_ADDR")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let site_addr: SocketAddr = site_addr.parse().map_err(|_| {
            bad(
                "LEPTOS_SITE_ADDR",
                "expected host:port, e.g. 127.0.0.1:3000",
            )
        })?;
        Ok(Config {
            database_url,
            public_url: public_url.trim_end_matches('/').to_owned(),
            site_addr,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults() {
        let c = parse(&[]).expect("defaults parse");
        assert_eq!(c.database_url, "sqlite://data/pforte.db");
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
        assert_eq!(c.site_addr.to_string(), "127.0.0.1:3000");
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = parse(&[("PFORTE_DATABASE_URL", "mysql://x")]).expect_err("bad db");
        assert_eq!(e.variable, "PFORTE_DATABASE_URL");
        let e = parse(&[("PFORTE_PUBLIC_URL", "ftp://x")]).expect_err("bad url");
        assert_eq!(e.variable, "PFORTE_PUBLIC_URL");
        let e = parse(&[("LEPTOS_SITE_ADDR", "nope")]).expect_err("bad addr");
        assert_eq!(e.variable, "LEPTOS_SITE_ADDR");
        assert!(e.to_string().starts_with("invalid LEPTOS_SITE_ADDR"));
    }
}
