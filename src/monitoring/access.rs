//! Who may do what in yearly reporting. A person (or a submission link) holds grants; the
//! rules below decide from the grants and the round's municipality, never from ids a client
//! sends.

/// One thing someone is allowed to act as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    Administrator,
    Coordinator {
        municipality_id: i64,
    },
    Reviewer {
        municipality_id: i64,
    },
    Reporter {
        municipality_id: i64,
        institution_id: i64,
    },
    /// A personal submission link: one institution in one round.
    Link {
        link_id: i64,
        round_id: i64,
        institution_id: i64,
    },
}

/// The round an action is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundScope {
    pub round_id: i64,
    pub municipality_id: i64,
}

/// Everything the current visitor holds, and who to record in the history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    pub grants: Vec<Grant>,
    /// How the visitor appears in the history ("user:3", "link:7").
    pub actor: String,
}

impl Access {
    pub fn new(grants: Vec<Grant>, actor: impl Into<String>) -> Access {
        Access {
            grants,
            actor: actor.into(),
        }
    }

    /// Opens and closes rounds, edits assignments, issues links, enters reports on behalf of
    /// institutions.
    pub fn can_manage(&self, r: RoundScope) -> bool {
        self.grants.iter().any(|g| match g {
            Grant::Administrator => true,
            Grant::Coordinator { municipality_id } => *municipality_id == r.municipality_id,
            _ => false,
        })
    }

    /// Manages rounds of a municipality (before a round exists).
    pub fn can_manage_municipality(&self, municipality_id: i64) -> bool {
        self.can_manage(RoundScope {
            round_id: 0,
            municipality_id,
        })
    }

    /// Approves and returns reports; never changes their values.
    pub fn can_review(&self, r: RoundScope) -> bool {
        self.grants.iter().any(|g| match g {
            Grant::Administrator => true,
            Grant::Reviewer { municipality_id } => *municipality_id == r.municipality_id,
            _ => false,
        })
    }

    /// Sees the whole round (every institution).
    pub fn can_oversee(&self, r: RoundScope) -> bool {
        self.can_manage(r) || self.can_review(r)
    }

    /// Speaks for `institution_id` in this round.
    pub fn speaks_for(&self, r: RoundScope, institution_id: i64) -> bool {
        self.grants.iter().any(|g| match g {
            Grant::Reporter {
                municipality_id,
                institution_id: i,
            } => *municipality_id == r.municipality_id && *i == institution_id,
            Grant::Link {
                round_id,
                institution_id: i,
                ..
            } => *round_id == r.round_id && *i == institution_id,
            _ => false,
        })
    }

    pub fn can_view(&self, r: RoundScope, institution_id: i64) -> bool {
        self.can_oversee(r) || self.speaks_for(r, institution_id)
    }

    /// Changes the values of an institution's report: the institution itself, or the
    /// coordinator entering it on its behalf. A reviewer alone cannot.
    pub fn can_edit(&self, r: RoundScope, institution_id: i64) -> bool {
        self.can_manage(r) || self.speaks_for(r, institution_id)
    }

    /// The institutions this visitor speaks for in the round.
    pub fn own_institutions(&self, r: RoundScope) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .grants
            .iter()
            .filter_map(|g| match g {
                Grant::Reporter {
                    municipality_id,
                    institution_id,
                } if *municipality_id == r.municipality_id => Some(*institution_id),
                Grant::Link {
                    round_id,
                    institution_id,
                    ..
                } if *round_id == r.round_id => Some(*institution_id),
                _ => None,
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLOVDIV: RoundScope = RoundScope {
        round_id: 1,
        municipality_id: 10,
    };
    const KAZANLAK: RoundScope = RoundScope {
        round_id: 2,
        municipality_id: 20,
    };

    #[test]
    fn a_coordinator_manages_only_rounds_of_their_municipality() {
        let a = Access::new(
            vec![Grant::Coordinator {
                municipality_id: 10,
            }],
            "user:1",
        );
        assert!(a.can_manage(PLOVDIV) && a.can_edit(PLOVDIV, 5));
        assert!(!a.can_manage(KAZANLAK) && !a.can_view(KAZANLAK, 5));
        assert!(!a.can_review(PLOVDIV));
    }

    #[test]
    fn a_reviewer_sees_and_reviews_but_cannot_edit_values() {
        let a = Access::new(
            vec![Grant::Reviewer {
                municipality_id: 10,
            }],
            "user:2",
        );
        assert!(a.can_review(PLOVDIV) && a.can_view(PLOVDIV, 5));
        assert!(!a.can_edit(PLOVDIV, 5));
        assert!(!a.can_review(KAZANLAK));
    }

    #[test]
    fn a_reporter_and_a_link_speak_only_for_their_institution() {
        let r = Access::new(
            vec![Grant::Reporter {
                municipality_id: 10,
                institution_id: 5,
            }],
            "user:3",
        );
        assert!(r.can_edit(PLOVDIV, 5) && !r.can_edit(PLOVDIV, 6));
        assert!(!r.can_view(KAZANLAK, 5) && !r.can_review(PLOVDIV));
        let l = Access::new(
            vec![Grant::Link {
                link_id: 7,
                round_id: 1,
                institution_id: 5,
            }],
            "link:7",
        );
        assert!(l.can_edit(PLOVDIV, 5) && !l.can_edit(PLOVDIV, 6));
        let other_round = RoundScope {
            round_id: 3,
            municipality_id: 10,
        };
        assert!(!l.can_view(other_round, 5), "a link opens one round only");
        assert_eq!(l.own_institutions(PLOVDIV), vec![5]);
    }

    #[test]
    fn nobody_is_allowed_anything_without_grants() {
        let a = Access::default();
        assert!(!a.can_view(PLOVDIV, 5) && !a.can_manage(PLOVDIV));
    }
}
