//! Typed configuration: defaults, then an optional TOML file, then `PLANMON_*` variables.

use crate::import::budget::ReadLimits;
use serde::Deserialize;
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

#[derive(Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://…` (default: a file in `data_dir`) or `postgres://…`.
    pub database_url: Option<String>,
    /// Address the server listens on.
    pub addr: String,
    /// Where the SQLite database and uploaded files live.
    pub data_dir: PathBuf,
    /// The address the public reaches planmon at, for links in e-mails and exports.
    pub public_url: Option<String>,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: usize,
    /// Token for scripts that use the administration pages (the import):
    /// `Authorization: Bearer TOKEN`; wrong tokens are throttled per address. People log in
    /// with an account instead. No token configured means scripts are refused.
    pub admin_token: Option<String>,
    /// Addresses (or `address/prefix` ranges) of reverse proxies whose `X-Forwarded-For` is
    /// believed for the client's address (throttling, audit). Empty: the peer's address.
    pub trusted_proxies: Vec<String>,
    /// Connections served at once; more wait until one closes.
    pub max_connections: usize,
    /// Log filter, e.g. "info" or "planmon=debug".
    pub log: String,
    /// The open data: licence, publisher, IATI reporting organisation (`[open_data]`).
    pub open_data: OpenData,
    /// The reading budget of every upload (`[limits]`; see `import::budget::ReadLimits`).
    pub limits: ReadLimits,
    /// The mail server e-mail is sent through (`[smtp]`); without a host nothing is sent and
    /// administrators read the messages on `/admin/outbox`.
    pub smtp: SmtpConfig,
    /// Text recognition of scanned PDFs (`[ocr]`, `PLANMON_OCR=1`), off by default.
    pub ocr: crate::import::pdf::ocr::Ocr,
}

/// How e-mail leaves (`[smtp]`, `PLANMON_SMTP_*`).
#[derive(Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpConfig {
    /// The mail server's host name; none: no e-mail is sent.
    pub host: Option<String>,
    /// The port; by default 587 with STARTTLS, 465 with TLS, 25 without.
    pub port: Option<u16>,
    /// `starttls` (default), `tls` (TLS from the first byte) or `none` (only to a relay on
    /// this machine: `localhost`, `127.0.0.1`, `::1`).
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender's address, e.g. `planmon <planmon@obshtina.bg>`; required with a host.
    pub from: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    #[default]
    StartTls,
    Tls,
    None,
}

impl SmtpTls {
    fn parse(text: &str) -> Option<SmtpTls> {
        match text.trim().to_lowercase().as_str() {
            "starttls" => Some(SmtpTls::StartTls),
            "tls" => Some(SmtpTls::Tls),
            "none" => Some(SmtpTls::None),
            _ => None,
        }
    }
}

impl SmtpConfig {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            SmtpTls::StartTls => 587,
            SmtpTls::Tls => 465,
            SmtpTls::None => 25,
        })
    }

    /// What is wrong with the settings, when a host is given.
    fn check(&self) -> Result<(), ConfigError> {
        let Some(host) = self.host.as_deref().filter(|h| !h.is_empty()) else {
            return Ok(());
        };
        let bad = |why: &str| Err(ConfigError::Smtp(why.to_string()));
        let from = self.from.as_deref().unwrap_or_default();
        if from.parse::<lettre::message::Mailbox>().is_err() {
            return bad(&format!(
                "from: „{from}“ не е адрес на подател (напр. planmon <planmon@obshtina.bg>)"
            ));
        }
        if self.tls == SmtpTls::None && !matches!(host, "localhost" | "127.0.0.1" | "::1") {
            return bad(&format!(
                "tls = \"none\" е разрешено само към сървър на същата машина, не към {host}"
            ));
        }
        if self.username.is_some() != self.password.is_some() {
            return bad("username и password се задават заедно");
        }
        Ok(())
    }
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port())
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .finish()
    }
}

