//! The rule book: the one place that answers "may this principal do this action to this
//! record". Pure: no database, no web. Handlers build the [`Action`] from the record they
//! loaded (its municipality and district from the database, never from an id in the URL
//! alone), take the [`Principal`] of the request (`web::auth` makes it) and ask [`allows`] or
//! [`Principal::require`].
//!
//! | role | granted on | may |
//! |---|---|---|
//! | administrator | global | everything |
//! | coordinator | municipality | import plans, amend them (council acts), open and manage rounds (assignments, links, reminders, closing), read and enter updates on behalf of institutions, read the audit log, the annual report (write, submit, adopt, publish, correct), issue and revoke API tokens of the municipality |
//! | reviewer | municipality | read rounds and updates, approve or return updates, approve or return the annual report |
//! | reporter | institution in a municipality | read and submit its own updates |
//! | district coordinator | district | read the rounds, updates and unpublished annual reports of the municipalities of the district; the district's dashboard; mark a municipality of it as not reporting for a year; confirm or reject the suggested links of plans in it to their parent plan, map their indicators to the national plan's and name the plans they implement; write the district's annual report, record its adoption by the district council, publish and correct it |
//! | district reviewer | district | read as the district coordinator does; the district's dashboard; approve the district's annual report or send it back |
//! | national coordinator | national | read as a district coordinator, for every municipality; every dashboard; mark any municipality as not reporting (and, for the national report, any district); decide links, indicator mappings and parents of any plan; write, approve, record the adoption of and publish the national annual report (and, as the level above, a district's) |
//! | national viewer | national | read as the national coordinator; every dashboard |
//!
//! Municipal coordinators also decide the suggested links of their own plans, map their
//! indicators to the national plan's and name the district and national plans they implement. District and
//! national roles never change a municipality's data (its plans, rounds, updates, reports):
//! the roll-up work they do (issue 13) has actions of its own here. A submission link is a principal of one
//! institution in one round (read and submit its updates while the round is open). The
//! administration token (scripts) is a principal with the administrator's rights. An API token
//! (a machine) is a principal of one grant, as a user holding only that grant; administrators
//! and coordinators of a municipality issue and revoke them there ([`Action::ManageTokens`]).
//! Every person (a logged-in user) may hold personal API tokens
//! ([`Principal::may_hold_personal_tokens`]): such a token is the user, with the grants the
//! user holds at each request, on the API only.

use crate::account::{Grant, Role, Scope};

/// Where a record lives: its municipality, and the district (област) of that municipality
/// when known.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    pub municipality: i64,
    pub district: Option<String>,
}

impl Place {
    pub fn new(municipality: i64, district: Option<String>) -> Place {
        Place {
            municipality,
            district,
        }
    }
}

/// A reporting round, as far as the rules care.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Round {
    pub id: i64,
    pub place: Place,
}

/// A level above the municipality: a district (by its ЕКАТТЕ code, `PDV`) or the nation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Area {
    District(String),
    Nation,
}

/// What someone wants to do, carrying the record it touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Create users, grant and revoke roles.
    ManageUsers,
    /// Read the audit log of a municipality; `None`: events about no municipality.
    ViewAudit(Option<Place>),
    /// Import a plan or a new version of a plan of a municipality; `None`: a municipality not
    /// known yet.
    ImportPlan(Option<Place>),
    /// Amend a stored plan of the municipality by a council act (an amending decision, an
    /// edit in the browser, an amended document), or discard such a draft.
    AmendPlan(Place),
    /// Open a reporting round for a plan of the municipality.
    OpenRound(Place),
    /// See the whole round: the dashboard and every institution's updates.
    OverseeRound(Round),
    /// Edit assignments, issue and revoke submission links, send reminders, close the round.
    ManageRound(Round),
    /// Read the updates of one institution in a round.
    ViewUpdates { round: Round, institution: i64 },
    /// Write and submit the updates of one institution (values, evidence, spreadsheets).
    EditUpdates { round: Round, institution: i64 },
    /// Approve or return submitted updates.
    ReviewUpdates(Round),
    /// See every version of the annual reports of a municipality, published or not.
    ViewReports(Place),
    /// Write the annual report's narrative, submit or withdraw it, record the council's
    /// adoption, publish it, start a correction.
    ManageReports(Place),
    /// Approve the annual report for the monitoring body, or return it.
    ApproveReports(Place),
    /// Send an annual report back to its draft: whoever approves reports; an approved text
    /// not adopted yet also by whoever manages them (it then needs approval again).
    ReturnReport { place: Place, approved: bool },
    /// Issue and revoke API tokens for machines of a municipality; `None`: tokens reaching
    /// beyond one municipality.
    ManageTokens(Option<Place>),
    /// See the staff dashboard of a district or of the nation for a year: where each
    /// municipality stands, unpublished report states, exemptions.
    ViewDashboard(Area),
    /// Mark a municipality (its place) as not reporting for a year with a reason, or lift it.
    ExemptReporting(Place),
    /// Confirm or reject the suggested links of a plan's measures (its owner's place) to its
    /// parent plan, and map its indicators to the national plan's.
    DecideLinks(Place),
    /// Name the plans a plan implements (its owner's place): a municipal plan's district and
    /// national plans, a district plan's national plan.
    SetParents(Place),
    /// Start, write, send back, record the adoption of, publish and correct the annual report
    /// of a district or of the nation (compiled from its municipalities' approved data).
    ManageAreaReports(Area),
    /// Approve the annual report of a district or of the nation, or send it back.
    ApproveAreaReports(Area),
    /// Read the e-mail queue (`/admin/outbox`): every message to every person, so
    /// administrators only.
    ReadOutbox,
}

