"""The partnership export format (../shared/spec/export-format.md) as data.

One place states every table, column, type and code list; the reader, the validator, the
warehouse schema and the docs all read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REASONS = (
    "physical_pupil",
    "physical_adult",
    "verbal_pupil",
    "verbal_adult",
    "bullying",
    "racist_abuse",
    "abuse_sex_gender",
    "abuse_disability",
    "sexual_misconduct",
    "drug_alcohol",
    "damage",
    "theft",
    "persistent_disruptive",
    "offensive_weapon",
    "media_technology",
    "wilful_refusal",
    "other",
)

# Headers that name a person: a table carrying one is refused whole (the privacy rule).
# Matched by meaning, not spelling: a header's words (see `header_words`) hold one of these
# phrases, or one of its words is the phrase run together (`FirstName`, `DateOfBirth`) or ends
# with it (`PupilName`, `ParentEmail`). docs/import-rules.md lists them; a test keeps it in step.
DIRECT_IDENTIFIERS: dict[str, tuple[str, ...]] = {
    "a name": (
        "name",
        "forename",
        "surname",
        "first name",
        "last name",
        "full name",
        "given name",
        "family name",
        "middle name",
        "pupil name",
        "child name",
        "initial",
        "nickname",
    ),
    "a pupil or learner number": (
        "upn",
        "uln",
        "unique pupil number",
        "unique learner number",
        "pupil number",
        "pupil no",
        "learner number",
        "candidate number",
        "candidate no",
    ),
    "a date of birth": ("dob", "date of birth", "birth date", "birthday", "birth"),
    "an e-mail address": ("email", "e mail"),
    "an address": ("address", "postcode", "post code", "street", "house number"),
    "a phone number": ("phone", "telephone", "tel", "tel no", "mobile", "contact number"),
    "an NHS number": ("nhs number", "nhs no"),
    "a National Insurance number": ("ni number", "ni no", "nino", "national insurance"),
}
# A header whose first word is an organisation names the organisation, not a person
# (`school_name`, `Provider Address`).
ORGANISATION_WORDS = frozenset(
    {
        "partnership",
        "school",
        "trust",
        "provider",
        "la",
        "authority",
        "district",
        "establishment",
        "academy",
        "college",
        "setting",
        "panel",
        "mat",
        "organisation",
        "company",
    }
)
_SUFFIX_MIN = 4  # `hotel` is not `tel`: only phrases of 4 letters or more match as a word's ending


def header_words(canonical: str) -> list[str]:
    """The words of a canonical header, each made singular: `forename_s` -> [forename],
    `email_addresses` -> [email, address]. A lone `s` (from `Forename(s)`) is dropped."""
    words = []
    for word in canonical.split("_"):
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("es") and word[:-2].endswith(("ss", "sh", "ch", "x")):
            word = word[:-2]
        elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
        if word and word != "s":
            words.append(word)
    return words


def _identifier_phrases() -> list[tuple[tuple[str, ...], str]]:
    return [(tuple(phrase.split()), meaning) for meaning, phrases in DIRECT_IDENTIFIERS.items() for phrase in phrases]


_PHRASES = _identifier_phrases()


def identifier_meaning(canonical: str) -> str | None:
    """What personal identifier a canonical header (`parse.header`) names, e.g. 'a name', or None.

    The contract's own columns (`pupil_ref`, `school_name`, `provider_name`) never do.
    """
    if any(canonical in t.column_names for t in TABLES.values()):
        return None
    words = header_words(canonical)
    if not words or words[0] in ORGANISATION_WORDS:
        return None
    for phrase, meaning in _PHRASES:
        n, joined = len(phrase), "".join(phrase)
        if any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1)):
            return meaning
        for word in words:
            head = word.removesuffix(joined)
            if word == joined or (head != word and len(joined) >= _SUFFIX_MIN and head not in ORGANISATION_WORDS):
                return meaning
    return None


SQL_TYPES = {
    "text": "VARCHAR",
    "int": "INTEGER",
    "date": "DATE",
    "money": "DECIMAL(14,2)",
    "year": "VARCHAR",
    "bool": "BOOLEAN",
    "code": "VARCHAR",
    "number": "DOUBLE",
}


@dataclass(frozen=True)
class Column:
    """One column of an export table: its name, type, whether required, and its code list."""

    name: str
    type: str
    required: bool = False
    codes: tuple[str, ...] = ()

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


@dataclass(frozen=True)
class Table:
    """One export table: columns in contract order and the columns that make its key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    pupil_level: bool = False
    description: str = ""
    column_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


