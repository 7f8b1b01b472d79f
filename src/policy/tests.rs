//! The whole rule book walked: every role × scope × action on records of the own and of another
//! municipality and institution, and the principals that are not users.

use super::*;

const OWN_M: i64 = 10;
const OTHER_M: i64 = 20;
const OWN_I: i64 = 5;
const OTHER_I: i64 = 6;
const OWN_ROUND: i64 = 1;

fn place(m: i64) -> Place {
    let district = if m == OWN_M {
        "Пловдив"
    } else {
        "Варна"
    };
    Place::new(m, Some(district.into()))
}

fn round(m: i64) -> Round {
    Round {
        id: if m == OWN_M { OWN_ROUND } else { 2 },
        place: place(m),
    }
}

/// Every action of `kind` on a record of municipality `m` and institution `i`.
fn action(kind: Kind, m: i64, i: i64) -> Action {
    match kind {
        Kind::ManageUsers => Action::ManageUsers,
        Kind::ViewAudit => Action::ViewAudit(Some(place(m))),
        Kind::ImportPlan => Action::ImportPlan(Some(place(m))),
        Kind::AmendPlan => Action::AmendPlan(place(m)),
        Kind::OpenRound => Action::OpenRound(place(m)),
        Kind::OverseeRound => Action::OverseeRound(round(m)),
        Kind::ManageRound => Action::ManageRound(round(m)),
        Kind::ViewUpdates => Action::ViewUpdates {
            round: round(m),
            institution: i,
        },
        Kind::EditUpdates => Action::EditUpdates {
            round: round(m),
            institution: i,
        },
        Kind::ReviewUpdates => Action::ReviewUpdates(round(m)),
        Kind::ViewReports => Action::ViewReports(place(m)),
        Kind::ManageReports => Action::ManageReports(place(m)),
        Kind::ApproveReports => Action::ApproveReports(place(m)),
        Kind::ManageTokens => Action::ManageTokens(Some(place(m))),
        Kind::ViewDashboard => {
            Action::ViewDashboard(Area::District(place(m).district.unwrap_or_default()))
        }
        Kind::ExemptReporting => Action::ExemptReporting(place(m)),
        Kind::DecideLinks => Action::DecideLinks(place(m)),
        Kind::SetParents => Action::SetParents(place(m)),
        Kind::ManageAreaReports => {
            Action::ManageAreaReports(Area::District(place(m).district.unwrap_or_default()))
        }
        Kind::ApproveAreaReports => {
            Action::ApproveAreaReports(Area::District(place(m).district.unwrap_or_default()))
        }
        Kind::ReadOutbox => Action::ReadOutbox,
    }
}

/// The scope each role is granted on in the matrix: the own municipality, its district,
/// its institution, the nation or everything.
fn own_scope(role: Role) -> Scope {
    match role {
        Role::Administrator => Scope::Global,
        Role::Coordinator | Role::Reviewer => Scope::Municipality(OWN_M),
        Role::Reporter => Scope::Institution {
            municipality: OWN_M,
            institution: OWN_I,
        },
        Role::DistrictCoordinator | Role::DistrictReviewer => Scope::District("Пловдив".into()),
        Role::NationalCoordinator | Role::NationalViewer => Scope::National,
    }
}

fn user(role: Role) -> Principal {
    Principal::User(vec![Grant {
        id: 1,
        role,
        scope: own_scope(role),
    }])
}

