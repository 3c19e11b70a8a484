"""Built-in word lists for plausible English place, school, trust and people names.

Place names are made from a stem and an ending ("Ash" + "ford"), so they read like English towns without
claiming to be any real one. Regions and dioceses are the real English ones (public geography, not data).
"""

from __future__ import annotations

from dataclasses import dataclass

STEMS = (
    "Ash", "Oak", "Elm", "Birch", "Brook", "Chester", "Kings", "Queens", "Stan", "Whit", "Wood", "Hazel",
    "Thorn", "Mill", "Marsh", "Brad", "Bar", "Cran", "Dun", "Fair", "Glen", "Hather", "Lang", "Long",
    "Nether", "North", "South", "East", "West", "Red", "Rother", "Stone", "Sutton", "Wal", "Wey", "Wilm",
    "Ald", "Bex", "Cold", "Eden", "Fern", "Gold", "Holm", "Iver", "Kirk", "Lynd", "Moor", "Nor", "Pen",
    "Ridge", "Sand", "Shep", "Tam", "Up", "Ver", "Wynd", "Bram", "Chal", "Dray", "Ember",
)  # fmt: skip
ENDINGS = (
    "ford", "field", "ley", "ton", "bury", "wood", "ham", "worth", "stead", "hill", "brook", "dale",
    "minster", "wick", "by", "combe", "den", "gate", "hurst", "mere", "mouth", "over", "port", "well",
)  # fmt: skip
PLACE_SUFFIXES = ("", "", "", " Park", " Green", " Vale", " Heath", " Common", " End", " Cross")
STREET_TYPES = ("Road", "Lane", "Avenue", "Street", "Close", "Way", "Drive", "Grove", "Hill", "Rise")
SAINTS = (
    "Mary", "John", "Peter", "Paul", "Andrew", "Michael", "Joseph", "Anne", "Thomas", "Luke", "Mark",
    "Matthew", "Bartholomew", "Catherine", "Margaret", "Nicholas", "Stephen", "Lawrence", "Augustine",
    "Bede", "Hilda", "Edmund", "Francis", "Teresa", "Dunstan", "Alban", "Giles", "James", "Martin", "Helen",
)  # fmt: skip
DEDICATIONS = ("Holy Trinity", "Christ Church", "All Saints", "Holy Family", "Sacred Heart", "Our Lady")
TRUST_WORDS = (
    "Learning", "Education", "Schools", "Academies", "Partnership", "Collaborative", "Alliance", "Community",
    "Foundation", "Family of Schools",
)  # fmt: skip
TRUST_THEMES = (
    "Horizon", "Pathways", "Compass", "Beacon", "Unity", "Keystone", "Meridian", "Evolve", "Kite", "Lighthouse",
    "Summit", "Aspire", "Endeavour", "Harmony", "Oakwood", "Riverside", "Spire", "Tenacity", "Venture", "Willow",
)  # fmt: skip
# Head teachers: the title drawn agrees with the first name.
FEMALE_NAMES = (
    "Sarah", "Helen", "Claire", "Rachel", "Emma", "Joanne", "Louise", "Amanda", "Nicola", "Zoë", "Chloé",
    "Renée", "Priya", "Aisha", "Siobhan", "Hannah", "Fiona",
)  # fmt: skip
MALE_NAMES = (
    "James", "David", "Mark", "Paul", "Andrew", "Peter", "Richard", "Simon", "Stephen", "Tariq", "Olu", "Gareth",
    "Martin",
)  # fmt: skip
FIRST_NAMES = FEMALE_NAMES + MALE_NAMES
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Khan", "Clarke", "Lewis",
    "Hughes", "Begum", "O'Connor", "Baker", "Turner", "Okafor", "Murphy", "Singh", "Price",
)  # fmt: skip
# Titles drawn for a head with a name from FEMALE_NAMES or MALE_NAMES.
FEMALE_TITLES = ("Mrs", "Mrs", "Miss", "Ms", "Dr")
MALE_TITLES = ("Mr", "Mr", "Mr", "Mr", "Dr")


