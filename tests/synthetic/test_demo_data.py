"""`manage.py demo_data`: generate, import through the real pipelines, create users, run app loaders."""

import sys
import types
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from schoolsystem.accounts.constants import Role
from schoolsystem.core.imports import PIPELINES
from schoolsystem.core.models import AuditEvent, ImportRecord
from schoolsystem.registry.constants import OPEN_STATUSES, GroupType, MembershipRole
from schoolsystem.registry.management.commands import demo_data
from schoolsystem.registry.models import (
    Establishment,
    EstablishmentLink,
    Group,
    LocalAuthority,
    Membership,
    SystemLeader,
)

KINDS = [kind for kind, _ in demo_data.IMPORTS]


def run_demo(tmp_path, *extra):
    out = StringIO()
    call_command(
        "demo_data",
        "--schools",
        "60",
        "--seed",
        "5",
        "--out",
        str(tmp_path / "data"),
        "--users-file",
        str(tmp_path / "demo-users.txt"),
        *extra,
        stdout=out,
        stderr=StringIO(),
    )
    return out.getvalue()


@pytest.fixture
def demo_run(db, tmp_path):
    return run_demo(tmp_path), tmp_path


def test_demo_imports_the_generated_system_through_the_real_pipelines(demo_run):
    output, tmp_path = demo_run
    la = LocalAuthority.objects.get(code=demo_data.DEMO_LA_CODE)
    assert la.name == demo_data.DEMO_LA_NAME
    assert Establishment.objects.filter(la=la, status__in=OPEN_STATUSES).count() == 60
    assert Establishment.objects.filter(status="closed").exists()
    assert EstablishmentLink.objects.exists()
    assert Membership.objects.filter(group__group_type=GroupType.MULTI_ACADEMY_TRUST).exists()
    assert set(ImportRecord.objects.values_list("kind", flat=True)) >= set(KINDS)
    for kind in KINDS:
        assert f"({kind})" in output
    assert "done in" in output


def test_demo_creates_one_user_per_role_with_scope_and_an_admin(demo_run):
    from schoolsystem.accounts.models import User

    output, tmp_path = demo_run
    la = LocalAuthority.objects.get(code=demo_data.DEMO_LA_CODE)
    users = {u.username: u for u in User.objects.all()}
    assert set(users) >= {role.value for role in Role} | {"admin"}
    assert users["la_officer"].scope_la == la
    assert users["regional_officer"].scope_region == la.region_name == "South East"
    trust = users["trust_leader"].scope_group
    assert trust.group_type == GroupType.MULTI_ACADEMY_TRUST
    # The largest MAT in the LA.
    sizes = {
        g.pk: g.memberships.filter(left_on__isnull=True, establishment__la=la).count()
        for g in Group.objects.filter(group_type=GroupType.MULTI_ACADEMY_TRUST)
    }
    assert sizes[trust.pk] == max(sizes.values())
    school = users["school_leader"].scope_establishment
    assert school.phase == "Primary" and school.la == la and school.is_open
    for role in ("assessor", "advisory_group", "decision_maker", "applicant", "public"):
        u = users[role]
        assert (u.scope_la, u.scope_region, u.scope_group, u.scope_establishment) == (None, "", None, None)
    assert users["admin"].is_superuser and users["admin"].is_staff
    for user in users.values():
        user.full_clean(exclude=["password"])


def test_demo_prints_and_writes_passwords_that_sign_in(demo_run, client):
    output, tmp_path = demo_run
    table = (tmp_path / "demo-users.txt").read_text()
    assert table.splitlines()[0].split() == ["username", "role", "scope", "password"]
    rows = {line.split()[0]: line.split()[-1] for line in table.splitlines()[2:]}
    assert set(rows) >= {role.value for role in Role} | {"admin"}
    assert len(set(rows.values())) == len(rows)  # every password differs
    for username, password in rows.items():
        assert len(password) >= 16
        assert client.login(username=username, password=password), username
    assert table.strip() in output


def test_demo_trust_leader_signs_in_to_a_proposal_at_due_diligence(demo_run, client):
    """The job a trust leader comes to brokerage for: the demo leaves a proposal naming their trust with the due
    diligence started and its checks to record, listed on their brokerage home and offered on its page."""
    from django.urls import reverse

    from schoolsystem.accounts.models import User
    from schoolsystem.brokerage.models import Proposal

    output, tmp_path = demo_run
    rows = {
        line.split()[0]: line.split()[-1] for line in (tmp_path / "demo-users.txt").read_text().splitlines()
    }
    assert client.login(username="trust_leader", password=rows["trust_leader"])
    trust = User.objects.get(username="trust_leader").scope_group
    proposal = Proposal.objects.get(group=trust, status="due_diligence")
    assert proposal.checks.filter(outcome="pending").exists()
    home = client.get(reverse("brokerage:home")).content.decode()
    assert reverse("brokerage:proposal", args=[proposal.pk]) in home
    page = client.get(reverse("brokerage:proposal", args=[proposal.pk])).content.decode()
    assert 'value="due_diligence"' in page


