"""The accreditation rules of seed 000, one test per rule, every organisation type."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schoolsystem.engines.accreditation import (
    ASG_ELIGIBLE_TYPES,
    ASP_ELIGIBLE_TYPES,
    AccreditationType,
    Applicant,
    Candidate,
    CoPartner,
    Criterion,
    OrgType,
    Reason,
    Route,
    check_eligibility,
    church_denomination,
    diocese_first_opportunity,
    diocese_lead_partner_reasons,
    missing_evidence,
    recommendation_reasons,
    required_evidence,
    working_days_elapsed,
)

ASP, ASG = AccreditationType.ASP, AccreditationType.ASG


def asp(org_type=OrgType.MAINTAINED_PRIMARY, **kw) -> Applicant:
    return Applicant(
        org_type=org_type, accreditation_type=ASP, proposed_capacity=kw.pop("proposed_capacity", 1), **kw
    )


def asg(org_type=OrgType.MAINTAINED_PRIMARY, **kw) -> Applicant:
    defaults = {"schools_led_in_formal_partnership": 2, "primary_schools_governed": 2, "proposed_capacity": 3}
    return Applicant(org_type=org_type, accreditation_type=ASG, **{**defaults, **kw})


def educational(org_type: OrgType) -> bool:
    return org_type not in {OrgType.PRIVATE_SECTOR, OrgType.THIRD_SECTOR}


def for_type(org_type: OrgType, make) -> Applicant:
    if educational(org_type):
        return make(org_type)
    return make(
        org_type,
        is_educational=False,
        education_strategy="Through our partner school.",
        route=Route.WITH_CO_PARTNER,
        co_partners=(CoPartner("Oak Primary", True, "Led two schools out of special measures."),),
    )


# --- §2.2 ASP --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("org_type", sorted(ASP_ELIGIBLE_TYPES))
def test_every_section_2_2_type_may_seek_asp(org_type):
    result = check_eligibility(for_type(org_type, asp))
    assert result.eligible, result.reasons


@pytest.mark.parametrize("org_type", [OrgType.LOCAL_AUTHORITY, OrgType.OTHER])
def test_types_outside_section_2_2_are_refused_asp_with_the_paragraph(org_type):
    result = check_eligibility(asp(org_type))
    assert not result.eligible
    assert result.reasons[0].section == "2.2"
    assert "ASP" in result.reasons[0].text


@pytest.mark.parametrize("capacity,ok", [(0, False), (1, True), (2, True), (3, False)])
def test_asp_leads_one_or_two_schools(capacity, ok):
    result = check_eligibility(asp(proposed_capacity=capacity))
    assert result.eligible is ok
    if not ok:
        assert result.reasons == (
            Reason(
                "1.3", f"An ASP leads improvement in one or two schools; the proposed capacity is {capacity}."
            ),
        )


# --- §2.3–2.4 ASG --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("org_type", sorted(ASG_ELIGIBLE_TYPES))
def test_every_section_2_3_and_2_4_type_may_seek_asg(org_type):
    assert check_eligibility(asg(org_type)).eligible


@pytest.mark.parametrize("org_type", sorted(set(OrgType) - ASG_ELIGIBLE_TYPES))
def test_other_types_are_refused_asg_citing_2_3_to_2_4(org_type):
    result = check_eligibility(for_type(org_type, asg))
    assert not result.eligible
    assert result.reasons[0].section == "2.3–2.4"


def test_secondary_school_refused_asg_is_told_it_may_apply_as_asp():
    reason = check_eligibility(asg(OrgType.MAINTAINED_SECONDARY)).reasons[0]
    assert reason.text == (
        "A maintained secondary school may not seek accreditation as an ASG (it may apply as an ASP)."
    )


@pytest.mark.parametrize("led,ok", [(0, False), (1, False), (2, True), (5, True)])
def test_asg_needs_a_track_record_in_two_or_more_schools(led, ok):
    result = check_eligibility(asg(schools_led_in_formal_partnership=led))
    assert result.eligible is ok
    if not ok:
        assert any(r.section == "2.3" and f"gives {led}" in r.text for r in result.reasons)


@pytest.mark.parametrize("capacity,ok", [(2, False), (3, True), (10, True)])
def test_asg_lead_organisation_is_accountable_for_three_or_more_schools(capacity, ok):
    result = check_eligibility(asg(proposed_capacity=capacity))
    assert result.eligible is ok


@pytest.mark.parametrize("governed,ok", [(1, False), (2, True)])
def test_asg_governing_bodies_need_two_or_more_primary_schools(governed, ok):
    result = check_eligibility(asg(OrgType.ACADEMY_TRUST, primary_schools_governed=governed))
    assert result.eligible is ok
    if not ok:
        assert result.reasons[0].section == "2.4"


def test_asg_primary_school_is_not_asked_about_governance():
    assert check_eligibility(asg(OrgType.MAINTAINED_PRIMARY, primary_schools_governed=0)).eligible


def _every_reason() -> list[Reason]:
    """The reasons of every organisation type, either accreditation, with the rules failed in every way."""
    bare = {"schools_led_in_formal_partnership": 0, "primary_schools_governed": 0}
    partners = (CoPartner("Sums Ltd", False), CoPartner("Oak Primary", True))
    reasons: list[Reason] = []
    for org_type in OrgType:
        for make in (asp, asg):
            for route in Route:
                for educational, capacity in ((True, 0), (False, 9)):
                    applicant = make(org_type, is_educational=educational, route=route, co_partners=partners)
                    reasons += check_eligibility(
                        replace(applicant, proposed_capacity=capacity, **bare)
                    ).reasons
    result = diocese_first_opportunity("Church of England", "", [UNACCREDITED_DIOCESE, UNACCREDITED_SCHOOL])
    reasons += [reason for _, reason in result.excluded] + [result.note]
    reasons += diocese_lead_partner_reasons(is_diocese=True, accredited=False, new_faith_provision=True)
    return reasons


def test_every_reason_is_a_sentence_for_users_with_its_section_kept_apart():
    reasons = _every_reason()
    assert {r.section for r in reasons} >= {
        "1.3",
        "1.3 and foreword",
        "2.2",
        "2.3",
        "2.3–2.4",
        "2.4",
        "2.5",
        "2.6",
    }
    for reason in reasons:
        assert "§" not in reason.text and reason.section and "§" not in reason.section, reason
        assert reason.text[0].isupper() and reason.text.endswith("."), reason
        assert str(reason) == reason.text


def test_organisation_types_read_as_words_in_a_sentence():
    texts = {r.text for r in _every_reason()}
    assert (
        "A further education or sixth-form college may not seek accreditation as an ASG (it may apply as an ASP)."
        in texts
    )
    assert (
        "An independent secondary school may not seek accreditation as an ASG (it may apply as an ASP)."
        in texts
    )
    assert "A local authority is not among the organisations that may seek accreditation as an ASP." in texts


def test_all_failing_rules_are_reported_together():
    result = check_eligibility(
        asg(
            OrgType.FEDERATION,
            primary_schools_governed=0,
            schools_led_in_formal_partnership=0,
            proposed_capacity=1,
        )
    )
    assert [r.section for r in result.reasons] == ["2.4", "2.3", "1.3 and foreword"]


# --- §2.10–2.12 non-educational organisations and co-partners ------------------------------------------------


def test_non_educational_own_right_needs_an_education_strategy():
    result = check_eligibility(asp(OrgType.PRIVATE_SECTOR, is_educational=False))
    assert not result.eligible
    assert result.reasons[0].section == "2.10"
    assert check_eligibility(
        asp(OrgType.PRIVATE_SECTOR, is_educational=False, education_strategy="x")
    ).eligible


def test_non_educational_with_co_partner_needs_an_educational_one():
    partner = CoPartner("Sums Ltd", is_educational=False, track_record="Accounts.")
    result = check_eligibility(
        asp(
            OrgType.THIRD_SECTOR,
            is_educational=False,
            education_strategy="x",
            route=Route.WITH_CO_PARTNER,
            co_partners=(partner,),
        )
    )
    assert result.reasons == (
        Reason(
            "2.10–2.11",
            "A non-educational organisation applying with a co-partner or as a consortium must name an "
            "educational co-partner.",
        ),
    )


def test_co_partner_must_meet_the_track_record_criteria_but_need_not_be_accredited():
    partner = CoPartner("Oak Primary", is_educational=True, track_record="")
    result = check_eligibility(
        asp(
            OrgType.PRIVATE_SECTOR,
            is_educational=False,
            education_strategy="x",
            route=Route.CONSORTIUM,
            co_partners=(partner,),
        )
    )
    assert len(result.reasons) == 1 and result.reasons[0].section == "2.12"
    assert result.reasons[0].text.startswith("Co-partner “Oak Primary” need not be accredited")


def test_consortium_is_the_route_for_non_educational_leads():
    result = check_eligibility(asp(route=Route.CONSORTIUM, co_partners=(CoPartner("A", True, "t"),)))
    assert result.reasons == (
        Reason("2.11", "Consortia are the route for non-educational lead organisations."),
    )


def test_own_right_application_names_no_partners():
    result = check_eligibility(asp(co_partners=(CoPartner("A", True, "t"),)))
    assert result.reasons[0] == Reason(
        "2.10", "An application in the organisation's own right names no co-partners."
    )


def test_educational_organisation_with_a_co_partner_is_eligible():
    assert check_eligibility(
        asp(route=Route.WITH_CO_PARTNER, co_partners=(CoPartner("Uni", True, "t"),))
    ).eligible


# --- evidence (§2.8, §2.9, §2.10–2.11) -------------------------------------------------------------------------


def test_all_proposals_give_part_one_and_part_two():
    assert required_evidence(asp()) == (
        Criterion.VISION,
        Criterion.CAPACITY,
        Criterion.LEADERSHIP_MANAGEMENT,
        Criterion.PUPIL_ACHIEVEMENT,
        Criterion.PARTNERSHIP_WORKING,
    )


def test_national_support_schools_skip_leadership_and_achievement():
    assert required_evidence(asp(national_support_school=True)) == (
        Criterion.VISION,
        Criterion.CAPACITY,
        Criterion.PARTNERSHIP_WORKING,
    )


def test_nss_exemption_applies_only_to_maintained_primary_schools():
    assert Criterion.PUPIL_ACHIEVEMENT in required_evidence(
        asp(OrgType.ACADEMY_TRUST, national_support_school=True)
    )


def test_non_educational_consortium_adds_strategy_and_co_partner_track_record():
    sections = required_evidence(asp(OrgType.PRIVATE_SECTOR, is_educational=False, route=Route.CONSORTIUM))
    assert sections[-2:] == (Criterion.EDUCATION_STRATEGY, Criterion.CO_PARTNER_TRACK_RECORD)


def test_missing_evidence_lists_required_sections_without_text():
    assert missing_evidence(asp(national_support_school=True), ["vision", "partnership_working"]) == (
        Criterion.CAPACITY,
    )


# --- dioceses (§2.5–2.6) -------------------------------------------------------------------------------------

GUILDFORD = Candidate(
    1, "Diocese of Guildford", True, is_diocese=True, denomination="CofE", diocese="Diocese of Guildford"
)
ARUNDEL = Candidate(
    2,
    "Diocese of Arundel and Brighton",
    True,
    is_diocese=True,
    denomination="RC",
    diocese="Diocese of Arundel and Brighton",
)
OAK = Candidate(3, "Oak Primary", True)
UNACCREDITED_DIOCESE = Candidate(
    4, "Diocese of Guildford (pending)", False, is_diocese=True, denomination="CofE", diocese="Guildford"
)
UNACCREDITED_SCHOOL = Candidate(5, "Elm Primary", False)


def test_church_school_of_concern_goes_to_its_own_diocese_first():
    result = diocese_first_opportunity("Church of England", "Diocese of Guildford", [OAK, ARUNDEL, GUILDFORD])
    assert result.applies
    assert result.first == (GUILDFORD,)
    assert result.then == (OAK, ARUNDEL)
    assert result.note == Reason(
        "2.6", "Diocese of Guildford is approached first to protect the school's faith ethos."
    )


def test_rc_school_goes_to_its_rc_diocese_not_a_cofe_one():
    result = diocese_first_opportunity("Roman Catholic", "Arundel and Brighton", [GUILDFORD, ARUNDEL])
    assert result.first == (ARUNDEL,)


def test_diocese_without_accreditation_is_excluded_and_others_are_approached():
    result = diocese_first_opportunity(
        "Church of England", "Guildford", [UNACCREDITED_DIOCESE, OAK, UNACCREDITED_SCHOOL]
    )
    assert result.first == ()
    assert result.then == (OAK,)
    assert [c for c, _ in result.excluded] == [UNACCREDITED_DIOCESE, UNACCREDITED_SCHOOL]
    assert [reason.section for _, reason in result.excluded] == ["2.5", "2.13–2.14"]
    assert "other accredited providers" in result.note.text


def test_non_church_school_has_no_first_opportunity():
    result = diocese_first_opportunity("Does not apply", "Not applicable", [GUILDFORD, OAK])
    assert not result.applies
    assert result.first == () and result.then == (GUILDFORD, OAK)


@pytest.mark.parametrize(
    "character,expected",
    [
        ("Church of England", "CofE"),
        ("Roman Catholic", "RC"),
        ("Catholic", "RC"),
        ("Methodist", ""),
        ("", ""),
    ],
)
def test_church_denomination_from_gias_religious_character(character, expected):
    assert church_denomination(character) == expected


def test_diocese_needs_accreditation_for_new_faith_provision():
    (reason,) = diocese_lead_partner_reasons(is_diocese=True, accredited=False, new_faith_provision=True)
    assert reason.section == "2.5" and reason.text.startswith("A diocese must be accredited")
    assert diocese_lead_partner_reasons(is_diocese=True, accredited=True, new_faith_provision=True) == ()
    assert diocese_lead_partner_reasons(is_diocese=True, accredited=False, new_faith_provision=False) == ()


# --- the clock ----------------------------------------------------------------------------------------------

MON = date(2026, 3, 2)


def test_working_days_skip_weekends():
    assert working_days_elapsed(MON, MON + timedelta(days=7)) == 5
    assert working_days_elapsed(MON, MON) == 0
    assert working_days_elapsed(MON, MON - timedelta(days=3)) == 0


def test_clock_stops_while_further_information_is_awaited():
    # Submitted Monday; information asked Wednesday, answered the following Monday: Thu, Fri, Mon not counted.
    wed, next_mon, next_tue = MON + timedelta(days=2), MON + timedelta(days=7), MON + timedelta(days=8)
    assert working_days_elapsed(MON, wed, [(wed, next_mon)]) == 2
    assert working_days_elapsed(MON, next_mon, [(wed, next_mon)]) == 2
    assert working_days_elapsed(MON, next_tue, [(wed, next_mon)]) == 3


def test_open_pause_stops_the_clock_until_today():
    wed = MON + timedelta(days=2)
    assert working_days_elapsed(MON, MON + timedelta(days=14), [(wed, None)]) == 2


def test_holidays_are_not_counted():
    assert (
        working_days_elapsed(MON, MON + timedelta(days=4), holidays=frozenset({MON + timedelta(days=1)})) == 3
    )


@given(
    st.integers(0, 60),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20)), max_size=3),
)
def test_pauses_never_add_days(length, pauses):
    end = MON + timedelta(days=length)
    windows = [(MON + timedelta(days=p), MON + timedelta(days=p + d)) for p, d in pauses]
    assert 0 <= working_days_elapsed(MON, end, windows) <= working_days_elapsed(MON, end)


# --- scoring -------------------------------------------------------------------------------------------------


def test_accreditation_needs_every_heading_at_least_met():
    scores = {"vision": 4, "governance": 3, "track_record": 3, "expertise": 3, "capacity": 3}
    assert recommendation_reasons(scores) == ()
    assert recommendation_reasons({**scores, "capacity": 2}) == (
        "The capacity to achieve transformational change in the schools they support: scored Partly met.",
    )
    assert recommendation_reasons({}) and len(recommendation_reasons({})) == 5
