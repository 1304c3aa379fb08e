//! How both stores answer a free-text patient search (`q`): which of two plans, chosen
//! from how many patients each term matches, so that the slow plan for a query is never
//! the one a database's planner guessed (Postgres, before its statistics catch up with
//! a rebuild, guessed plans that read every patient).
//!
//! - **Intersect** the patients of the rare terms (each at most [`DRIVE_LIMIT`] index
//!   entries, read from the terms index), check each one left against the common terms,
//!   then sort the few that remain. Cost follows the rare terms, so a name nobody has or
//!   a record number costs almost nothing.
//! - **Walk** the clinic's patients in list order and keep those that match every term,
//!   when every term is common (a one-letter prefix, the clinic's record-number prefix):
//!   the page fills after a few rows, where intersecting would sort tens of thousands.
//!
//! Each term is counted up to [`DRIVE_LIMIT`] index entries (`LIMIT` in the count), so
//! planning costs at most that many entries a term.

/// The most index entries a term may match and still be read whole ("rare"); above it a
/// term is "common" and only checked patient by patient.
pub const DRIVE_LIMIT: i64 = 5_000;

/// How a search is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Some term matches nobody: the answer is empty without reading patients.
    Nothing,
    /// Intersect the rare terms' patients; check the common terms on what is left.
    Intersect,
    /// Walk the patients in list order, checking every term.
    Walk,
}

/// Whether a term counted at `count` entries is read whole (see [`Plan::Intersect`]).
pub fn rare(count: i64) -> bool {
    count < DRIVE_LIMIT
}

/// The plan for terms that match `counts[i]` index entries each (counted up to
/// [`DRIVE_LIMIT`]). No terms at all walks (a search with no text is a list).
pub fn plan(counts: &[i64]) -> Plan {
    if counts.contains(&0) {
        Plan::Nothing
    } else if counts.iter().any(|n| rare(*n)) {
        Plan::Intersect
    } else {
        Plan::Walk
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_terms_are_intersected_unless_every_term_is_common() {
        assert_eq!(plan(&[]), Plan::Walk);
        assert_eq!(plan(&[3, 0, 9]), Plan::Nothing);
        assert_eq!(plan(&[4_000, 12, DRIVE_LIMIT]), Plan::Intersect);
        assert_eq!(plan(&[DRIVE_LIMIT - 1]), Plan::Intersect);
        assert_eq!(plan(&[DRIVE_LIMIT, DRIVE_LIMIT]), Plan::Walk);
        assert!(rare(DRIVE_LIMIT - 1) && !rare(DRIVE_LIMIT));
    }
}
