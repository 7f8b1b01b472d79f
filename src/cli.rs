//! The command line: `serve`, `migrate`, `import`, `inspect`, `export`, `report`, `backup`,
//! `restore`, `check`, `user`.

use crate::config::Config;
use crate::plan::format::{parse_plan_json, to_plan_json};
use crate::plan::store;
use anyhow::Context;

/// `println!` into a String.
macro_rules! outln {
    ($o:expr, $($arg:tt)*) => {{
        $o.push_str(&format!($($arg)*));
        $o.push('\n');
    }};
}
use crate::import::{ImportOptions, ImportOutcome, load};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

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
    /// Folder of uploaded files and adopted reports (overrides the configuration).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
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
        /// The file: the plan document (text extracted from Word/PDF, .txt/.md) or planmon plan
        /// JSON (.json).
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
    /// Amend a plan by a council decision: FILE is plan JSON, the amended plan as a document,
    /// or the amending decision listing the changes.
    Amend(crate::amend::cli::AmendArgs),
    /// Show what planmon recognises in a document (header, counts, warnings); stores nothing.
    Inspect {
        /// The plan document.
        file: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the annual monitoring report of a plan's closed reporting round.
    Report {
        /// The plan's number (as in /plans/NUMBER).
        #[arg(long)]
        plan: i64,
        /// The reporting year.
        #[arg(long)]
        year: i32,
        #[arg(long, value_enum, default_value_t = crate::report::render::Format::Docx)]
        format: crate::report::render::Format,
        /// A stored version of the report; the newest when left out (an adopted version is
        /// written exactly as the council adopted it).
        #[arg(long)]
        version: Option<i64>,
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
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
    /// Compare the stored files (evidence, adopted reports, decisions) with the database:
    /// missing or damaged files, files no record refers to. Exits with an error if any.
    Check,
    /// Write the whole system (database and stored files, with checksums) to one archive; safe
    /// while the server runs.
    Backup {
        /// The archive to write (ZIP).
        file: PathBuf,
    },
    /// Restore an archive of `planmon backup` into an empty database (SQLite or PostgreSQL,
    /// whichever the archive came from) and the data folder.
    Restore {
        /// The archive to read.
        file: PathBuf,
    },
    /// Fill the database with generated demo data (`generate country`, see the README).
    Generate {
        #[command(subcommand)]
        what: crate::generate::store::GenerateCommand,
    },
    /// Manage accounts: `user add --admin EMAIL` creates the first administrator.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. Without --password-stdin a password is generated and printed once.
    Add {
        /// The login name (e-mail address).
        email: String,
        /// Make the account an administrator (all municipalities, user management).
        #[arg(long, conflicts_with = "role")]
        admin: bool,
        /// A role: coordinator, reviewer (with --municipality) or reporter (with --municipality
        /// and --institution).
        #[arg(long)]
        role: Option<String>,
        /// Municipality of the role, by name (as in the plans) or slug.
        #[arg(long)]
        municipality: Option<String>,
        /// Institution of a reporter, by any of its names in the registry.
        #[arg(long)]
        institution: Option<String>,
        /// The person's name, shown next to the e-mail.
        #[arg(long, default_value = "")]
        name: String,
        /// Read the password from the first line of standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Grant one more role to an existing account.
    Grant {
        email: String,
        #[arg(long, conflicts_with = "role")]
        admin: bool,
        #[arg(long)]
        role: Option<String>,
        #[arg(long)]
        municipality: Option<String>,
        #[arg(long)]
        institution: Option<String>,
    },
    /// List the accounts with their roles.
    List,
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
    if let Some(dir) = &cli.data_dir {
        config.data_dir = dir.clone();
    }
    Ok(config)
}

pub async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    let writes = matches!(
        cli.command,
        Command::Import { dry_run: false, .. }
            | Command::User { .. }
            | Command::Restore { .. }
            | Command::Generate { .. }
    ) || matches!(&cli.command, Command::Amend(a) if !a.dry_run);
    let done = run_command(cli, &config).await;
    let postgres =
        crate::db::backend_of(&config.database_url()) == Some(crate::db::Backend::Postgres);
    if writes && postgres && done.is_ok() {
        // Running servers on PostgreSQL forget the answers they keep (SQLite ones notice).
        if let Ok(db) = crate::db::Db::connect(&config.database_url()).await {
            crate::web::cache::announce(&db).await;
        }
    }
    done
}

async fn run_command(cli: Cli, config: &Config) -> anyhow::Result<()> {
    let config = config.clone();
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
        Command::Amend(args) => crate::amend::cli::run(&config, args).await,
        Command::Inspect { file, json } => inspect(&config, &file, json),
        Command::User { command } => user(&config, command).await,
        Command::Backup { file } => {
            let db = crate::db::Db::connect(&config.database_url()).await?;
            let s = crate::backup::backup(&db, &config.data_dir, &file).await?;
            eprintln!(
                "Архивът {} е записан: {} таблици, {} реда, {} файла ({} байта).",
                file.display(),
                s.tables,
                s.rows,
                s.files,
                s.bytes
            );
            Ok(())
        }
        Command::Restore { file } => {
            let db = crate::db::Db::connect(&config.database_url()).await?;
            let s = crate::backup::restore(&db, &config.data_dir, &file).await?;
            eprintln!(
                "Възстановени са {} таблици, {} реда, {} файла ({} байта).",
                s.tables, s.rows, s.files, s.bytes
            );
            Ok(())
        }
        Command::Generate { what } => crate::generate::store::run(&config, what).await,
        Command::Check => {
            let db = crate::server::open_database(&config).await?;
            let report = crate::files::check(&db, &config.data_dir).await?;
            print!("{}", check_text(&report));
            anyhow::ensure!(
                report.is_clean(),
                "съхранените файлове не съответстват на базата данни (вижте списъка по-горе)"
            );
            Ok(())
        }
        Command::Report {
            plan,
            year,
            format,
            version,
            output,
        } => {
            let db = crate::server::open_database(&config).await?;
            let bytes = crate::report::store::report_bytes(
                &db,
                &config.data_dir,
                plan,
                year,
                version,
                format,
            )
            .await?
            .with_context(|| format!("план {plan} няма приключил отчетен кръг за {year} г."))?;
            std::fs::write(&output, bytes)
                .with_context(|| format!("не мога да запиша {}", output.display()))?;
            eprintln!("Докладът е записан в {}.", output.display());
            Ok(())
        }
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

/// What `planmon check` prints.
pub fn check_text(r: &crate::files::CheckReport) -> String {
    let mut o = String::new();
    outln!(o, "Съхранени файлове в ред: {}", r.ok);
    for (label, list) in [
        ("Липсващи файлове (има запис, няма файл)", &r.missing),
        (
            "Повредени файлове (съдържанието не отговаря на контролната сума)",
            &r.damaged,
        ),
        ("Файлове без запис в базата данни", &r.orphans),
    ] {
        outln!(o, "{label}: {}", list.len());
        for path in list {
            outln!(o, "  {path}");
        }
    }
    o
}

async fn user(config: &Config, command: UserCommand) -> anyhow::Result<()> {
    use crate::account::cli::{RoleRequest, add, grant_role, list};
    let db = crate::server::open_database(config).await?;
    match command {
        UserCommand::Add {
            email,
            admin,
            role,
            municipality,
            institution,
            name,
            password_stdin,
        } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .context("не мога да прочета паролата от стандартния вход")?;
                Some(line.trim_end_matches(['\r', '\n']).to_string())
            } else {
                None
            };
            let request = RoleRequest {
                admin,
                role,
                municipality,
                institution,
                district: None,
            };
            let generated = add(&db, &email, &name, password, &request).await?;
            eprintln!("Потребителят {} е създаден.", email.trim().to_lowercase());
            if let Some(p) = generated {
                println!("Парола (показва се само сега): {p}");
            }
        }
        UserCommand::Grant {
            email,
            admin,
            role,
            municipality,
            institution,
        } => {
            let request = RoleRequest {
                admin,
                role,
                municipality,
                institution,
                district: None,
            };
            if grant_role(&db, &email, &request).await? {
                eprintln!("Ролята е възложена.");
            } else {
                eprintln!("Потребителят вече има тази роля.");
            }
        }
        UserCommand::List => write_stdout(&list(&db).await?)?,
    }
    Ok(())
}

