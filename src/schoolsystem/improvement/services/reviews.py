"""Peer review and health-checks inside a partnership (seed 001, 002): reviewers from other schools, actions with
owners and dates, follow-through to the next review."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from schoolsystem.core.audit import audit, snapshot
from schoolsystem.core.errors import InvalidTransition, NotEligible, ValidationFailed
from schoolsystem.improvement.constants import ActionStatus, PeerReviewState
from schoolsystem.improvement.models import PeerReview, PeerReviewAction, PeerReviewer
from schoolsystem.improvement.services.support import _require_scope, support_request_create


def _members(partnership) -> set[int]:
    return set(
        partnership.memberships.filter(left_on__isnull=True).values_list("establishment_id", flat=True)
    )


@transaction.atomic
def peer_review_plan(
    *, by, partnership, school, review_on: date, focus_areas: list[str], reviewers: list[tuple[str, object]]
) -> PeerReview:
    """Plan the annual review of `school` by reviewers (name, establishment) from other schools of the partnership.
    Open actions of the school's previous review in the partnership are carried forward."""
    _require_scope(by, school)
    focus_areas = [f.strip() for f in focus_areas if f.strip()]
    errors: dict[str, list[str]] = {}
    if not focus_areas:
        errors["focus_areas"] = ["Enter at least one focus area"]
    if not reviewers:
        errors["reviewers"] = ["Add at least one reviewer"]
    if errors:
        raise ValidationFailed("The review is incomplete.", extra={"errors": errors})
    members = _members(partnership)
    if school.pk not in members:
        message = f"{school.name} is not a current member of {partnership.name}."
        raise NotEligible(message, extra={"errors": {"urn": [message]}})
    for name, establishment in reviewers:
        if establishment.pk == school.pk:
            message = f"{name} works at {school.name}: reviewers never review their own school."
            raise NotEligible(message, extra={"errors": {"reviewers": [message]}})
        if establishment.pk not in members:
            message = f"{name}'s school is not in {partnership.name}."
            raise NotEligible(message, extra={"errors": {"reviewers": [message]}})
    previous = (
        PeerReview.objects.filter(partnership=partnership, school=school)
        .order_by("-review_on", "-id")
        .first()
    )
    review = PeerReview.objects.create(
        partnership=partnership,
        school=school,
        review_on=review_on,
        focus_areas=focus_areas,
        previous=previous,
        created_by=by,
    )
    audit(obj=review, action="peer_review.planned", actor=by, before={})
    # Each reviewer and each open action carried forward from the last review is on the record too.
    for name, est in reviewers:
        reviewer = PeerReviewer.objects.create(
            review=review, name=name.strip(), establishment=est, reviewed_school=school
        )
        audit(obj=reviewer, action="peer_review.reviewer_added", actor=by, before={})
    if previous is not None:
        for action in previous.actions.filter(status=ActionStatus.OPEN):
            carried = PeerReviewAction.objects.create(
                review=review, text=action.text, owner=action.owner, due_on=action.due_on, carried_from=action
            )
            audit(obj=carried, action="peer_review.action_carried", actor=by, before={})
    return review


@transaction.atomic
def peer_review_complete(
    *,
    by,
    review: PeerReview,
    strengths: str,
    areas_for_development: str,
    actions: list[tuple[str, str, date]] = (),
) -> PeerReview:
    """Record the findings and any actions agreed there and then (text, owner, due date); more actions can be
    added afterwards with `peer_review_action_add`."""
    review = PeerReview.objects.select_for_update().select_related("school").get(pk=review.pk)
    _require_scope(by, review.school)
    if review.state != PeerReviewState.PLANNED:
        raise InvalidTransition("This review is already completed.")
    errors: dict[str, list[str]] = {}
    if not strengths.strip():
        errors["strengths"] = ["Record the strengths found"]
    if not areas_for_development.strip():
        errors["areas_for_development"] = ["Record the areas for development"]
    if any(not t.strip() or not o.strip() or not d for t, o, d in actions):
        errors["actions"] = ["Each action needs text, an owner and a date"]
    if errors:
        raise ValidationFailed("The review is incomplete.", extra={"errors": errors})
    before = snapshot(review)
    for text, owner, due in actions:
        agreed = PeerReviewAction.objects.create(
            review=review, text=text.strip(), owner=owner.strip(), due_on=due
        )
        audit(obj=agreed, action="peer_review.action_added", actor=by, before={})
    review.strengths = strengths.strip()
    review.areas_for_development = areas_for_development.strip()
    review.state = PeerReviewState.COMPLETED
    review.completed_on = timezone.localdate()
    review.save(update_fields=["strengths", "areas_for_development", "state", "completed_on", "modified_on"])
    audit(obj=review, action="peer_review.completed", actor=by, before=before)
    return review


@transaction.atomic
def peer_review_action_add(
    *, by, review: PeerReview, text: str, owner: str, due_on: date
) -> PeerReviewAction:
    """Agree one more action with an owner and a due date."""
    review = PeerReview.objects.select_for_update().select_related("school").get(pk=review.pk)
    _require_scope(by, review.school)
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = ["Describe the action"]
    if not owner.strip():
        errors["owner"] = ["Name who owns the action"]
    if not isinstance(due_on, date):
        errors["due_on"] = ["Enter the date it is due"]
    if errors:
        raise ValidationFailed("The action is incomplete.", extra={"errors": errors})
    action = PeerReviewAction.objects.create(
        review=review, text=text.strip(), owner=owner.strip(), due_on=due_on
    )
    audit(obj=action, action="peer_review.action_added", actor=by, before={})
    return action


@transaction.atomic
def peer_review_action_update(*, by, action: PeerReviewAction, status: str) -> PeerReviewAction:
    """Follow-through: mark an action done or no longer needed. Done/dropped on a carried action closes the original."""
    action = PeerReviewAction.objects.select_for_update().select_related("review__school").get(pk=action.pk)
    _require_scope(by, action.review.school)
    if status not in ActionStatus.values or status == ActionStatus.OPEN:
        raise ValidationFailed(
            "Choose done or no longer needed.", extra={"errors": {"status": ["Choose a status"]}}
        )
    if action.status != ActionStatus.OPEN:
        raise InvalidTransition("This action is already closed.")
    before = snapshot(action)
    action.status = status
    action.done_on = timezone.localdate() if status == ActionStatus.DONE else None
    action.save(update_fields=["status", "done_on", "modified_on"])
    audit(obj=action, action="peer_review.action_updated", actor=by, before=before)
    # Follow-through: closing a carried action closes the action it carries (and so on back), audited each time.
    original = (
        PeerReviewAction.objects.select_for_update()
        .filter(pk=action.carried_from_id, status=ActionStatus.OPEN)
        .first()
        if action.carried_from_id
        else None
    )
    while original is not None:
        before = snapshot(original)
        original.status, original.done_on = action.status, action.done_on
        original.save(update_fields=["status", "done_on", "modified_on"])
        audit(
            obj=original,
            action="peer_review.action_updated",
            actor=by,
            before=before,
            note="Closed at a later review.",
        )
        original = (
            PeerReviewAction.objects.select_for_update()
            .filter(pk=original.carried_from_id, status=ActionStatus.OPEN)
            .first()
            if original.carried_from_id
            else None
        )
    return action


def peer_review_raise_support(
    *, by, review: PeerReview, needs: list[str], description: str, days_needed: int = 1
):
    """A review can raise a support request for the reviewed school."""
    return support_request_create(
        by=by,
        school=review.school,
        needs=needs,
        description=description,
        days_needed=days_needed,
        peer_review=review,
    )
