"""The demo's case is recorded after the fact, with each step's own date (the services take them: the date the
concern was identified, a visit, an early conversation, a warning notice, a consultation): those dates tell the story
in order, the notice's compliance date passed before the intervention was chosen, and none is in the future. When
the demo recorded the case (Case.created_on, like the audit) is apart from the date identified, and the case page
and list show the date identified."""

from datetime import date

import pytest

from schoolsystem.core.demo import DemoContext
from schoolsystem.improvement.models import Case
from tests.improvement.factories import make_school, today

pytestmark = pytest.mark.django_db


def test_the_demo_case_steps_are_dated_in_order(las, tmp_path):
    from schoolsystem.improvement import demo

    la = las[0]
    make_school(la, 300001, name="Weak Primary", ofsted_rating="Requires improvement")
    make_school(la, 300002, name="Strong Primary", ofsted_rating="Outstanding")
    demo.load(DemoContext(la=la, users={}, seed=7, out_dir=tmp_path, log=lambda line: None))

    case = Case.objects.get(school__urn=300001)
    dated = {e.action: e.data for e in case.events.all()}
    visited = date.fromisoformat(dated["visit"]["visited_on"])
    conversation = date.fromisoformat(dated["hold_early_conversation"]["held_on"])
    notice = date.fromisoformat(dated["issue_warning_notice"]["issued_on"])
    consulted = case.consultations.get().consulted_on
    steps = [
        case.identified_on,
        visited,
        conversation,
        notice,
        case.compliance_by,
        consulted,
        case.intervention_chosen_on,
    ]
    assert steps == sorted(steps) and len(set(steps)) == len(steps), steps
    assert case.warning_notice_issued_on == notice
    assert case.intervention_chosen_on <= today()
