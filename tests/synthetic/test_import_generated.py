"""Every generated file imports through the real GIAS pipelines with no errors, and the registry holds what the
files say."""

import pandas as pd
import pytest

from schoolsystem.core.imports import PIPELINES
from schoolsystem.registry.constants import OPEN_STATUSES, GroupType
from schoolsystem.registry.models import Establishment, EstablishmentLink, Group, LocalAuthority, Membership
from schoolsystem.synthetic import generate_system

ORDER = [
    ("gias-groups", "groups"),
    ("gias", "establishments"),
    ("gias-links", "links"),
    ("gias-memberships", "memberships"),
]


def read(path):
    return pd.read_csv(path, encoding="cp1252", dtype=str, keep_default_na=False)


@pytest.mark.django_db
def test_a_450_school_la_imports_with_zero_errors_and_matching_counts(tmp_path):
    paths = generate_system(tmp_path, schools=450, seed=2026)
    for kind, table in ORDER:
        result = PIPELINES[kind]().run(paths[table], progress=False)
        assert result.counts.rows == len(read(paths[table])), kind
    est = read(paths["establishments"])
    assert Establishment.objects.count() == len(est)
    assert Establishment.objects.filter(status__in=OPEN_STATUSES).count() == 450
    la = LocalAuthority.objects.get(code="936")
    assert (la.name, la.region_name) == ("Wealdshire", "South East")
    # Facts of the file, as the importer reads them.
    assert Establishment.objects.filter(
        ofsted_rating="Special Measures", status__in=OPEN_STATUSES
    ).count() == (
        (
            est["OfstedRating (name)"].eq("Special Measures") & est["EstablishmentStatus (name)"].ne("Closed")
        ).sum()
    )
    groups = read(paths["groups"])
    assert Group.objects.filter(uid__isnull=False).count() == len(groups)
    assert not Group.objects.filter(
        uid__isnull=True
    ).exists()  # every trust/sponsor named in the file is known
    assert Group.objects.filter(group_type=GroupType.MULTI_ACADEMY_TRUST).count() == (
        groups["Group Type"].eq("Multi-academy trust").sum()
    )
    members = read(paths["memberships"])
    assert Membership.objects.filter(left_on__isnull=True).count() == len(members)
    links = read(paths["links"])
    assert EstablishmentLink.objects.count() == len(links)
    # A converted academy's predecessor is a closed school in the registry.
    link = EstablishmentLink.objects.filter(link_type="Predecessor").first()
    assert Establishment.objects.get(urn=link.linked_urn).status == "closed"
    assert Establishment.objects.get(urn=link.urn).is_academy
