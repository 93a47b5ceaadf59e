//! Query plans of the searches that run on every booking, so a test can check that each one
//! reads an index range bounded on both sides: its cost must not grow with a doctor's history.

use super::{appointments, availability, Db};

/// One search and the plan the engine chose for it, one line per plan node.
pub struct Plan {
    pub name: String,
    pub lines: Vec<String>,
}

/// The hot searches with sample arguments (doctor 1, a window of one day).
fn searches() -> Vec<(String, String)> {
    vec![
        ("busy times".into(), appointments::BUSY_SQL.to_string()),
        (
            "availability ranges".into(),
            availability::RANGES.to_string(),
        ),
        ("availability list".into(), availability::list_sql()),
    ]
}

const ARGS: [i64; 3] = [1, 1_900_000_000, 1_900_086_400];

/// The body of a SQLite trigger's `WHEN ... EXISTS (...)` search, with `NEW.x` replaced by
/// sample values, so the search the trigger runs can be explained like any query.
fn trigger_search(trigger_sql: &str) -> Option<String> {
    let start = trigger_sql.find("EXISTS (")? + "EXISTS (".len();
    let end = trigger_sql.find("\nBEGIN")?;
    let body = trigger_sql[start..end].trim_end().strip_suffix(')')?;
    Some(
        body.replace("NEW.doctor_id", "1")
            .replace("NEW.id", "0")
            .replace("NEW.blocked_from", "1900000000")
            .replace("NEW.blocked_until", "1900003600")
            .replace("NEW.starts_at", "1900000000")
            .replace("NEW.ends_at", "1900003600"),
    )
}

impl Db {
    /// The plans of the hot searches, and on SQLite of the no-overlap triggers' searches.
    pub async fn hot_search_plans(&self) -> Result<Vec<Plan>, sqlx::Error> {
        let mut plans = Vec::new();
        match self {
            Db::Sqlite { pool, .. } => {
                let triggers: Vec<(String, String)> = sqlx::query_as(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' \
                     AND name LIKE '%no_overlap%'",
                )
                .fetch_all(pool)
                .await?;
                let mut all = searches();
                for (name, sql) in triggers {
                    if let Some(search) = trigger_search(&sql) {
                        all.push((name, search));
                    }
                }
                for (name, sql) in all {
                    let explain = format!("EXPLAIN QUERY PLAN {sql}");
                    let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(&explain);
                    // The queries take the three arguments; the triggers' searches none.
                    if sql.contains("$1") {
                        for arg in ARGS {
                            query = query.bind(arg);
                        }
                    }
                    let rows = query.fetch_all(pool).await?;
                    let lines = rows.into_iter().map(|(.., detail)| detail).collect();
                    plans.push(Plan { name, lines });
                }
            }
            Db::Postgres { pool, .. } => {
                for (name, sql) in searches() {
                    // Sequential scans off: on a near-empty test table a scan is cheapest,
                    // and the question is which index bounds the planner can use.
                    let mut tx = pool.begin().await?;
                    sqlx::query("SET LOCAL enable_seqscan = off")
                        .execute(&mut *tx)
                        .await?;
                    let explain = format!("EXPLAIN {sql}");
                    let mut query = sqlx::query_scalar::<_, String>(&explain);
                    for arg in ARGS {
                        query = query.bind(arg);
                    }
                    let lines = query.fetch_all(&mut *tx).await?;
                    tx.rollback().await?;
                    plans.push(Plan { name, lines });
                }
            }
        }
        Ok(plans)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_trigger_search_is_taken_from_its_sql() {
        let sql = "CREATE TRIGGER t BEFORE INSERT ON appointments\nWHEN NEW.status IN ('pending') AND EXISTS (\n    SELECT 1 FROM appointments a WHERE a.doctor_id = NEW.doctor_id AND a.blocked_from < NEW.blocked_until\n)\nBEGIN\n    SELECT RAISE(ABORT, 'x');\nEND";
        assert_eq!(
            super::trigger_search(sql).unwrap().trim(),
            "SELECT 1 FROM appointments a WHERE a.doctor_id = 1 AND a.blocked_from < 1900003600"
        );
    }
}