/// The kinds of [`Action`], without their records: the rows of the role table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    ManageUsers,
    ViewAudit,
    ImportPlan,
    AmendPlan,
    OpenRound,
    OverseeRound,
    ManageRound,
    ViewUpdates,
    EditUpdates,
    ReviewUpdates,
    ViewReports,
    ManageReports,
    ApproveReports,
    ManageTokens,
    ViewDashboard,
    ExemptReporting,
    DecideLinks,
    SetParents,
    ManageAreaReports,
    ApproveAreaReports,
    ReadOutbox,
}

impl Kind {
    pub const ALL: [Kind; 21] = [
        Kind::ManageUsers,
        Kind::ViewAudit,
        Kind::ImportPlan,
        Kind::AmendPlan,
        Kind::OpenRound,
        Kind::OverseeRound,
        Kind::ManageRound,
        Kind::ViewUpdates,
        Kind::EditUpdates,
        Kind::ReviewUpdates,
        Kind::ViewReports,
        Kind::ManageReports,
        Kind::ApproveReports,
        Kind::ManageTokens,
        Kind::ViewDashboard,
        Kind::ExemptReporting,
        Kind::DecideLinks,
        Kind::SetParents,
        Kind::ManageAreaReports,
        Kind::ApproveAreaReports,
        Kind::ReadOutbox,
    ];
}

