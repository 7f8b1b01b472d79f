//! The command line: `serve`, `migrate`, `import`, `export`.

use crate::config::Config;
use crate::plan::format::{parse_plan_json, to_plan_json};
use crate::plan::store;
use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "planmon",
    version,
    about = "planmon: municipal action plans for Roma integration, from the adopted document to the annual monitoring report",
    long_about = None
)]
pub struct Cli {
    /// Configuration file (TOML). Without it, ./planmon.toml is read when present.
    #[arg(long, global = true, env = "PLANMON_CONFIG")]
    pub config: Option<PathBuf>,
    /// Database to use: sqlite://FILE or postgres://USER@HOST/DB (overrides the configuration).
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web server.
    Serve {
        /// Also load the two sample plans (Пловдив 2022-2024, Казанлък 2021-2023).
        #[arg(long)]
        demo: bool,
        /// Address to listen on, e.g. 0.0.0.0:8080 (overrides the configuration).
        #[arg(long)]
        addr: Option<String>,
    },
    /// Create the database or bring its structure up to date, then stop.
    Migrate,
    /// Read a plan from a file and store it.
    Import {
        /// The file: planmon plan JSON.
        file: PathBuf,
        /// Use this municipality name instead of the one in the file.
        #[arg(long)]
        municipality: Option<String>,
        /// Check the file and show the result, but store nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the plan as planmon plan JSON on standard output.
        #[arg(long)]
        json: bool,
        /// Store the file as a new version of this existing plan instead of a new plan.
        #[arg(long, value_name = "PLAN_ID")]
        new_version_of: Option<i64>,
    },
    /// Write a stored plan to a file or to standard output.
    Export {
        /// The plan's number (as in /plans/NUMBER).
        plan: i64,
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        /// A saved version instead of the current one.
        #[arg(long)]
        version: Option<i64>,
        /// Output file; standard output when left out.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// planmon plan JSON, version 1.
    Json,
}

pub fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let mut config = Config::load(cli.config.as_deref(), std::env::vars())?;
    if let Some(url) = &cli.database_url {
        config.database_url = Some(url.clone());
    }
    Ok(config)
}

pub async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { demo, addr } => {
            let mut config = config;
            if let Some(addr) = addr {
                config.addr = addr;
            }
            crate::server::serve(config, demo).await
        }
        Command::Migrate => {
            crate::server::open_database(&config).await?;
            println!("Базата данни е обновена.");
            Ok(())
        }
        Command::Import {
            file,
            municipality,
            dry_run,
            json,
            new_version_of,
        } => import(&config, file, municipality, dry_run, json, new_version_of).await,
        Command::Export {
            plan,
            format: ExportFormat::Json,
            version,
            output,
        } => {
            let db = crate::server::open_database(&config).await?;
            let p = match version {
                Some(v) => store::load_version(&db, plan, v)
                    .await?
                    .with_context(|| format!("план {plan} няма версия {v}"))?,
                None => {
                    store::load_plan(&db, plan)
                        .await?
                        .with_context(|| format!("няма план с номер {plan}"))?
                        .plan
                }
            };
            let text = to_plan_json(&p);
            match output {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("не мога да запиша {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(())
        }
    }
}

async fn import(
    config: &Config,
    file: PathBuf,
    municipality: Option<String>,
    dry_run: bool,
    json: bool,
    new_version_of: Option<i64>,
) -> anyhow::Result<()> {
    let bytes =
        std::fs::read(&file).with_context(|| format!("не мога да прочета {}", file.display()))?;
    if bytes.len() > config.max_upload_bytes {
        bail!(
            "{}: файлът е {} байта, повече от разрешените {}",
            file.display(),
            bytes.len(),
            config.max_upload_bytes
        );
    }
    let text = std::str::from_utf8(&bytes)
        .with_context(|| format!("{}: файлът не е текст в UTF-8", file.display()))?;
    let mut plan = parse_plan_json(text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    if let Some(m) = municipality {
        plan.municipality = m;
    }
    if json {
        print!("{}", to_plan_json(&plan));
    }
    if dry_run {
        let c = crate::plan::rules::counts(&plan);
        eprintln!(
            "Проверка без запис: {} — {} приоритета, {} цели, {} мерки, {} индикатора.",
            plan.municipality, c.priorities, c.objectives, c.measures, c.indicators
        );
        return Ok(());
    }
    let db = crate::server::open_database(config).await?;
    let note = format!(
        "внесен от файл {}",
        file.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    );
    match new_version_of {
        Some(id) => {
            let v = store::save_version(&db, id, &plan, Some(&note))
                .await?
                .with_context(|| format!("няма план с номер {id}"))?;
            eprintln!("Планът {id} е записан като версия {v}.");
        }
        None => {
            let id = store::create_plan(&db, &plan, Some(&note)).await?;
            eprintln!("Планът е записан с номер {id}.");
        }
    }
    Ok(())
}