/// How the open data is published (`/data`, the DCAT-AP catalogue, IATI).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct OpenData {
    /// The licence's short name, shown with every dataset.
    pub licence: String,
    /// The licence's address.
    pub licence_url: String,
    /// Who publishes the data (the DCAT-AP publisher).
    pub publisher: String,
    /// The IATI reporting organisation's identifier, e.g. "XM-DAC-…" or "BG-EIK-…".
    pub reporting_org_ref: String,
    /// The IATI reporting organisation's name.
    pub reporting_org_name: String,
    /// Its IATI OrganisationType code (10 = government).
    pub reporting_org_type: String,
}

impl Default for OpenData {
    fn default() -> Self {
        OpenData {
            licence: "CC BY 4.0".into(),
            licence_url: "https://creativecommons.org/licenses/by/4.0/".into(),
            publisher: "planmon".into(),
            reporting_org_ref: "BG-PLANMON".into(),
            reporting_org_name: "planmon".into(),
            reporting_org_type: "10".into(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: None,
            addr: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            public_url: None,
            max_upload_bytes: 50 * 1024 * 1024,
            admin_token: None,
            trusted_proxies: Vec::new(),
            max_connections: 1024,
            log: "info".into(),
            open_data: OpenData::default(),
            limits: ReadLimits::DEFAULT,
            smtp: SmtpConfig::default(),
            ocr: crate::import::pdf::ocr::Ocr::OFF,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("не мога да прочета конфигурационния файл {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("грешка в конфигурационния файл {path}: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("променливата {name} има невалидна стойност „{value}“")]
    Env { name: String, value: String },
    #[error("trusted_proxies: „{0}“ не е IP адрес или диапазон (адрес/префикс)")]
    Proxy(String),
    #[error("[smtp] {0}")]
    Smtp(String),
}

impl Config {
    /// Loads the configuration. `file` is the `--config` path; without it `planmon.toml` in the
    /// working directory is read when present. `env` yields the process environment.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let default_file = Path::new("planmon.toml");
        let path = match file {
            Some(p) => Some(p.to_path_buf()),
            None if default_file.exists() => Some(default_file.to_path_buf()),
            None => None,
        };
        let mut config = match path {
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                toml::from_str(&text).map_err(|source| ConfigError::Parse {
                    path,
                    source: Box::new(source),
                })?
            }
            None => Config::default(),
        };
        for (name, value) in env {
            let non_empty = || (!value.is_empty()).then(|| value.clone());
            match name.as_str() {
                "PLANMON_DATABASE_URL" => config.database_url = non_empty(),
                "PLANMON_ADDR" => config.addr = value.clone(),
                "PLANMON_DATA_DIR" => config.data_dir = PathBuf::from(&value),
                "PLANMON_PUBLIC_URL" => config.public_url = non_empty(),
                "PLANMON_ADMIN_TOKEN" => config.admin_token = non_empty(),
                "PLANMON_LOG" => config.log = value.clone(),
                "PLANMON_SMTP_HOST" => config.smtp.host = non_empty(),
                "PLANMON_SMTP_USERNAME" => config.smtp.username = non_empty(),
                "PLANMON_SMTP_PASSWORD" => config.smtp.password = non_empty(),
                "PLANMON_SMTP_FROM" => config.smtp.from = non_empty(),
                "PLANMON_SMTP_PORT" => {
                    config.smtp.port = Some(value.parse().map_err(|_| ConfigError::Env {
                        name: name.clone(),
                        value: value.clone(),
                    })?)
                }
                "PLANMON_SMTP_TLS" => {
                    config.smtp.tls = SmtpTls::parse(&value).ok_or_else(|| ConfigError::Env {
                        name: name.clone(),
                        value: value.clone(),
                    })?
                }
                "PLANMON_TRUSTED_PROXIES" => {
                    config.trusted_proxies = value
                        .split(',')
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                        .map(str::to_string)
                        .collect()
                }
                "PLANMON_MAX_CONNECTIONS" => {
                    config.max_connections = value.parse().map_err(|_| ConfigError::Env {
                        name: name.clone(),
                        value: value.clone(),
                    })?
                }
                "PLANMON_MAX_UPLOAD_BYTES" => {
                    config.max_upload_bytes = value.parse().map_err(|_| ConfigError::Env {
                        name: name.clone(),
                        value: value.clone(),
                    })?
                }
                _ if name.starts_with("PLANMON_OCR") => {
                    if !config.ocr.set_env(&name, &value) {
                        return Err(ConfigError::Env {
                            name: name.clone(),
                            value: value.clone(),
                        });
                    }
                }
                _ => {
                    if let Some(limit) = name.strip_prefix("PLANMON_LIMIT_") {
                        let parsed = value.parse::<u64>().ok().filter(|v| *v > 0);
                        let known = ReadLimits::NAMES.contains(&limit.to_lowercase().as_str());
                        match parsed {
                            Some(v) if known => {
                                config.limits.set(&limit.to_lowercase(), v);
                            }
                            _ => {
                                return Err(ConfigError::Env {
                                    name: name.clone(),
                                    value: value.clone(),
                                });
                            }
                        }
                    }
                }
            }
        }
        if let Some(bad) = config
            .trusted_proxies
            .iter()
            .find(|p| parse_range(p).is_none())
        {
            return Err(ConfigError::Proxy(bad.clone()));
        }
        config.smtp.check()?;
        Ok(config)
    }

    /// The reading budget of an upload: `[limits]`, with the file size from
    /// `max_upload_bytes`.
    pub fn read_limits(&self) -> ReadLimits {
        ReadLimits {
            file_bytes: self.max_upload_bytes as u64,
            ocr: self.ocr,
            ..self.limits
        }
    }

    /// The database URL in use: the configured one, or the SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("planmon.db").display()
            ),
        }
    }
}