/// What an action touches, for matching against the scope of a grant.
enum Target<'a> {
    /// Nothing below the whole system (users, events of no municipality, a new municipality).
    Global,
    Place(&'a Place),
    Institution(&'a Place, i64),
    /// A district or the nation as a whole.
    Area(&'a Area),
}

impl Action {
    pub fn kind(&self) -> Kind {
        match self {
            Action::ManageUsers => Kind::ManageUsers,
            Action::ViewAudit(_) => Kind::ViewAudit,
            Action::ImportPlan(_) => Kind::ImportPlan,
            Action::AmendPlan(_) => Kind::AmendPlan,
            Action::OpenRound(_) => Kind::OpenRound,
            Action::OverseeRound(_) => Kind::OverseeRound,
            Action::ManageRound(_) => Kind::ManageRound,
            Action::ViewUpdates { .. } => Kind::ViewUpdates,
            Action::EditUpdates { .. } => Kind::EditUpdates,
            Action::ReviewUpdates(_) => Kind::ReviewUpdates,
            Action::ViewReports(_) => Kind::ViewReports,
            Action::ManageReports(_) => Kind::ManageReports,
            Action::ApproveReports(_) => Kind::ApproveReports,
            Action::ReturnReport { .. } => Kind::ApproveReports,
            Action::ManageTokens(_) => Kind::ManageTokens,
            Action::ViewDashboard(_) => Kind::ViewDashboard,
            Action::ExemptReporting(_) => Kind::ExemptReporting,
            Action::DecideLinks(_) => Kind::DecideLinks,
            Action::SetParents(_) => Kind::SetParents,
            Action::ManageAreaReports(_) => Kind::ManageAreaReports,
            Action::ApproveAreaReports(_) => Kind::ApproveAreaReports,
            Action::ReadOutbox => Kind::ReadOutbox,
        }
    }

    fn target(&self) -> Target<'_> {
        match self {
            Action::ManageUsers
            | Action::ReadOutbox
            | Action::ViewAudit(None)
            | Action::ImportPlan(None)
            | Action::ManageTokens(None) => Target::Global,
            Action::ViewAudit(Some(p))
            | Action::ImportPlan(Some(p))
            | Action::ManageTokens(Some(p))
            | Action::AmendPlan(p)
            | Action::OpenRound(p)
            | Action::ViewReports(p)
            | Action::ManageReports(p)
            | Action::ApproveReports(p)
            | Action::ReturnReport { place: p, .. }
            | Action::ExemptReporting(p)
            | Action::DecideLinks(p)
            | Action::SetParents(p) => Target::Place(p),
            Action::ViewDashboard(a)
            | Action::ManageAreaReports(a)
            | Action::ApproveAreaReports(a) => Target::Area(a),
            Action::OverseeRound(r) | Action::ManageRound(r) | Action::ReviewUpdates(r) => {
                Target::Place(&r.place)
            }
            Action::ViewUpdates { round, institution }
            | Action::EditUpdates { round, institution } => {
                Target::Institution(&round.place, *institution)
            }
        }
    }

    /// The round the action is about, if any.
    fn round(&self) -> Option<&Round> {
        match self {
            Action::OverseeRound(r)
            | Action::ManageRound(r)
            | Action::ReviewUpdates(r)
            | Action::ViewUpdates { round: r, .. }
            | Action::EditUpdates { round: r, .. } => Some(r),
            _ => None,
        }
    }
}

/// What a role allows inside the scope it is granted on: the role table of the module comment.
pub fn role_allows(role: Role, kind: Kind) -> bool {
    use Kind::*;
    match role {
        Role::Administrator => true,
        Role::Coordinator => matches!(
            kind,
            ViewAudit
                | ImportPlan
                | AmendPlan
                | OpenRound
                | OverseeRound
                | ManageRound
                | ViewUpdates
                | EditUpdates
                | ViewReports
                | ManageReports
                | ManageTokens
                | DecideLinks
                | SetParents
        ),
        Role::Reviewer => matches!(
            kind,
            OverseeRound | ViewUpdates | ReviewUpdates | ViewReports | ApproveReports
        ),
        Role::Reporter => matches!(kind, ViewUpdates | EditUpdates),
        Role::DistrictCoordinator => matches!(
            kind,
            OverseeRound
                | ViewUpdates
                | ViewReports
                | ViewDashboard
                | ExemptReporting
                | DecideLinks
                | SetParents
                | ManageAreaReports
        ),
        Role::NationalCoordinator => matches!(
            kind,
            OverseeRound
                | ViewUpdates
                | ViewReports
                | ViewDashboard
                | ExemptReporting
                | DecideLinks
                | SetParents
                | ManageAreaReports
                | ApproveAreaReports
        ),
        Role::DistrictReviewer => matches!(
            kind,
            OverseeRound | ViewUpdates | ViewReports | ViewDashboard | ApproveAreaReports
        ),
        Role::NationalViewer => {
            matches!(
                kind,
                OverseeRound | ViewUpdates | ViewReports | ViewDashboard
            )
        }
    }
}

/// Whether a grant on `scope` reaches what an action touches.
fn covers(scope: &Scope, target: &Target<'_>) -> bool {
    match (scope, target) {
        (Scope::Global, _) => true,
        (_, Target::Global) => false,
        (Scope::National, _) => true,
        (Scope::District(d), Target::Place(p) | Target::Institution(p, _)) => {
            p.district.as_deref() == Some(d.as_str())
        }
        (Scope::District(d), Target::Area(Area::District(c))) => d == c,
        (Scope::District(_), Target::Area(Area::Nation)) => false,
        (Scope::Municipality(_) | Scope::Institution { .. }, Target::Area(_)) => false,
        (Scope::Municipality(m), Target::Place(p) | Target::Institution(p, _)) => {
            p.municipality == *m
        }
        (
            Scope::Institution {
                municipality,
                institution,
            },
            Target::Institution(p, i),
        ) => p.municipality == *municipality && i == institution,
        (Scope::Institution { .. }, Target::Place(_)) => false,
    }
}

/// A personal submission link: one institution in one round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub link_id: i64,
    pub round_id: i64,
    pub institution_id: i64,
}

/// A machine's API token: one role grant; the id names it in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    pub token_id: i64,
    pub grant: Grant,
}

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Principal {
    #[default]
    Anonymous,
    /// The configured administration token (`Authorization: Bearer …`), for scripts.
    Token,
    /// A logged-in person with their role grants.
    User(Vec<Grant>),
    Link(Link),
    /// An API token (`Authorization: Bearer …`): what a user with only its grant may do.
    Machine(Machine),
}

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("нямате право на това действие")]
pub struct Refused;