/// What the matrix expects, written out as a table independent of `role_allows`.
fn expected(role: Role, kind: Kind, own_m: bool, own_i: bool) -> bool {
    use Kind::*;
    let global_record = matches!(kind, ManageUsers | ReadOutbox);
    match role {
        Role::Administrator => true,
        _ if global_record => false,
        Role::Coordinator => {
            own_m
                && [
                    ViewAudit,
                    ImportPlan,
                    AmendPlan,
                    OpenRound,
                    OverseeRound,
                    ManageRound,
                    ViewUpdates,
                    EditUpdates,
                    ViewReports,
                    ManageReports,
                    ManageTokens,
                    DecideLinks,
                    SetParents,
                ]
                .contains(&kind)
        }
        Role::Reviewer => {
            own_m
                && [
                    OverseeRound,
                    ViewUpdates,
                    ReviewUpdates,
                    ViewReports,
                    ApproveReports,
                ]
                .contains(&kind)
        }
        Role::Reporter => own_m && own_i && [ViewUpdates, EditUpdates].contains(&kind),
        Role::DistrictCoordinator => {
            own_m
                && [
                    OverseeRound,
                    ViewUpdates,
                    ViewReports,
                    ViewDashboard,
                    ExemptReporting,
                    DecideLinks,
                    SetParents,
                    ManageAreaReports,
                ]
                .contains(&kind)
        }
        Role::DistrictReviewer => {
            own_m
                && [
                    OverseeRound,
                    ViewUpdates,
                    ViewReports,
                    ViewDashboard,
                    ApproveAreaReports,
                ]
                .contains(&kind)
        }
        Role::NationalCoordinator => [
            OverseeRound,
            ViewUpdates,
            ViewReports,
            ViewDashboard,
            ExemptReporting,
            DecideLinks,
            SetParents,
            ManageAreaReports,
            ApproveAreaReports,
        ]
        .contains(&kind),
        Role::NationalViewer => {
            [OverseeRound, ViewUpdates, ViewReports, ViewDashboard].contains(&kind)
        }
    }
}

