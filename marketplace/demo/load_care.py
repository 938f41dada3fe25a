"""Write the care side of a ``DemoPlan``: RAS tables, holders, their links, budgets and plans.

Written with the models directly (the demo replays history, with past dates, which the services
would stamp with today). Each row is looked up by its natural key first, so a second run adds
nothing: a council's RAS table by council; a holder record by its user; a representative's or
broker's link by the pair; an assessment by holder (one each); a budget by holder and plan year;
a support plan by holder, plan year and revision. Holders are written in batches, one commit each.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.budgets.history import add_change
from marketplace.budgets.models import (
    Budget,
    BudgetStream,
    RasAssessment,
    RasBand,
    RasOption,
    RasQuestion,
    RasTable,
)
from marketplace.demo.care_records import BudgetPlan, HolderPlan, SupportPlanPlan
from marketplace.directory.models import Offer, Organisation, PAProfile
from marketplace.holders.models import BrokerLink, HolderRecord, Representation
from marketplace.plans.models import PlanEvent, PlanLine, PlanOutcome, SupportPlan

if TYPE_CHECKING:
    from marketplace.demo.load import Loader

BATCH = 25


def ras_tables(loader: Loader) -> None:
    """A resource allocation table for each council that has none yet."""
    session = loader.session
    have = set(session.scalars(select(RasTable.council_id)))
    for plan in loader.plan.ras_tables:
        council_id = loader.council_ids[plan.council_code]
        if council_id in have:
            loader.report.found["RAS tables"] += 1
            continue
        table = RasTable(
            council_id=council_id,
            method=plan.method,
            rate_pence_per_point=plan.rate_pence_per_point,
            updated_by_id=loader.officer_ids.get(plan.council_code),
            updated_at=loader.reference - timedelta(days=420),
        )
        table.questions = [
            RasQuestion(
                position=i,
                text=question.text,
                help_text=question.help_text,
                options=[
                    RasOption(position=j, text=text, points=points)
                    for j, (text, points) in enumerate(question.options)
                ],
            )
            for i, question in enumerate(plan.questions)
        ]
        table.bands = [
            RasBand(min_points=b.min_points, max_points=b.max_points, annual_pence=b.annual_pence)
            for b in plan.bands
        ]
        session.add(table)
        loader.report.added["RAS tables"] += 1
    session.commit()


class HolderLoader:
    """Adds the holders of a plan, batch by batch, skipping whatever is there already."""

    def __init__(self, loader: Loader):
        self.loader = loader
        self.session = loader.session
        self.report = loader.report
        s = self.session
        self.organisations: dict[str, int] = dict(
            s.execute(select(Organisation.name, Organisation.id)).all()
        )
        self.offers: dict[tuple[str, str], int] = {
            (name, title): offer_id
            for name, title, offer_id in s.execute(
                select(Organisation.name, Offer.title, Offer.id).join(
                    Organisation, Offer.organisation_id == Organisation.id
                )
            ).all()
        }
        self.pas: dict[str, int] = dict(
            s.execute(
                select(User.email, PAProfile.id).join(PAProfile, PAProfile.user_id == User.id)
            ).all()
        )
        self.records = set(s.scalars(select(HolderRecord.user_id)))
        self.representations: set[tuple[int, int]] = {
            (holder, rep)
            for holder, rep in s.execute(
                select(Representation.holder_id, Representation.representative_id)
            ).all()
        }
        self.broker_links: set[tuple[int, int]] = {
            (holder, broker)
            for holder, broker in s.execute(select(BrokerLink.holder_id, BrokerLink.broker_id))
        }
        self.assessments: dict[int, int] = dict(
            s.execute(
                select(RasAssessment.holder_id, func.max(RasAssessment.id)).group_by(
                    RasAssessment.holder_id
                )
            ).all()
        )
        self.budgets: dict[tuple[int, date], int] = {
            (holder, year): budget_id
            for holder, year, budget_id in s.execute(
                select(Budget.holder_id, Budget.year_start, Budget.id)
            ).all()
        }
        self.plans: dict[tuple[int, date, int], int] = {
            (holder, year, revision): plan_id
            for holder, year, revision, plan_id in s.execute(
                select(
                    SupportPlan.holder_id,
                    SupportPlan.year_start,
                    SupportPlan.revision,
                    SupportPlan.id,
                )
            ).all()
        }
        self.ids: dict[str, int] = {}

    def run(self) -> None:
        holders = self.loader.plan.holders
        with self.loader.progress("Budget holders, budgets and support plans", len(holders)) as bar:
            for start in range(0, len(holders), BATCH):
                batch = holders[start : start + BATCH]
                self._users(batch)
                for holder in batch:
                    self._holder(holder)
                self.session.commit()
                bar.update(len(batch))

    # --- people ----------------------------------------------------------------------------

    def _users(self, batch: Iterable[HolderPlan]) -> None:
        """Accounts for holders and representatives not there yet; ids for everyone named."""
        wanted = {}
        for holder in batch:
            wanted[holder.user.email] = (holder.user, holder.created_at)
            if holder.representative:
                rep = holder.representative
                wanted[rep.representative.email] = (rep.representative, rep.created_at)
        known = self.loader.emails(sorted(wanted))
        documented = {u.email for u in self.loader.plan.users}  # counted by the users step
        for email, (user, created_at) in wanted.items():
            if email in known:
                self.report.found["users"] += email not in documented
            else:
                self.loader.new_user(user, created_at - timedelta(hours=1))
        self.session.flush()
        actors = {e.actor for h in batch for p in h.plans for e in p.events}
        actors |= {b.set_by for h in batch for b in h.budgets}
        actors |= {e for h in batch if h.broker for e in (h.broker.broker, h.broker.invited_by)}
        actors |= {h.representative.linked_by for h in batch if h.representative}
        actors |= {h.assessment.completed_by for h in batch if h.assessment}
        self.ids = self.loader.emails(sorted(actors | set(wanted)))

    def _holder(self, plan: HolderPlan) -> None:
        holder_id = self.ids[plan.user.email]
        council_id = self.loader.council_ids[plan.council_code]
        if holder_id in self.records:
            self.report.found["holder records"] += 1
        else:
            self.session.add(
                HolderRecord(
                    user_id=holder_id,
                    council_id=council_id,
                    updated_at=plan.created_at + timedelta(days=1),
                    **plan.record,
                )
            )
            self.records.add(holder_id)
            self.report.added["holder records"] += 1
        self._links(plan, holder_id)
        assessment = self._assessment(plan, holder_id, council_id)
        budgets = {
            b.year_start: self._budget(b, holder_id, council_id, assessment) for b in plan.budgets
        }
        previous: SupportPlan | None = None
        for support in plan.plans:
            previous = self._plan(
                support, holder_id, council_id, budgets[support.year_start], previous
            )

    def _links(self, plan: HolderPlan, holder_id: int) -> None:
        rep = plan.representative
        if rep is not None:
            rep_id = self.ids[rep.representative.email]
            if (holder_id, rep_id) in self.representations:
                self.report.found["representatives' links"] += 1
            else:
                self.session.add(
                    Representation(
                        holder_id=holder_id,
                        representative_id=rep_id,
                        relationship_kind=rep.relationship_kind,
                        linked_by_id=self.ids[rep.linked_by],
                        created_at=rep.created_at,
                    )
                )
                self.representations.add((holder_id, rep_id))
                self.report.added["representatives' links"] += 1
        link = plan.broker
        if link is not None:
            broker_id = self.ids[link.broker]
            if (holder_id, broker_id) in self.broker_links:
                self.report.found["broker links"] += 1
            else:
                self.session.add(
                    BrokerLink(
                        holder_id=holder_id,
                        broker_id=broker_id,
                        status=link.status,
                        invited_by_id=self.ids[link.invited_by],
                        created_at=link.created_at,
                        accepted_at=link.accepted_at,
                    )
                )
                self.broker_links.add((holder_id, broker_id))
                self.report.added["broker links"] += 1

    # --- money -----------------------------------------------------------------------------

    def _assessment(
        self, plan: HolderPlan, holder_id: int, council_id: int
    ) -> RasAssessment | int | None:
        """The holder's assessment: new, or the id of the one already there."""
        if plan.assessment is None:
            return None
        if holder_id in self.assessments:
            self.report.found["RAS assessments"] += 1
            return self.assessments[holder_id]
        a = plan.assessment
        assessment = RasAssessment(
            holder_id=holder_id,
            council_id=council_id,
            answers=a.answers,
            points=a.points,
            method=a.method,
            working=a.working,
            indicative_pence=a.indicative_pence,
            completed_by_id=self.ids[a.completed_by],
            created_at=a.created_at,
        )
        self.session.add(assessment)
        self.report.added["RAS assessments"] += 1
        return assessment

    def _budget(
        self,
        plan: BudgetPlan,
        holder_id: int,
        council_id: int,
        assessment: RasAssessment | int | None,
    ) -> Budget:
        existing = self.budgets.get((holder_id, plan.year_start))
        if existing is not None:
            self.report.found["budgets"] += 1
            return self.session.get_one(Budget, existing)
        budget = Budget(
            holder_id=holder_id,
            council_id=council_id,
            year_start=plan.year_start,
            year_end=plan.year_end,
            total_pence=plan.total_pence,
            contribution_pence=plan.contribution_pence,
            indicative_pence=plan.indicative_pence,
            variance_reason=plan.variance_reason,
            set_by_id=self.ids[plan.set_by],
            created_at=plan.created_at,
            updated_at=plan.created_at,
            streams=[
                BudgetStream(
                    kind=s.kind,
                    label=s.label,
                    organisation_id=self.organisations[s.organisation] if s.organisation else None,
                    total_pence=s.total_pence,
                    entered_weekly=s.entered_weekly,
                )
                for s in plan.streams
            ],
        )
        if plan.uses_assessment and assessment is not None:
            if isinstance(assessment, RasAssessment):
                budget.ras_assessment = assessment
            else:
                budget.ras_assessment_id = assessment
        self.session.add(budget)
        # Its history starts with the recording, dated when the officer set it.
        change = add_change(self.session, budget, SimpleNamespace(id=budget.set_by_id), None)
        if change is not None:
            change.at = plan.created_at
        self.report.added["budgets"] += 1
        self.report.added["budget streams"] += len(plan.streams)
        return budget

    # --- plans -----------------------------------------------------------------------------

    def _plan(
        self,
        plan: SupportPlanPlan,
        holder_id: int,
        council_id: int,
        budget: Budget,
        previous: SupportPlan | None,
    ) -> SupportPlan:
        key = (holder_id, plan.year_start, plan.revision)
        if key in self.plans:
            self.report.found["support plans"] += 1
            return self.session.get_one(SupportPlan, self.plans[key])
        columns = plan.columns()
        decided = [e for e in plan.events if e.to_status in ("approved", "rejected")]
        support = SupportPlan(
            holder_id=holder_id,
            council_id=council_id,
            budget=budget,
            year_start=plan.year_start,
            revision=plan.revision,
            previous=previous if plan.revision > 1 else None,
            what_matters=plan.what_matters,
            decided_by_id=self.ids[decided[-1].actor] if decided else None,
            created_by_id=self.ids[plan.created_by],
            **columns,
        )
        outcomes = [
            PlanOutcome(code=o.code, text=o.text, how_met=o.how_met, position=i)
            for i, o in enumerate(plan.outcomes)
        ]
        support.outcomes = outcomes
        streams = {s.kind: s for s in budget.streams}
        for i, line in enumerate(plan.lines):
            offer_id = self.offers.get(line.offer) if line.offer else None
            support.lines.append(
                PlanLine(
                    # An offer renamed or gone since it was planned: keep the line as free text.
                    kind="text" if line.kind == "offer" and offer_id is None else line.kind,
                    offer_id=offer_id,
                    pa_profile_id=self.pas.get(line.pa_email) if line.pa_email else None,
                    description=line.description,
                    provider_name=line.provider_name,
                    frequency=line.frequency,
                    quantity_hundredths=line.quantity_hundredths,
                    unit=line.unit,
                    days=line.days,
                    time_bands=line.time_bands,
                    unit_price_pence=line.unit_price_pence,
                    stream=streams.get(line.stream_kind) if line.stream_kind else None,
                    start_on=line.start_on,
                    end_on=line.end_on,
                    position=i,
                    created_at=columns["created_at"],
                    outcomes=[outcomes[n] for n in line.outcomes if n < len(outcomes)],
                )
            )
        for event in plan.events:
            support.events.append(
                PlanEvent(
                    from_status=event.from_status,
                    to_status=event.to_status,
                    actor_id=self.ids[event.actor],
                    reason=event.reason,
                    at=event.at,
                )
            )
        self.session.add(support)
        self.report.added["support plans"] += 1
        self.report.added["plan lines"] += len(plan.lines)
        self.report.added["plan events"] += len(plan.events)
        return support


def holders(loader: Loader) -> None:
    HolderLoader(loader).run()