impl Config {
    /// Whether `ip` is one of the configured reverse proxies.
    pub fn is_trusted_proxy(&self, ip: IpAddr) -> bool {
        self.trusted_proxies
            .iter()
            .filter_map(|p| parse_range(p))
            .any(|(net, prefix)| in_range(ip, net, prefix))
    }
}

/// `10.0.0.1` or `10.0.0.0/8` (IPv4 or IPv6) as (address, prefix length).
fn parse_range(text: &str) -> Option<(IpAddr, u32)> {
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p.parse::<u32>().ok()?)),
        None => (text, None),
    };
    let addr: IpAddr = addr.trim().parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = prefix.unwrap_or(max);
    (prefix <= max).then_some((addr, prefix))
}

fn in_range(ip: IpAddr, net: IpAddr, prefix: u32) -> bool {
    let bits = |a: IpAddr| -> (u128, u32) {
        match a {
            IpAddr::V4(v) => (u128::from(u32::from(v)), 32),
            IpAddr::V6(v) => match v.to_ipv4_mapped() {
                Some(v4) => (u128::from(u32::from(v4)), 32),
                None => (u128::from(v), 128),
            },
        }
    };
    let ((ip, ip_len), (net, net_len)) = (bits(ip), bits(net));
    if ip_len != net_len || prefix > net_len {
        return false;
    }
    let shift = net_len - prefix;
    shift >= 128 || (ip >> shift) == (net >> shift)
}

/// Hides passwords in URLs and tokens so configuration can be logged.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url()))
            .field("addr", &self.addr)
            .field("data_dir", &self.data_dir)
            .field("public_url", &self.public_url)
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("admin_token", &self.admin_token.as_ref().map(|_| "***"))
            .field("trusted_proxies", &self.trusted_proxies)
            .field("max_connections", &self.max_connections)
            .field("log", &self.log)
            .field("open_data", &self.open_data)
            .field("limits", &self.limits)
            .field("smtp", &self.smtp)
            .finish()
    }
}