C = Column

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "partnerships",
            (
                C("partnership_code", "text", True),
                C("partnership_name", "text", True),
                C("kind", "code", True, ("partnership", "mat_group")),
                C("la_code", "text"),
            ),
            key=("partnership_code",),
            description="The partnerships and MAT groups the LA funds.",
        ),
        Table(
            "schools",
            (
                C("urn", "int", True),
                C("school_name", "text", True),
                C("partnership_code", "text", True),
                C("trust_name", "text"),
                C("district", "text"),
            ),
            key=("urn",),
            description="Secondary schools and the partnership each belongs to now.",
        ),
        Table(
            "school_census",
            (
                C("academic_year", "year", True),
                C("urn", "int", True),
                C("pupils_on_roll", "int", True),
                C("fsm_eligible", "int", True),
                C("sen_support", "int"),
                C("ehcp", "int"),
            ),
            key=("academic_year", "urn"),
            description="January census: one row per school per academic year.",
        ),
        Table(
            "funding",
            (
                C("academic_year", "year", True),
                C("partnership_code", "text", True),
                C(
                    "stream",
                    "code",
                    True,
                    ("core_grant", "ehcp_top_up", "development", "school_contribution", "adjustment"),
                ),
                C("amount_gbp", "money", True),
                C("paid_date", "date"),
                C("note", "text"),
            ),
            key=("academic_year", "partnership_code"),
            description="Money received by a partnership or MAT group.",
        ),
        Table(
            "referrals",
            (
                C("referral_id", "text", True),
                C("pupil_ref", "text", True),
                C("urn", "int", True),
                C("referral_date", "date", True),
                C("year_group", "int", True),
                C("sex", "code", False, ("F", "M", "X")),
                C("fsm", "bool"),
                C("sen_status", "code", False, ("N", "K", "E")),
                C("looked_after", "bool"),
                C("reason", "code", False, REASONS),
                C("panel_date", "date"),
                C(
                    "decision",
                    "code",
                    True,
                    (
                        "in_school_support",
                        "outreach",
                        "managed_move",
                        "ap_placement",
                        "dual_registration",
                        "no_further_action",
                    ),
                ),
            ),
            key=("referral_id",),
            pupil_level=True,
            description="Referrals to a partnership panel (pseudonymised).",
        ),
        Table(
            "placements",
            (
                C("placement_id", "text", True),
                C("referral_id", "text", True),
                C("pupil_ref", "text", True),
                C("provider_name", "text", True),
                C(
                    "provider_type",
                    "code",
                    True,
                    (
                        "partnership_ap",
                        "registered_ap",
                        "unregistered_ap",
                        "fe_college",
                        "special_school",
                        "managed_move",
                        "outreach",
                    ),
                ),
                C("start_date", "date", True),
                C("end_date", "date"),
                C("sessions_per_week", "int"),
                C("cost_gbp", "money", True),
                C(
                    "outcome",
                    "code",
                    True,
                    (
                        "ongoing",
                        "reintegrated",
                        "sustained_to_end_y11",
                        "moved_to_special",
                        "permanently_excluded",
                        "left_area",
                        "other",
                    ),
                ),
            ),
            key=("placement_id",),
            pupil_level=True,
            description="Support or provision arranged for a referred pupil.",
        ),
        Table(
            "exclusions",
            (
                C("exclusion_id", "text", True),
                C("pupil_ref", "text", True),
                C("urn", "int", True),
                C("start_date", "date", True),
                C("type", "code", True, ("suspension", "permanent")),
                C("days", "number"),
                C("reason", "code", False, REASONS),
            ),
            key=("exclusion_id",),
            pupil_level=True,
            description="Suspensions and permanent exclusions at partnership schools.",
        ),
    )
}

# Tables in the order their references resolve (a table only refers to ones before it).
LOAD_ORDER: tuple[str, ...] = (
    "partnerships",
    "schools",
    "school_census",
    "funding",
    "referrals",
    "placements",
    "exclusions",
)