/// Where a kind of action is allowed, to filter lists.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reach {
    /// Everywhere (a global grant or the administration token).
    pub everywhere: bool,
    pub municipalities: Vec<i64>,
    pub districts: Vec<String>,
    pub national: bool,
}

impl Reach {
    /// Whether records of `place` are reached.
    pub fn covers(&self, place: &Place) -> bool {
        self.everywhere
            || self.national
            || self.municipalities.contains(&place.municipality)
            || place
                .district
                .as_ref()
                .is_some_and(|d| self.districts.contains(d))
    }

    /// Whether nothing at all is reached.
    pub fn is_empty(&self) -> bool {
        !self.everywhere
            && !self.national
            && self.municipalities.is_empty()
            && self.districts.is_empty()
    }
}

/// Whether `who` may do `action`.
pub fn allows(who: &Principal, action: &Action) -> bool {
    if let Action::ReturnReport {
        place,
        approved: true,
    } = action
        && allows(who, &Action::ManageReports(place.clone()))
    {
        return true;
    }
    match who {
        Principal::Anonymous => false,
        Principal::Token => true,
        Principal::User(_) | Principal::Machine(_) => who
            .grants()
            .iter()
            .any(|g| role_allows(g.role, action.kind()) && covers(&g.scope, &action.target())),
        Principal::Link(l) => {
            matches!(action.kind(), Kind::ViewUpdates | Kind::EditUpdates)
                && action.round().is_some_and(|r| r.id == l.round_id)
                && matches!(action.target(), Target::Institution(_, i) if i == l.institution_id)
        }
    }
}

impl Principal {
    /// Whether this principal may issue and revoke personal API tokens for itself: a person
    /// (machines, links and the administration token hold no personal tokens).
    pub fn may_hold_personal_tokens(&self) -> bool {
        matches!(self, Principal::User(_))
    }

    /// The role grants of a user or an API token.
    fn grants(&self) -> &[Grant] {
        match self {
            Principal::User(grants) => grants,
            Principal::Machine(m) => std::slice::from_ref(&m.grant),
            _ => &[],
        }
    }

    pub fn may(&self, action: &Action) -> bool {
        allows(self, action)
    }

    /// `Ok` when allowed, else [`Refused`] (403 at the web edge).
    pub fn require(&self, action: &Action) -> Result<(), Refused> {
        if self.may(action) {
            Ok(())
        } else {
            Err(Refused)
        }
    }

    /// Whether the principal is anything but anonymous.
    pub fn is_known(&self) -> bool {
        *self != Principal::Anonymous
    }

    /// Whether the principal may manage users: the administrator.
    pub fn is_admin(&self) -> bool {
        self.may(&Action::ManageUsers)
    }

    /// Where actions of `kind` are allowed (municipality and wider scopes; institution and link
    /// grants reach single institutions and are listed by [`Principal::institutions_in`]).
    pub fn reach(&self, kind: Kind) -> Reach {
        let mut r = Reach::default();
        match self {
            Principal::Token => r.everywhere = true,
            Principal::User(_) | Principal::Machine(_) => {
                for g in self.grants().iter().filter(|g| role_allows(g.role, kind)) {
                    match &g.scope {
                        Scope::Global => r.everywhere = true,
                        Scope::National => r.national = true,
                        Scope::District(d) if !r.districts.contains(d) => {
                            r.districts.push(d.clone())
                        }
                        Scope::Municipality(m) if !r.municipalities.contains(m) => {
                            r.municipalities.push(*m)
                        }
                        _ => {}
                    }
                }
            }
            Principal::Anonymous | Principal::Link(_) => {}
        }
        r
    }

    /// The institutions whose updates the principal may edit in `round` by an institution
    /// grant or a link (the institutions it speaks for), sorted.
    pub fn institutions_in(&self, round: &Round) -> Vec<i64> {
        let mut ids: Vec<i64> = match self {
            Principal::User(_) | Principal::Machine(_) => self
                .grants()
                .iter()
                .filter_map(|g| match g.scope {
                    Scope::Institution {
                        municipality,
                        institution,
                    } if municipality == round.place.municipality
                        && role_allows(g.role, Kind::EditUpdates) =>
                    {
                        Some(institution)
                    }
                    _ => None,
                })
                .collect(),
            Principal::Link(l) if l.round_id == round.id => vec![l.institution_id],
            _ => Vec::new(),
        };
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

#[cfg(test)]
mod tests;