/// `postgres://user:secret@host/db` -> `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn environment_overrides_the_file_which_overrides_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("planmon.toml");
        std::fs::write(&file, "addr = \"0.0.0.0:9000\"\nlog = \"debug\"\n").expect("write");
        let c = Config::load(Some(&file), env(&[("PLANMON_ADDR", "127.0.0.1:1")])).expect("load");
        assert_eq!(c.addr, "127.0.0.1:1");
        assert_eq!(c.log, "debug");
        assert_eq!(c.max_upload_bytes, Config::default().max_upload_bytes);
    }

    #[test]
    fn default_database_is_a_sqlite_file_in_the_data_dir() {
        let c = Config::load(None, env(&[("PLANMON_DATA_DIR", "/srv/pm")])).expect("load");
        assert_eq!(c.database_url(), "sqlite:///srv/pm/planmon.db?mode=rwc");
    }

    #[test]
    fn the_open_data_licence_defaults_to_cc_by_and_can_be_changed_in_the_file() {
        assert_eq!(Config::default().open_data.licence, "CC BY 4.0");
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("planmon.toml");
        std::fs::write(
            &file,
            "[open_data]\nlicence = \"CC0 1.0\"\nreporting_org_ref = \"BG-EIK-000695235\"\n",
        )
        .expect("write");
        let c = Config::load(Some(&file), env(&[])).expect("load");
        assert_eq!(c.open_data.licence, "CC0 1.0");
        assert_eq!(c.open_data.reporting_org_ref, "BG-EIK-000695235");
        assert_eq!(c.open_data.publisher, OpenData::default().publisher);
    }

    #[test]
    fn unknown_keys_in_the_file_are_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "adress = \"x\"\n").expect("write");
        let err = Config::load(Some(&file), env(&[])).expect_err("unknown key");
        assert!(err.to_string().contains("adress"), "{err}");
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges() {
        let c = Config::load(
            None,
            env(&[("PLANMON_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.5,::1")]),
        )
        .expect("load");
        let ip = |s: &str| s.parse::<IpAddr>().expect("ip");
        assert!(c.is_trusted_proxy(ip("10.20.30.40")));
        assert!(c.is_trusted_proxy(ip("192.168.1.5")));
        assert!(c.is_trusted_proxy(ip("::1")));
        assert!(c.is_trusted_proxy(ip("::ffff:10.1.1.1")));
        assert!(!c.is_trusted_proxy(ip("192.168.1.6")));
        assert!(!c.is_trusted_proxy(ip("11.0.0.1")));
        assert!(!Config::default().is_trusted_proxy(ip("127.0.0.1")));
        let err = Config::load(None, env(&[("PLANMON_TRUSTED_PROXIES", "10.0.0.0/33")]))
            .expect_err("bad range");
        assert!(err.to_string().contains("10.0.0.0/33"), "{err}");
    }

    #[test]
    fn secrets_never_print() {
        let c = Config {
            database_url: Some("postgres://pm:hunter2@db/pm".into()),
            admin_token: Some("s3cret".into()),
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("s3cret"),
            "{shown}"
        );
    }

    #[test]
    fn smtp_comes_from_the_file_and_the_environment_and_its_password_never_prints() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("planmon.toml");
        std::fs::write(
            &file,
            "[smtp]\nhost = \"mail.obshtina.bg\"\nfrom = \"planmon <planmon@obshtina.bg>\"\n\
             username = \"planmon\"\n",
        )
        .expect("write");
        let c = Config::load(
            Some(&file),
            env(&[
                ("PLANMON_SMTP_PASSWORD", "hunter2"),
                ("PLANMON_SMTP_TLS", "tls"),
            ]),
        )
        .expect("load");
        assert_eq!(c.smtp.host.as_deref(), Some("mail.obshtina.bg"));
        assert_eq!(c.smtp.tls, SmtpTls::Tls);
        assert_eq!(c.smtp.port(), 465);
        assert!(!format!("{c:?}").contains("hunter2"));
        assert_eq!(Config::default().smtp.port(), 587);
    }

    #[test]
    fn smtp_without_tls_is_refused_except_to_this_machine_and_needs_a_sender() {
        let load = |pairs: &[(&str, &str)]| Config::load(None, env(pairs));
        let plain = [
            ("PLANMON_SMTP_HOST", "mail.obshtina.bg"),
            ("PLANMON_SMTP_FROM", "planmon@obshtina.bg"),
            ("PLANMON_SMTP_TLS", "none"),
        ];
        let err = load(&plain).expect_err("no TLS to another host");
        assert!(err.to_string().contains("mail.obshtina.bg"), "{err}");
        let local = [
            ("PLANMON_SMTP_HOST", "127.0.0.1"),
            ("PLANMON_SMTP_FROM", "planmon@obshtina.bg"),
            ("PLANMON_SMTP_TLS", "none"),
        ];
        assert_eq!(load(&local).expect("local relay").smtp.port(), 25);
        let err = load(&[("PLANMON_SMTP_HOST", "mail.obshtina.bg")]).expect_err("no sender");
        assert!(err.to_string().contains("from"), "{err}");
        assert!(load(&[("PLANMON_SMTP_TLS", "ssl")]).is_err());
    }

    #[test]
    fn reading_limits_come_from_the_limits_table_and_the_environment() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("planmon.toml");
        std::fs::write(
            &file,
            "max_upload_bytes = 1000\n[limits]\ncells = 10\ndepth = 8\n",
        )
        .expect("write");
        let c = Config::load(Some(&file), env(&[("PLANMON_LIMIT_ROWS", "7")])).expect("load");
        let limits = c.read_limits();
        assert_eq!(limits.cells, 10);
        assert_eq!(limits.depth, 8);
        assert_eq!(limits.rows, 7);
        assert_eq!(limits.file_bytes, 1000);
        assert_eq!(limits.zip_entries, ReadLimits::DEFAULT.zip_entries);
        assert!(!limits.ocr.enabled, "OCR is off by default");
    }

    #[test]
    fn ocr_is_switched_on_by_the_file_or_the_environment_and_reaches_the_readers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("planmon.toml");
        std::fs::write(
            &file,
            "[ocr]
enabled = true
pages = 20
",
        )
        .expect("write");
        let c = Config::load(Some(&file), env(&[("PLANMON_OCR_SECONDS", "90")])).expect("load");
        let ocr = c.read_limits().ocr;
        assert!(ocr.enabled);
        assert_eq!((ocr.pages, ocr.seconds, ocr.dpi), (20, 90, 300));
        let c = Config::load(None, env(&[("PLANMON_OCR", "1")])).expect("load");
        assert!(c.read_limits().ocr.enabled);
        assert!(Config::load(None, env(&[("PLANMON_OCR", "perhaps")])).is_err());
        assert!(Config::load(None, env(&[("PLANMON_OCR_PAGES", "0")])).is_err());
    }

    #[test]
    fn an_unknown_or_zero_limit_is_refused_by_name() {
        let refused = |name: &str, value: &str| {
            Config::load(None, env(&[(name, value)]))
                .expect_err("refused")
                .to_string()
        };
        assert!(refused("PLANMON_LIMIT_CELLZ", "5").contains("PLANMON_LIMIT_CELLZ"));
        assert!(refused("PLANMON_LIMIT_CELLS", "0").contains("PLANMON_LIMIT_CELLS"));
        assert!(refused("PLANMON_LIMIT_CELLS", "many").contains("many"));
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("planmon.toml");
        std::fs::write(&file, "[limits]\nfile_bytes = 5\n").expect("write");
        let err = Config::load(Some(&file), env(&[])).expect_err("file_bytes is not a limit here");
        assert!(err.to_string().contains("file_bytes"), "{err}");
    }
}