#[test]
fn every_role_scope_and_action_on_own_and_other_records_follows_the_table() {
    let mut checked = 0;
    for role in Role::ALL {
        let who = user(role);
        for kind in Kind::ALL {
            for (m, own_m) in [(OWN_M, true), (OTHER_M, false)] {
                for (i, own_i) in [(OWN_I, true), (OTHER_I, false)] {
                    let a = action(kind, m, i);
                    assert_eq!(
                        who.may(&a),
                        expected(role, kind, own_m, own_i),
                        "{role:?} on {:?} may {a:?}",
                        own_scope(role)
                    );
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, Role::ALL.len() * Kind::ALL.len() * 4);
}

#[test]
fn district_and_national_roles_never_change_a_municipalitys_data() {
    for role in [
        Role::DistrictCoordinator,
        Role::DistrictReviewer,
        Role::NationalCoordinator,
        Role::NationalViewer,
    ] {
        let who = user(role);
        assert!(who.may(&action(Kind::ViewReports, OWN_M, OWN_I)));
        for kind in [
            Kind::ManageReports,
            Kind::ApproveReports,
            Kind::EditUpdates,
            Kind::ReviewUpdates,
            Kind::ManageRound,
            Kind::OpenRound,
            Kind::ImportPlan,
            Kind::AmendPlan,
        ] {
            assert!(!who.may(&action(kind, OWN_M, OWN_I)), "{role:?} {kind:?}");
        }
    }
}

#[test]
fn a_municipality_without_a_known_district_is_reached_by_no_district_grant() {
    let who = user(Role::DistrictCoordinator);
    let nowhere = Action::ViewReports(Place::new(OWN_M, None));
    assert!(!who.may(&nowhere));
    assert!(user(Role::NationalViewer).may(&nowhere));
}

#[test]
fn a_link_speaks_for_one_institution_in_one_round_only() {
    let link = Principal::Link(Link {
        link_id: 7,
        round_id: OWN_ROUND,
        institution_id: OWN_I,
    });
    for kind in Kind::ALL {
        for (m, own_m) in [(OWN_M, true), (OTHER_M, false)] {
            for (i, own_i) in [(OWN_I, true), (OTHER_I, false)] {
                let allowed =
                    own_m && own_i && matches!(kind, Kind::ViewUpdates | Kind::EditUpdates);
                assert_eq!(link.may(&action(kind, m, i)), allowed, "{kind:?} {m} {i}");
            }
        }
    }
    let same_place_other_round = Round {
        id: 3,
        place: place(OWN_M),
    };
    assert!(!link.may(&Action::ViewUpdates {
        round: same_place_other_round.clone(),
        institution: OWN_I
    }));
    assert_eq!(link.institutions_in(&round(OWN_M)), vec![OWN_I]);
    assert!(link.institutions_in(&same_place_other_round).is_empty());
}

#[test]
fn the_administration_token_may_do_everything_and_anonymous_nothing() {
    for kind in Kind::ALL {
        let a = action(kind, OWN_M, OWN_I);
        assert!(Principal::Token.may(&a), "{kind:?}");
        assert!(!Principal::Anonymous.may(&a), "{kind:?}");
    }
    assert_eq!(
        Principal::Anonymous.require(&Action::ManageUsers),
        Err(Refused)
    );
    assert!(Principal::Token.is_admin());
}

#[test]
fn a_coordinator_returns_only_an_approved_report_and_a_reviewer_any() {
    let returning = |approved| Action::ReturnReport {
        place: place(OWN_M),
        approved,
    };
    assert!(user(Role::Coordinator).may(&returning(true)));
    assert!(!user(Role::Coordinator).may(&returning(false)));
    assert!(user(Role::Reviewer).may(&returning(false)));
    assert!(!user(Role::NationalCoordinator).may(&returning(true)));
    let elsewhere = Action::ReturnReport {
        place: place(OTHER_M),
        approved: true,
    };
    assert!(!user(Role::Coordinator).may(&elsewhere));
}

#[test]
fn a_new_municipality_is_imported_only_by_an_administrator() {
    assert!(user(Role::Administrator).may(&Action::ImportPlan(None)));
    assert!(!user(Role::Coordinator).may(&Action::ImportPlan(None)));
    assert!(!user(Role::Coordinator).may(&Action::ViewAudit(None)));
}

#[test]
fn reach_lists_where_a_kind_of_action_is_allowed() {
    let who = Principal::User(vec![
        Grant {
            id: 1,
            role: Role::Coordinator,
            scope: Scope::Municipality(OWN_M),
        },
        Grant {
            id: 2,
            role: Role::Reviewer,
            scope: Scope::Municipality(OTHER_M),
        },
        Grant {
            id: 3,
            role: Role::DistrictReviewer,
            scope: Scope::District("Варна".into()),
        },
    ]);
    let audit = who.reach(Kind::ViewAudit);
    assert_eq!(audit.municipalities, vec![OWN_M]);
    assert!(audit.districts.is_empty() && !audit.everywhere);
    let reports = who.reach(Kind::ViewReports);
    assert_eq!(reports.municipalities, vec![OWN_M, OTHER_M]);
    assert_eq!(reports.districts, vec!["Варна".to_string()]);
    assert!(reports.covers(&Place::new(99, Some("Варна".into()))));
    assert!(!reports.covers(&Place::new(99, Some("Русе".into()))));
    assert!(user(Role::Administrator).reach(Kind::ViewAudit).everywhere);
    assert!(user(Role::Reporter).reach(Kind::ViewAudit).is_empty());
}

#[test]
fn a_reporter_speaks_for_its_institution_in_rounds_of_its_municipality() {
    let who = user(Role::Reporter);
    assert_eq!(who.institutions_in(&round(OWN_M)), vec![OWN_I]);
    assert!(who.institutions_in(&round(OTHER_M)).is_empty());
    assert!(
        user(Role::Coordinator)
            .institutions_in(&round(OWN_M))
            .is_empty()
    );
}

#[test]
fn an_api_token_may_what_a_user_with_only_its_grant_may() {
    for role in Role::ALL {
        let grant = Grant {
            id: 0,
            role,
            scope: own_scope(role),
        };
        let machine = Principal::Machine(Machine {
            token_id: 9,
            grant: grant.clone(),
        });
        let user = Principal::User(vec![grant]);
        for kind in Kind::ALL {
            for (m, i) in [(OWN_M, OWN_I), (OWN_M, OTHER_I), (OTHER_M, OWN_I)] {
                let a = action(kind, m, i);
                assert_eq!(machine.may(&a), user.may(&a), "{role:?} {a:?}");
            }
            assert_eq!(machine.reach(kind), user.reach(kind));
        }
        assert_eq!(
            machine.institutions_in(&round(OWN_M)),
            user.institutions_in(&round(OWN_M))
        );
    }
}

#[test]
fn tokens_beyond_one_municipality_are_issued_only_by_an_administrator() {
    assert!(user(Role::Administrator).may(&Action::ManageTokens(None)));
    assert!(!user(Role::Coordinator).may(&Action::ManageTokens(None)));
    assert!(user(Role::Coordinator).may(&Action::ManageTokens(Some(place(OWN_M)))));
    assert!(!user(Role::Coordinator).may(&Action::ManageTokens(Some(place(OTHER_M)))));
    assert!(!user(Role::Reviewer).may(&Action::ManageTokens(Some(place(OWN_M)))));
}

#[test]
fn only_a_person_holds_personal_tokens() {
    assert!(Principal::User(Vec::new()).may_hold_personal_tokens());
    assert!(user(Role::Reporter).may_hold_personal_tokens());
    assert!(!Principal::Anonymous.may_hold_personal_tokens());
    assert!(!Principal::Token.may_hold_personal_tokens());
    let link = Principal::Link(Link {
        link_id: 1,
        round_id: 1,
        institution_id: 1,
    });
    assert!(!link.may_hold_personal_tokens());
}

#[test]
fn the_national_dashboard_is_seen_by_national_roles_and_a_district_one_by_its_own_roles() {
    let nation = Action::ViewDashboard(Area::Nation);
    for role in [
        Role::NationalCoordinator,
        Role::NationalViewer,
        Role::Administrator,
    ] {
        assert!(user(role).may(&nation), "{role:?}");
    }
    for role in [
        Role::DistrictCoordinator,
        Role::DistrictReviewer,
        Role::Coordinator,
        Role::Reviewer,
        Role::Reporter,
    ] {
        assert!(!user(role).may(&nation), "{role:?}");
    }
    let own = Action::ViewDashboard(Area::District("Пловдив".into()));
    assert!(user(Role::DistrictReviewer).may(&own));
    assert!(!user(Role::Coordinator).may(&own));
    assert_eq!(
        user(Role::DistrictReviewer)
            .reach(Kind::ViewDashboard)
            .districts,
        vec!["Пловдив".to_string()]
    );
    assert!(
        user(Role::NationalViewer)
            .reach(Kind::ViewDashboard)
            .national
    );
}

#[test]
fn the_national_report_is_written_and_approved_by_the_national_coordinator_only() {
    let manage = Action::ManageAreaReports(Area::Nation);
    let approve = Action::ApproveAreaReports(Area::Nation);
    assert!(user(Role::NationalCoordinator).may(&manage));
    assert!(user(Role::NationalCoordinator).may(&approve));
    for role in [
        Role::NationalViewer,
        Role::DistrictCoordinator,
        Role::DistrictReviewer,
        Role::Coordinator,
        Role::Reviewer,
    ] {
        assert!(!user(role).may(&manage), "{role:?}");
        assert!(!user(role).may(&approve), "{role:?}");
    }
    let district = Action::ApproveAreaReports(Area::District("Пловдив".into()));
    assert!(user(Role::DistrictReviewer).may(&district));
    assert!(!user(Role::DistrictCoordinator).may(&district));
    assert!(
        !user(Role::Reviewer).may(&Action::ManageAreaReports(Area::District("Пловдив".into())))
    );
}
