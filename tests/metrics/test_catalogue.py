"""The metric dictionary (queries/metrics.yml) against the contract, the docs and the SQL output."""

from __future__ import annotations

import re

import pytest

from dashboard import metrics, warehouse
from dashboard.settings import ROOT, Settings

SPEC = ROOT.parent / "shared" / "spec" / "metrics.md"
DOCS = ROOT / "docs" / "metrics.md"
# Metrics SEIP Insight adds to the contract (each explained in docs/metrics.md).
ADDITIONS = {"placements_reintegrated"}


def section(text: str, heading: str) -> str:
    """The body of the `## heading...` section of a markdown text."""
    return text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]


def table_ids(text: str) -> set[str]:
    """The metric ids in the first column of the partnership metrics table of a metrics.md text."""
    body = section(text, "Metrics for partnership and la_total")
    return set(re.findall(r"^\| ([a-z_0-9]+) \|", body, re.MULTILINE)) - {"id"}


@pytest.fixture(scope="module")
def output(metrics_db):
    con = warehouse.open_read_only(metrics_db)
    try:
        return metrics.compute(con, Settings(db_path=metrics_db))
    finally:
        con.close()


def test_docs_quote_every_contract_metric_and_the_additions():
    assert set(metrics.catalogue()) == table_ids(DOCS.read_text(encoding="utf-8"))
    for added in ADDITIONS:
        assert f"`{added}`" in DOCS.read_text(encoding="utf-8")


def test_catalogue_covers_the_shared_contract():
    if not SPEC.exists():
        pytest.skip(f"the shared contract is not beside this checkout ({SPEC})")
    text = SPEC.read_text(encoding="utf-8")
    local = table_ids(text)
    dfe = set(re.findall(r"`([a-z_]+)`", section(text, "Metrics for the DfE areas"))) & local
    assert set(metrics.catalogue()) == local | ADDITIONS
    assert dfe == {"pupils_on_roll", "permanent_exclusions", "pex_rate", "suspensions", "suspension_rate", "fsm_pct"}
    assert {m for m, d in metrics.catalogue().items() if "england" in d.areas} == dfe


def test_sql_output_and_catalogue_name_the_same_metrics_for_the_same_areas(output):
    cat = metrics.catalogue()
    assert set(output["metric"]) == set(cat)
    produced = output.groupby("metric")["area_type"].agg(set).to_dict()
    assert produced == {m: set(d.areas) for m, d in cat.items()}


def test_sql_columns_match_the_catalogue():
    # the marts carry every metric the catalogue lists for partnerships, except the one that
    # needs a setting (the pupil weight), which the metric query adds
    sql = {
        name: warehouse.queries()[name].sql for name in ("fct_area_year", "fct_area_year_metrics", "metrics_area_year")
    }
    for metric_id in metrics.catalogue():
        if metric_id == "formula_allocation_gbp":
            assert f"'{metric_id}' as metric" in sql["metrics_area_year"]
            assert not re.search(rf"\bas {metric_id}\b", sql["fct_area_year_metrics"])
        else:
            assert re.search(rf"\bas {metric_id}\b", sql["fct_area_year"]), metric_id
            assert re.search(rf"::double as {metric_id}\b", sql["fct_area_year_metrics"]), metric_id


def test_every_entry_is_complete():
    for m in metrics.catalogue().values():
        assert m.label and m.definition and m.source, m.id
        assert m.unit in metrics.UNITS and m.polarity in metrics.POLARITIES
        assert not m.pupil_count or m.unit == "count", m.id
    pupil_counts = {m for m, d in metrics.catalogue().items() if d.pupil_count}
    # metrics.md's list of suppressed counts, plus the reintegration count SEIP Insight adds
    assert pupil_counts == {
        "permanent_exclusions",
        "suspensions",
        "referrals",
        "referred_pupils",
        "pex_after_referral",
        "placements_started",
        "placements_ended",
        "placements_reintegrated",
    }


GOOD = """
metrics:
  a_count:
    label: A
    unit: count
    decimals: 0
    polarity: neutral
    areas: [partnership]
    pupil_count: true
    depends_on: []
    definition: d
    source: s
    caveats: ""
"""


def test_load_catalogue_reads_a_minimal_entry():
    (m,) = metrics.load_catalogue(GOOD).values()
    assert (m.id, m.unit, m.decimals, m.areas, m.pupil_count, m.depends_on, m.caveats) == (
        "a_count",
        "count",
        0,
        ("partnership",),
        True,
        (),
        "",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("unit: count", "unit: furlongs"), "unit 'furlongs' is not one of"),
        (("polarity: neutral", "polarity: up"), "polarity 'up' is not one of"),
        (("decimals: 0", "decimals: -1"), "decimals must be a whole number"),
        (("decimals: 0", "decimals: two"), "decimals must be a whole number"),
        (("pupil_count: true", "pupil_count: maybe"), "pupil_count must be true or false"),
        (("areas: [partnership]", "areas: [galaxy]"), "areas must be some of"),
        (("areas: [partnership]", "areas: []"), "areas must be some of"),
        (("depends_on: []", "depends_on: [ghost]"), "depends on unknown metric(s) ghost"),
        (("    source: s\n", ""), "metric 'a_count' lacks source"),
        (("metrics:", "metric:"), "no `metrics:` mapping"),
    ],
)
def test_load_catalogue_refuses_a_bad_entry(change, message):
    with pytest.raises(metrics.CatalogueError) as err:
        metrics.load_catalogue(GOOD.replace(*change))
    assert message in str(err.value)


def test_an_entry_as_the_charts_take_it_says_polarity_in_their_words():
    entries = metrics.catalogue()
    assert entries["exclusions_avoided_vs_england"].info() == {
        "metric": "exclusions_avoided_vs_england",
        "label": "Permanent exclusions avoided compared with England",
        "unit": "count",
        "decimals": 1,
        "polarity": "higher",
        "definition": entries["exclusions_avoided_vs_england"].definition,
        "source": "Partnership export; DfE exclusions by geography or LAIT SecPermEx (England).",
        "caveats": entries["exclusions_avoided_vs_england"].caveats,
    }
    assert entries["permanent_exclusions"].info()["polarity"] == "lower"
    assert entries["fsm_pct"].info()["polarity"] == "neutral"
