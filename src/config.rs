//! Typed configuration: defaults, then an optional TOML file, then `PLANMON_*` variables.

use serde::Deserialize;
use std::fmt;
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
    /// Token that opens the administration pages (the import review) until accounts exist:
    /// `Authorization: Bearer TOKEN`, or the login form at /admin/login, which keeps it in a
    /// cookie. No token configured means administration is closed.
    pub admin_token: Option<String>,
    /// Log filter, e.g. "info" or "planmon=debug".
    pub log: String,
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
            log: "info".into(),
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
                "PLANMON_MAX_UPLOAD_BYTES" => {
                    config.max_upload_bytes = value.parse().map_err(|_| ConfigError::Env {
                        name: name.clone(),
                        value: value.clone(),
                    })?
                }
                _ => {}
            }
        }
        Ok(config)
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
            .field("log", &self.log)
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
    fn unknown_keys_in_the_file_are_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "adress = \"x\"\n").expect("write");
        let err = Config::load(Some(&file), env(&[])).expect_err("unknown key");
        assert!(err.to_string().contains("adress"), "{err}");
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
}