@dataclass(frozen=True)
class Region:
    name: str  # GOR (name)
    rsc: str  # RSCRegion (name)
    easting: int  # rough centre on the British National Grid
    northing: int
    spread: int  # how far LA centres scatter from it (metres)
    weight: int  # relative number of LAs
    cofe_dioceses: tuple[str, ...]
    rc_dioceses: tuple[str, ...]


REGIONS: tuple[Region, ...] = (
    Region("North East", "North of England", 425000, 560000, 25000, 12,
           ("Diocese of Durham", "Diocese of Newcastle"), ("Diocese of Hexham and Newcastle",)),
    Region("North West", "Lancashire and West Yorkshire", 360000, 440000, 40000, 23,
           ("Diocese of Manchester", "Diocese of Liverpool", "Diocese of Blackburn", "Diocese of Carlisle"),
           ("Archdiocese of Liverpool", "Diocese of Salford", "Diocese of Lancaster")),
    Region("Yorkshire and the Humber", "Lancashire and West Yorkshire", 445000, 450000, 40000, 15,
           ("Diocese of Leeds", "Diocese of Sheffield", "Diocese of York"),
           ("Diocese of Leeds (RC)", "Diocese of Hallam", "Diocese of Middlesbrough")),
    Region("East Midlands", "East Midlands and the Humber", 470000, 330000, 35000, 9,
           ("Diocese of Derby", "Diocese of Southwell and Nottingham", "Diocese of Leicester", "Diocese of Lincoln"),
           ("Diocese of Nottingham",)),
    Region("West Midlands", "West Midlands", 390000, 280000, 35000, 14,
           ("Diocese of Birmingham", "Diocese of Lichfield", "Diocese of Worcester", "Diocese of Coventry"),
           ("Archdiocese of Birmingham", "Diocese of Shrewsbury")),
    Region("East of England", "East of England and North-East London", 570000, 260000, 40000, 11,
           ("Diocese of Chelmsford", "Diocese of Norwich", "Diocese of Ely", "Diocese of St Albans"),
           ("Diocese of Brentwood", "Diocese of East Anglia")),
    Region("London", "North-West London and South-Central England", 530000, 180000, 10000, 33,
           ("Diocese of London", "Diocese of Southwark"), ("Archdiocese of Westminster", "Archdiocese of Southwark")),
    Region("South East", "South-East England and South London", 490000, 150000, 50000, 19,
           ("Diocese of Guildford", "Diocese of Oxford", "Diocese of Canterbury", "Diocese of Chichester"),
           ("Diocese of Arundel and Brighton", "Diocese of Portsmouth (rc)")),
    Region("South West", "South-West England", 300000, 110000, 55000, 15,
           ("Diocese of Exeter", "Diocese of Bath and Wells", "Diocese of Bristol", "Diocese of Truro"),
           ("Diocese of Plymouth", "Diocese of Clifton")),
)  # fmt: skip

REGION_BY_NAME = {r.name: r for r in REGIONS}

# LA codes look like the DfE's: London boroughs in the 2xx/3xx range, the rest 3xx and 8xx-9xx.
LONDON_CODES = tuple(range(201, 214)) + tuple(range(301, 321))
OTHER_CODES = tuple(range(330, 400)) + tuple(range(800, 941))

POSTCODE_AREAS = (
    "AB", "AL", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "CA", "CB", "CH", "CM", "CO", "CR", "CT", "CV",
    "CW", "DA", "DE", "DH", "DL", "DN", "DT", "DY", "EN", "EX", "FY", "GL", "GU", "HA", "HD", "HG", "HP", "HR",
    "HU", "HX", "IG", "IP", "KT", "LA", "LE", "LN", "LS", "LU", "ME", "MK", "NE", "NG", "NN", "NR", "OL", "OX",
    "PE", "PL", "PO", "PR", "RG", "RH", "RM", "SG", "SK", "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "TA",
    "TF", "TN", "TQ", "TR", "TS", "TW", "UB", "WA", "WD", "WF", "WN", "WR", "WS", "WV", "YO",
)  # fmt: skip


def place_names() -> list[str]:
    """Every stem+ending combination, in a fixed order (1,440 names)."""
    return [s + e for s in STEMS for e in ENDINGS]