/// Records a plan stored from the command line in the audit log, then commits both together.
async fn audit_plan(mut tx: Tx, action: &str, id: i64, note: &str) -> anyhow::Result<()> {
    let municipality: Option<i64> =
        sqlx::query_scalar("SELECT municipality_id FROM plans WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    crate::audit::Event::new(crate::audit::Actor::cli(), action, "plan", id)
        .municipality(municipality)
        .after(&serde_json::json!({ "note": note }))
        .record(&mut *tx)
        .await?;
    Ok(tx.commit().await?)
}
type Tx = sqlx::Transaction<'static, sqlx::Any>;

async fn import(
    config: &Config,
    file: PathBuf,
    municipality: Option<String>,
    dry_run: bool,
    json: bool,
    new_version_of: Option<i64>,
) -> anyhow::Result<()> {
    let bytes = read_file(config, &file)?;
    let is_json = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let mut plan = if is_json {
        let text = std::str::from_utf8(&bytes)
            .with_context(|| format!("{}: файлът не е текст в UTF-8", file.display()))?;
        parse_plan_json(text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?
    } else {
        let options = ImportOptions {
            municipality: municipality.clone(),
            limits: config.read_limits(),
        };
        let out = read_with_progress(&file, &bytes, &options)?;
        for w in &out.warnings {
            eprintln!("предупреждение: {}: {}", w.at, w.message);
        }
        out.plan
            .with_context(|| format!("{}: {}", file.display(), load::NO_TABLE))?
    };
    if let Some(m) = municipality {
        plan.municipality = m;
    }
    if json {
        write_stdout(&to_plan_json(&plan))?;
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
    let mut tx = db.pool.begin().await?;
    let note = format!("внесен от файл {}", file_name(&file));
    match new_version_of {
        Some(id) => {
            let v = store::save_version_in(&mut tx, id, &plan, Some(&note))
                .await?
                .with_context(|| format!("няма план с номер {id}"))?;
            audit_plan(tx, "plan.new_version", id, &note).await?;
            eprintln!("Планът {id} е записан като версия {v}.");
        }
        None => {
            let id = store::create_plan_in(&mut tx, &plan, Some(&note)).await?;
            audit_plan(tx, "plan.create", id, &note).await?;
            eprintln!("Планът е записан с номер {id}.");
        }
    }
    Ok(())
}

/// Reads a file to import, refusing it before reading when it is larger than the limit.
pub(crate) fn read_file(config: &Config, file: &Path) -> anyhow::Result<Vec<u8>> {
    let size = std::fs::metadata(file)
        .with_context(|| format!("не мога да прочета {}", file.display()))?
        .len();
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    crate::import::read::check_size(&file.display().to_string(), size, config.max_upload_bytes)?;
    let progress = crate::import::progress::Progress::new(&file_name(file), size as u64);
    let bytes = std::fs::File::open(file)
        .and_then(|f| progress.read_file(f, size as u64))
        .with_context(|| format!("не мога да прочета {}", file.display()));
    progress.finish();
    bytes
}

fn file_name(file: &Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string())
}

/// Reads and recognises a document, with a progress bar on large files when stderr is a
/// terminal (see `import::progress`).
fn read_with_progress(
    file: &Path,
    bytes: &[u8],
    options: &ImportOptions,
) -> anyhow::Result<ImportOutcome> {
    let name = file_name(file);
    let progress = crate::import::progress::Progress::new(&name, bytes.len() as u64);
    let out = load::import_bytes_with_progress(&name, bytes, options, &mut |stage, done, all| {
        progress.stage(stage, done, all)
    });
    progress.finish();
    Ok(out?)
}

fn inspect(config: &Config, file: &Path, json: bool) -> anyhow::Result<()> {
    let bytes = read_file(config, file)?;
    let options = ImportOptions {
        limits: config.read_limits(),
        ..ImportOptions::default()
    };
    let out = read_with_progress(file, &bytes, &options)?;
    let name = file_name(file);
    let s = load::summary(&name, &out);
    if json {
        write_stdout(&(serde_json::to_string_pretty(&s)? + "\n"))?;
        return Ok(());
    }
    let mut o = String::new();
    let none = "—".to_string();
    outln!(o, "Файл: {name} ({})", out.format.code());
    let r = &s.recognised;
    // Each fact with the place it was found, or said to be unknown.
    let fact = |value: Option<String>, at: &Option<String>| match (value, at) {
        (Some(v), Some(at)) => format!("{v} (намерено: {at})"),
        (Some(v), None) => v,
        (None, _) => format!("{none} (не е посочено в документа)"),
    };
    outln!(
        o,
        "Община: {}",
        fact(r.municipality.clone(), &r.found.municipality)
    );
    outln!(o, "Заглавие: {}", fact(r.title.clone(), &r.found.title));
    let period = r.period.map(|p| format!("{}-{}", p.from, p.to));
    outln!(o, "Период: {}", fact(period, &r.found.period));
    let adoption = r.adoption.as_ref().map(|a| {
        format!(
            "решение № {}, протокол № {}, {}",
            a.decision_number.as_deref().unwrap_or("?"),
            a.protocol_number.as_deref().unwrap_or("?"),
            a.date.as_deref().unwrap_or("без дата")
        )
    });
    match adoption {
        Some(a) => outln!(o, "Приет с: {}", fact(Some(a), &r.found.adoption)),
        None => outln!(o, "Приет с: не е посочено решение на общинския съвет"),
    }
    match s.counts {
        Some(c) => outln!(
            o,
            "Съдържание: {} приоритета, {} цели, {} мерки, {} индикатора; неразпознат текст: {}",
            c.priorities,
            c.objectives,
            c.measures,
            c.indicators,
            s.unplaced
        ),
        None => outln!(o, "Съдържание: {}", load::NO_TABLE),
    }
    outln!(o, "Предупреждения: {}", out.warnings.len());
    for w in &out.warnings {
        outln!(o, "  - {}: {}", w.at, w.message);
    }
    write_stdout(&o)?;
    Ok(())
}

/// Writes to standard output; a closed pipe (`| head`) is not an error.
pub(crate) fn write_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
