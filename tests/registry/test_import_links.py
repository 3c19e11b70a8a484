"""The `gias-links` import and predecessor/successor chains on the real national links file."""

import pytest

from schoolsystem.core.imports import ImportFailed
from schoolsystem.registry import selectors
from schoolsystem.registry.imports import GiasEstablishmentImport, GiasLinkImport
from schoolsystem.registry.models import Establishment, EstablishmentLink
from tests.registry.gias_files import school, write

pytestmark = pytest.mark.django_db
HEADER = ["URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate"]


def link(urn, linked, kind="Predecessor", name="", when=""):
    return dict(zip(HEADER, [str(urn), str(linked), name, kind, when], strict=True))


def run(path, **kw):
    return GiasLinkImport().run(path, progress=False, **kw)


@pytest.mark.realdata
def test_national_links_file_imports_every_link_including_urns_outside_the_registry(shared_data):
    result = run(shared_data / "gias" / "links_edubasealldata_2021-05.csv")
    assert (result.counts.rows, result.counts.created) == (29817, 29817)
    assert EstablishmentLink.objects.count() == 29817
    assert EstablishmentLink.objects.filter(link_type="Successor").count() == 14569
    assert not Establishment.objects.exists()  # stored by URN, no establishment needed
    goldsworth = EstablishmentLink.objects.get(urn=137850, linked_urn=125119)
    assert (goldsworth.link_type, str(goldsworth.established_on)) == ("Predecessor", "2012-02-01")


@pytest.mark.realdata
def test_goldsworth_academy_keeps_its_history_across_urns(shared_data, tmp_path):
    run(shared_data / "gias" / "links_edubasealldata_2021-05.csv")
    # Goldsworth First (130033) and Middle (130058) amalgamated into Goldsworth Primary (125119), which converted
    # to an academy (137850) on 1 February 2012.
    assert selectors.predecessor_chain(137850) == (125119, 130033, 130058)
    assert selectors.successor_chain(130033) == (125119, 137850)
    assert selectors.lineage(125119) == (130058, 130033, 125119, 137850)
    files = [
        [
            school(125119, **{"EstablishmentStatus (name)": "Open"}),
            school(137850, **{"EstablishmentStatus (name)": "Proposed to open"}),
        ],
        [school(125119, **{"EstablishmentStatus (name)": "Closed"}), school(137850)],
    ]
    for n, rows in enumerate(files):
        GiasEstablishmentImport().run(write(tmp_path / f"e{n}.csv", rows), progress=False)
    academy = Establishment.objects.get(urn=137850)
    actions = sorted(
        (e.object_repr.split("(")[-1].rstrip(")"), e.action) for e in selectors.lineage_history(academy)
    )
    assert actions == [
        ("125119", "establishment.closed"),
        ("125119", "establishment.created"),
        ("137850", "establishment.created"),
        ("137850", "establishment.updated"),
    ]


def test_reimport_updates_changed_links_and_keeps_the_rest(tmp_path):
    run(write(tmp_path / "a.csv", [link(2, 1, when="01-09-2012"), link(1, 2, "Successor")], HEADER))
    result = run(write(tmp_path / "b.csv", [link(2, 1, when="01-09-2013"), link(3, 2, name="New")], HEADER))
    c = result.counts
    assert (c.created, c.updated, c.unchanged) == (1, 1, 0)
    assert EstablishmentLink.objects.count() == 3  # nothing deleted
    assert str(EstablishmentLink.objects.get(urn=2).established_on) == "2013-09-01"


def test_duplicate_link_is_refused(tmp_path):
    with pytest.raises(ImportFailed, match=r"row 3, column 'LinkURN': the same URN, LinkURN and LinkType"):
        run(write(tmp_path / "links.csv", [link(2, 1), link(2, 1)], HEADER))
    assert not EstablishmentLink.objects.exists()


def test_blank_link_urn_is_refused(tmp_path):
    with pytest.raises(ImportFailed, match=r"links.csv, row 2, column 'LinkURN': is blank but is required"):
        run(write(tmp_path / "links.csv", [link(2, "")], HEADER))
