//! The searches every booking runs read a bounded index range, on both engines, so a doctor's
//! history (past, cancelled, completed appointments) does not make booking slower.

use crate::on_both_databases;
use crate::support::{Engine, TestApp};

on_both_databases!(hot_searches_read_an_index_range_bounded_on_both_sides);

/// A plan line that searches an index with a lower and an upper bound on one column.
fn bounded(line: &str) -> bool {
    let sqlite = line.contains("USING") && line.contains(">?") && line.contains("<?");
    let postgres = line.contains("Index Cond") && line.contains(" > ") && line.contains(" < ");
    sqlite || postgres
}

/// A line that reads an index or table: SQLite's `SEARCH`/`SCAN`, PostgreSQL's `Index Cond`.
fn searches_rows(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("SEARCH ") || line.starts_with("SCAN ") || line.starts_with("Index Cond")
}

async fn hot_searches_read_an_index_range_bounded_on_both_sides(app: &TestApp) {
    let plans = app.db.hot_search_plans().await.unwrap();
    let expected = match app.engine() {
        // Three queries, and the two appointment and one availability no-overlap triggers.
        Engine::Sqlite => 6,
        Engine::Postgres => 3,
    };
    assert_eq!(plans.len(), expected);
    for plan in plans {
        let text = plan.lines.join("\n");
        assert!(
            !text.contains("Seq Scan"),
            "{}: reads the whole table:\n{text}",
            plan.name
        );
        let searches: Vec<&String> = plan.lines.iter().filter(|l| searches_rows(l)).collect();
        assert!(!searches.is_empty(), "{}: no search:\n{text}", plan.name);
        // SQLite: every search, subqueries included, reads a range bounded on both sides.
        // PostgreSQL: the main search does; for the correlated subquery of the availability
        // list, the planner on these near-empty test tables ties the bounded B-tree with the
        // exclusion constraint's GiST index searched by doctor, so only the first is checked.
        let checked = match app.engine() {
            Engine::Sqlite => &searches[..],
            Engine::Postgres => &searches[..1],
        };
        assert!(
            checked.iter().all(|l| bounded(l)),
            "{}: a search not bounded on both sides:\n{text}",
            plan.name
        );
    }
}
