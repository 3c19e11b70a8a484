import pytest
from hypothesis import given
from hypothesis import strategies as st

from schoolsystem.engines import gias


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("Open", "open"),
        ("Open, but proposed to close", "proposed_to_close"),
        ("Proposed to open", "proposed_to_open"),
        ("Closed", "closed"),
    ],
)
def test_gias_status_names_map_to_registry_statuses(name, status):
    assert gias.establishment_status(name) == status


def test_unknown_status_name_is_refused():
    with pytest.raises(KeyError):
        gias.establishment_status("Shut")


@pytest.mark.parametrize(
    ("group", "type_name", "funded"),
    [
        ("Local authority maintained schools", "Community school", True),
        ("LA maintained schools", "Voluntary aided school", True),  # the 2018 spelling
        ("Local authority maintained schools", "Pupil referral unit", True),
        ("Academies", "Academy converter", True),
        ("Free Schools", "University technical college", True),
        ("Special schools", "Community special school", True),
        ("Special schools", "Non-maintained special school", False),
        ("Special schools", "Other independent special school", False),
        ("Independent schools", "Other independent school", False),
        ("Independent schools", "City technology college", True),
        ("Children's Centres", "Children's centre", False),
        ("Colleges", "Further education", False),
        ("Universities", "Higher education institutions", False),
        ("Other types", "Special post 16 institution", False),
        ("Welsh schools", "Welsh establishment", False),
        ("Online provider", "Online provider", False),
    ],
)
def test_state_funded_follows_type_group_with_named_exceptions(group, type_name, funded):
    assert gias.is_state_funded(group, type_name) is funded


def test_trust_flag_gives_group_type():
    assert gias.trust_group_type("Supported by a multi-academy trust") == "mat"
    assert gias.trust_group_type("Supported by a single-academy trust") == "sat"
    assert gias.trust_group_type("Supported by a trust") == "trust"
    assert gias.trust_group_type("") == "trust"


def test_group_refs_cover_trust_sponsor_and_federation_and_use_codes_as_uids():
    refs = gias.group_refs(
        trust_flag="Supported by a multi-academy trust",
        trusts=("GLF SCHOOLS",),
        trust_codes=("2044",),
        sponsors=("GLF Schools", "Diocese of London"),
        federations=("Koinonia Federation",),
        federation_codes=("16268",),
    )
    assert refs == (
        gias.GroupRef("GLF SCHOOLS", "mat", 2044),
        gias.GroupRef("GLF Schools", "sponsor"),
        gias.GroupRef("Diocese of London", "sponsor"),
        gias.GroupRef("Koinonia Federation", "federation", 16268),
    )


def test_group_refs_ignore_codes_that_do_not_line_up_and_drop_duplicates():
    refs = gias.group_refs(trust_flag="Supported by a trust", trusts=("A", "a "), trust_codes=("1",))
    assert refs == (gias.GroupRef("A", "trust"),)


def test_group_names_compare_case_and_space_insensitively():
    assert gias.group_key("GLF  SCHOOLS ") == gias.group_key("GLF Schools")
    # The groups file's "Name, The" is the establishment file's "THE NAME".
    assert gias.group_key("Kemnal Academies Trust, The") == gias.group_key("THE KEMNAL ACADEMIES TRUST")
    assert gias.group_key("Good Shepherd Trust ,the ") == "the good shepherd trust"
    assert gias.group_key("Theale Trust") == "theale trust" and gias.group_key("Bathe, Theo") == "bathe, theo"


# The Goldsworth chain in links_edubasealldata_2021-05.csv: a first and a middle school amalgamated into
# Goldsworth Primary School (125119), which converted to an academy (137850) in February 2012.
GOLDSWORTH = {
    125119: [(130033, "Predecessor"), (130058, "Predecessor"), (137850, "Successor")],
    130033: [(125119, "Successor")],
    137850: [(125119, "Predecessor")],
}


def test_predecessor_chain_walks_back_through_conversion_and_amalgamation():
    assert gias.predecessor_chain(137850, GOLDSWORTH) == (125119, 130033, 130058)


def test_successor_chain_walks_forward_to_the_academy():
    assert gias.successor_chain(130033, GOLDSWORTH) == (125119, 137850)
    assert gias.successor_chain(137850, GOLDSWORTH) == ()


def test_lineage_runs_oldest_to_newest():
    assert gias.lineage(125119, GOLDSWORTH) == (130058, 130033, 125119, 137850)


def test_link_types_outside_chains_are_ignored():
    links = {1: [(2, "Sixth Form Centre Link"), (3, "Predecessor - merged"), (4, "Successor - Split School")]}
    assert gias.predecessor_chain(1, links) == (3,)
    assert gias.successor_chain(1, links) == (4,)


@given(
    st.dictionaries(
        st.integers(1, 30),
        st.lists(
            st.tuples(st.integers(1, 30), st.sampled_from(["Predecessor", "Successor", "Other"])), max_size=4
        ),
        max_size=30,
    ),
    st.integers(1, 30),
)
def test_chains_terminate_without_repeats_or_the_start_even_with_cycles(links, urn):
    for chain in (gias.predecessor_chain(urn, links), gias.successor_chain(urn, links)):
        assert urn not in chain
        assert len(chain) == len(set(chain))


def test_head_name_joins_non_blank_parts():
    assert gias.head_name("Mrs", " Jane", "") == "Mrs Jane"
