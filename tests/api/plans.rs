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
            !text.contains("SCAN a\n") && !text.ends_with("SCAN a") && !text.contains("Seq Scan"),
            "{}: reads the whole table:\n{text}",
            plan.name
        );
        assert!(
            plan.lines.iter().any(|l| bounded(l)),
            "{}: no index range bounded on both sides:\n{text}",
            plan.name
        );
    }
}