def test_demo_registry_extras_partnerships_and_system_leaders_are_audited(demo_run):
    la = LocalAuthority.objects.get(code=demo_data.DEMO_LA_CODE)
    tsa = Group.objects.get(la=la, group_type=GroupType.TEACHING_SCHOOL_ALLIANCE)
    roles = set(tsa.memberships.values_list("role", flat=True))
    assert roles == {MembershipRole.LEAD, MembershipRole.MEMBER, MembershipRole.STRATEGIC_PARTNER}
    assert Group.objects.filter(la=la, group_type=GroupType.LOCAL_STRATEGIC_PARTNERSHIP).exists()
    designations = set(SystemLeader.objects.values_list("designation", flat=True))
    assert designations == {"NLE", "LLE", "SLE", "NLG"}
    nle = SystemLeader.objects.get(designation="NLE")
    assert nle.national_support_school and nle.establishment == tsa.memberships.get(role="lead").establishment
    assert SystemLeader.objects.filter(designation="SLE", teaching_school_alliance=tsa).count() == 4
    created = AuditEvent.objects.filter(actor_label="demo")
    # Other apps' loaders create partnerships too (as their own demo users): every one is audited, by whoever.
    assert (
        AuditEvent.objects.filter(action="partnership.created").count()
        == Group.objects.filter(uid__isnull=True).count()
    )
    assert created.filter(action="system_leader.created").count() == SystemLeader.objects.count()
    # ... and so do brokerage hand-offs, which add schools to (formal) receiving trusts (ADR 0072).
    from django.db.models import F

    from schoolsystem.brokerage.models import HandOff

    # (a hand-off into a trust the register already listed the school in keeps that row: no new membership)
    handed_over = HandOff.objects.filter(
        membership__group__uid__isnull=False, membership__joined_on=F("effective_on")
    ).count()
    assert handed_over > 0
    assert (
        AuditEvent.objects.filter(action="membership.added").count()
        == Membership.objects.filter(group__uid__isnull=True).count() + handed_over
    )
    # Some open state-funded schools remain isolated (no formal membership, no partnership).
    current = Membership.objects.filter(left_on__isnull=True).values("establishment_id")
    state_funded = Establishment.objects.filter(la=la, status__in=OPEN_STATUSES, state_funded=True)
    isolated = state_funded.exclude(pk__in=current)
    assert 0 < isolated.count() < state_funded.count()


def test_demo_refuses_a_registry_that_already_has_establishments(demo_run):
    output, tmp_path = demo_run
    with pytest.raises(CommandError, match="already holds establishments"):
        run_demo(tmp_path)


def test_demo_fails_loudly_when_an_import_pipeline_is_missing(db, tmp_path, monkeypatch):
    monkeypatch.delitem(PIPELINES, "gias-links", raising=False)
    with pytest.raises(CommandError, match="gias-links.*not registered"):
        run_demo(tmp_path)
    assert not Establishment.objects.exists()


def test_a_failing_app_loader_stops_the_demo_naming_the_app(db, tmp_path, monkeypatch):
    module = types.ModuleType("schoolsystem.performance.demo")

    def load(ctx):
        raise RuntimeError("boom")

    module.load = load
    monkeypatch.setitem(sys.modules, "schoolsystem.performance.demo", module)
    with pytest.raises(CommandError, match=r"performance demo loader .* failed: RuntimeError: boom"):
        run_demo(tmp_path)


def test_app_loaders_get_the_context_and_may_add_users(db, tmp_path, monkeypatch):
    seen = {}
    module = types.ModuleType("schoolsystem.brokerage.demo")

    def load(ctx):
        from schoolsystem.accounts.models import User

        seen.update(la=ctx.la.code, roles=set(ctx.users), seed=ctx.seed, out=ctx.out_dir)
        extra = User.objects.create_user("brokerage-extra", password="x", role="assessor")
        ctx.users["brokerage-extra"] = extra
        ctx.passwords["brokerage-extra"] = "Printed-Password-1"

    module.load = load
    monkeypatch.setitem(sys.modules, "schoolsystem.brokerage.demo", module)
    output = run_demo(tmp_path)
    assert seen["la"] == demo_data.DEMO_LA_CODE and seen["seed"] == 5
    assert seen["roles"] == {role.value for role in Role}
    assert seen["out"] == tmp_path / "data"
    assert "brokerage-extra" in output and "Printed-Password-1" in output


def test_force_loads_again_without_duplicating_the_registry_extras(demo_run):
    output, tmp_path = demo_run
    partnerships = Group.objects.filter(uid__isnull=True).count()
    leaders = SystemLeader.objects.count()
    output = run_demo(tmp_path, "--force")
    assert "partnerships already present" in output
    assert Group.objects.filter(uid__isnull=True).count() == partnerships
    assert SystemLeader.objects.count() == leaders
    assert Establishment.objects.filter(status__in=OPEN_STATUSES).count() == 60
