//! The administrative tree in the database: districts, official municipalities and their
//! membership by years (migration 0008), seeded from the shipped tree, and planmon's
//! municipalities linked to their official entries by name.

use super::{NameMatch, tree};
use crate::db::Db;
use sqlx::AnyConnection;

/// A municipality's membership of a district for a span of years (`None` = open-ended).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Membership {
    pub municipality_code: String,
    pub district_code: String,
    pub valid_from: Option<i64>,
    pub valid_to: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum TerritoryError {
    #[error("няма община с код „{0}“")]
    UnknownMunicipality(String),
    #[error("няма област с код „{0}“")]
    UnknownDistrict(String),
    #[error("община {municipality} вече е в област {district} от {year} г.")]
    AlreadyThere {
        municipality: String,
        district: String,
        year: i64,
    },
    #[error("грешка в базата данни: {0}")]
    Sql(#[from] sqlx::Error),
}

/// Adds what is missing of the shipped tree (districts, municipalities, and an open-ended
/// membership for a municipality that has none) and links planmon's municipalities to their
/// official entries. Idempotent; never changes a membership that is stored.
pub async fn seed(db: &Db) -> Result<(), TerritoryError> {
    let t = tree();
    let mut tx = db.pool.begin().await?;
    let known: Vec<String> = sqlx::query_scalar("SELECT code FROM districts")
        .fetch_all(&mut *tx)
        .await?;
    let districts: Vec<[&str; 3]> = t
        .districts
        .iter()
        .filter(|d| !known.contains(&d.code))
        .map(|d| [d.code.as_str(), d.name.as_str(), d.nuts2.as_str()])
        .collect();
    insert_rows(&mut tx, "districts (code, name, nuts2)", &districts).await?;
    let known: Vec<String> = sqlx::query_scalar("SELECT code FROM official_municipalities")
        .fetch_all(&mut *tx)
        .await?;
    let new: Vec<&super::Municipality> = t
        .municipalities
        .iter()
        .filter(|m| !known.contains(&m.code))
        .collect();
    let rows: Vec<[&str; 2]> = new
        .iter()
        .map(|m| [m.code.as_str(), m.name.as_str()])
        .collect();
    insert_rows(&mut tx, "official_municipalities (code, name)", &rows).await?;
    let rows: Vec<[&str; 2]> = new
        .iter()
        .map(|m| [m.code.as_str(), m.district.as_str()])
        .collect();
    insert_rows(
        &mut tx,
        "municipality_districts (municipality_code, district_code)",
        &rows,
    )
    .await?;
    link_municipalities(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Inserts text rows into `table (columns)` in one statement (a few hundred rows at most).
async fn insert_rows<const N: usize>(
    conn: &mut AnyConnection,
    table: &str,
    rows: &[[&str; N]],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (0..rows.len())
        .map(|r| {
            let cells: Vec<String> = (1..=N).map(|c| format!("${}", r * N + c)).collect();
            format!("({})", cells.join(", "))
        })
        .collect();
    let sql = format!("INSERT INTO {table} VALUES {}", values.join(", "));
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for row in rows {
        for cell in row {
            query = query.bind(*cell);
        }
    }
    query.execute(conn).await?;
    Ok(())
}

/// Gives each of planmon's municipalities without a code the official one its name means, when
/// the name means exactly one (the stored district tells apart two of the same name).
async fn link_municipalities(conn: &mut AnyConnection) -> Result<(), TerritoryError> {
    let unlinked: Vec<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT id, name, district FROM municipalities WHERE code IS NULL")
            .fetch_all(&mut *conn)
            .await?;
    let taken: Vec<String> =
        sqlx::query_scalar("SELECT code FROM municipalities WHERE code IS NOT NULL")
            .fetch_all(&mut *conn)
            .await?;
    for (id, name, district) in unlinked {
        if let NameMatch::One(m) = tree().match_municipality(&name, district.as_deref())
            && !taken.contains(&m.code)
        {
            sqlx::query("UPDATE municipalities SET code = $1 WHERE id = $2")
                .bind(&m.code)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// The code of the district a municipality belonged to in `year`, under the tree in force then.
pub async fn district_in(
    db: &Db,
    municipality_code: &str,
    year: i64,
) -> Result<Option<String>, TerritoryError> {
    Ok(sqlx::query_scalar(
        "SELECT district_code FROM municipality_districts WHERE municipality_code = $1 \
         AND (valid_from IS NULL OR valid_from <= $2) AND (valid_to IS NULL OR valid_to >= $2)",
    )
    .bind(municipality_code)
    .bind(year)
    .fetch_optional(&db.pool)
    .await?)
}

/// The codes of the municipalities that belonged to a district in `year`, in code order.
pub async fn municipalities_in(
    db: &Db,
    district_code: &str,
    year: i64,
) -> Result<Vec<String>, TerritoryError> {
    Ok(sqlx::query_scalar(
        "SELECT municipality_code FROM municipality_districts WHERE district_code = $1 \
         AND (valid_from IS NULL OR valid_from <= $2) AND (valid_to IS NULL OR valid_to >= $2) \
         ORDER BY municipality_code",
    )
    .bind(district_code)
    .bind(year)
    .fetch_all(&db.pool)
    .await?)
}

/// Every stored membership of a municipality, oldest first.
pub async fn memberships(
    db: &Db,
    municipality_code: &str,
) -> Result<Vec<Membership>, TerritoryError> {
    Ok(sqlx::query_as(
        "SELECT municipality_code, district_code, valid_from, valid_to FROM municipality_districts \
         WHERE municipality_code = $1 ORDER BY COALESCE(valid_from, -1)",
    )
    .bind(municipality_code)
    .fetch_all(&db.pool)
    .await?)
}

/// Moves a municipality to another district from `year` on: the membership in force that year
/// ends the year before (or is dropped when it would start later), the new one is open-ended.
/// Earlier years keep counting under the old district.
pub async fn move_municipality(
    conn: &mut AnyConnection,
    municipality_code: &str,
    district_code: &str,
    year: i64,
) -> Result<(), TerritoryError> {
    let exists: Option<String> =
        sqlx::query_scalar("SELECT code FROM official_municipalities WHERE code = $1")
            .bind(municipality_code)
            .fetch_optional(&mut *conn)
            .await?;
    if exists.is_none() {
        return Err(TerritoryError::UnknownMunicipality(
            municipality_code.into(),
        ));
    }
    let district: Option<String> = sqlx::query_scalar("SELECT code FROM districts WHERE code = $1")
        .bind(district_code)
        .fetch_optional(&mut *conn)
        .await?;
    if district.is_none() {
        return Err(TerritoryError::UnknownDistrict(district_code.into()));
    }
    let current: Option<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT id, district_code, valid_from FROM municipality_districts WHERE municipality_code = $1 \
         AND (valid_from IS NULL OR valid_from <= $2) AND (valid_to IS NULL OR valid_to >= $2)",
    )
    .bind(municipality_code)
    .bind(year)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((id, current, from)) = current {
        if current == district_code {
            return Err(TerritoryError::AlreadyThere {
                municipality: municipality_code.into(),
                district: district_code.into(),
                year,
            });
        }
        if from == Some(year) {
            sqlx::query("DELETE FROM municipality_districts WHERE id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
        } else {
            sqlx::query("UPDATE municipality_districts SET valid_to = $1 WHERE id = $2")
                .bind(year - 1)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    // Memberships that would have started after the move give way to it.
    sqlx::query(
        "DELETE FROM municipality_districts WHERE municipality_code = $1 AND valid_from > $2",
    )
    .bind(municipality_code)
    .bind(year)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO municipality_districts (municipality_code, district_code, valid_from, valid_to) \
         VALUES ($1, $2, $3, NULL)",
    )
    .bind(municipality_code)
    .bind(district_code)
    .bind(year)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
