"""What a report pack holds, read through the gate as one viewer sees it.

A pack is the Overview's headline figures for one partnership (or all of them) and year, then
one section per dashboard page that applies, each a list of panels: a chart, the exact table
behind it, a caption and a source, built by the same chart builders and sentence helpers as
the pages. Every figure comes from `access.fetch` / `access.metrics` with the viewer, so a
governor's pack is under the same disclosure control as a governor's pages. Pupil-level rows
are never part of a pack, whoever asks.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field, replace

import duckdb
import pandas as pd
import plotly.graph_objects as go

from dashboard import access, commentary, impact
from dashboard import metrics as metrics_module
from dashboard import notes as chart_notes
from dashboard.access import Viewer
from dashboard.assumptions import ASSUMPTIONS, scenario_costs
from dashboard.charts import benchmarks, exclusions, funding, overview, placements
from dashboard.charts import notes as note_marks
from dashboard.charts import policy_impact as impact_charts
from dashboard.charts import value_for_money as vfm
from dashboard.components.policy import MILESTONES_FILE
from dashboard.reports import collector
from dashboard.settings import Settings
from dashboard.views import benchmarks as benchmarks_page
from dashboard.views import exclusions as exclusions_page
from dashboard.views import funding as funding_page
from dashboard.views import placements as placements_page
from dashboard.views import policy_impact as impact_page
from dashboard.views import value_for_money as vfm_page

ALL = metrics_module.LA_TOTAL
ALL_NAME = "All partnerships"


class ReportError(ValueError):
    """A report asked for something the warehouse cannot answer (unknown partnership, a year with no data)."""


@dataclass(frozen=True)
class Panel:
    """One chart as a page shows it: title, figure, the exact table behind it, caption and source,
    and the notes on the charts that fall in its years (drawn on the figure as on the page).

    `sheet` is the workbook sheet name (at most 31 characters, saying what the table holds).
    """

    key: str
    sheet: str
    title: str
    fig: go.Figure | None
    table: pd.DataFrame
    caption: str
    source: str
    notes: tuple[chart_notes.Note, ...] = ()

    @property
    def alt(self) -> str:
        """The text alternative for the chart image: what it shows and what it finds."""
        return f"Chart: {self.title}. {self.caption}".strip()


@dataclass(frozen=True)
class Section:
    """The part of a pack that stands for one dashboard page (`page`: its file name under views/)."""

    page: str
    title: str
    question: str
    panels: tuple[Panel, ...]
    key_figures: tuple[overview.Headline, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pack:
    """Everything a report shows for one partnership (or all) and year, as `viewer` may see it."""

    partnership: str | None
    partnership_name: str
    year: str
    viewer: Viewer
    data_as_of: str
    synthetic: bool
    headlines: tuple[overview.Headline, ...]
    sections: tuple[Section, ...]
    metrics_used: tuple[str, ...] = field(default=())
    notes: tuple[chart_notes.Note, ...] = ()
    commentary: dict | None = None
    # panel key -> its chart's image to come, begun while the pack was built (`build(drawn=True)`)
    drawings: dict[str, Future[bytes]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def area_code(self) -> str:
        return ALL if self.partnership is None else self.partnership

    @property
    def file_stem(self) -> str:
        """A file name for the pack: `seip-report-NTH-2023-24-governor`."""
        return f"seip-report-{self.area_code}-{self.year.replace('/', '-')}-{self.viewer.role}"


def metric_info(metric: str) -> dict:
    """One metric's dictionary entry as the chart builders and sentences take it."""
    return metrics_module.catalogue()[metric].info()


def synthetic(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the warehouse's meta table says it holds the synthetic demo data."""
    cur = con.cursor()
    try:
        row = cur.execute("select value from meta where key = 'synthetic'").fetchone()
    except duckdb.CatalogException:
        return False
    finally:
        cur.close()
    return row is not None and str(row[0]).lower() == "true"


def partnerships(frame: pd.DataFrame) -> dict[str, str]:
    """Partnership code -> name, from the metrics frame, sorted by code."""
    parts = frame[frame["area_type"] == "partnership"].drop_duplicates("area_code")
    return dict(sorted(zip(parts["area_code"], parts["area_name"], strict=True)))


def resolve(frame: pd.DataFrame, partnership: str, year: str) -> tuple[str | None, str, str]:
    """The partnership code (None for ALL), its name and the year, checked against the metrics.

    Raises ReportError naming the known codes or years when either is not in the data.
    """
    try:
        year = metrics_module.normalise_year(year)
    except metrics_module.UsageError as exc:
        raise ReportError(str(exc)) from None
    known = partnerships(frame)
    code = partnership.strip()
    if code.upper() == ALL:
        code, name = None, ALL_NAME
    else:
        matches = {c.upper(): c for c in known}
        if code.upper() not in matches:
            listed = ", ".join(known) or "none: the warehouse holds no partnerships"
            raise ReportError(f"unknown partnership {partnership!r}; the known codes are {listed} (or ALL)")
        code = matches[code.upper()]
        name = known[code]
    local = frame[frame["area_type"].isin(["partnership", "la_total"])]
    years = sorted(local["academic_year"].dropna().unique())
    if year not in years:
        raise ReportError(metrics_module.no_data_for(year, years))
    return code, name, year


def _panel(key: str, sheet: str, title: str, built: tuple[go.Figure, pd.DataFrame], caption: str, source: str) -> Panel:
    fig, table = built
    return Panel(key=key, sheet=sheet, title=title, fig=fig, table=table, caption=caption, source=source)


class _Reader:
    """The gate with the viewer and the report's filters bound once."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        viewer: Viewer,
        settings: Settings,
        frame: pd.DataFrame,
        partnership: str | None,
        name: str,
        year: str,
    ) -> None:
        self.con, self.viewer, self.settings, self.frame = con, viewer, settings, frame
        self.partnership, self.name, self.year = partnership, name, year
        self.area_type = "la_total" if partnership is None else "partnership"
        self.area_code = ALL if partnership is None else partnership
        self.where = name.lower() if partnership is None else name
        # a headline reads only this area and its comparators: look it up in those rows alone
        self.area_rows = frame[
            ((frame["area_type"] == self.area_type) & (frame["area_code"] == self.area_code))
            | frame["area_type"].isin(["england", "sn_median"])
        ]

    def fetch(self, query: str, **params: object) -> pd.DataFrame:
        return access.fetch(self.con, self.viewer, self.settings, query, **params)

    def headline(self, metric: str) -> overview.Headline:
        return overview.headline(self.area_rows, metric_info(metric), self.year, self.area_type, self.area_code)

    def key_figures(self, metrics: tuple[str, ...]) -> tuple[overview.Headline, ...]:
        return tuple(self.headline(m) for m in metrics)


def _exclusions(r: _Reader) -> Section:
    source = f"{exclusions_page.PARTNERSHIP_SOURCE}; {exclusions_page.DFE_SOURCE}"
    panels = []
    for metric, sheet in (("pex_rate", "Permanent exclusion rate"), ("suspension_rate", "Suspension rate")):
        info = metric_info(metric)
        label, unit, decimals = info["label"], info["unit"], int(info["decimals"])
        fig, table = exclusions.rates_over_time(
            r.frame, metric, label=label, unit=unit, decimals=decimals, partnership=r.partnership
        )
        area = ALL_NAME if r.partnership is None else r.name
        sentence = exclusions.latest_gap_sentence(table, r.year, label=label, unit=unit, decimals=decimals, area=area)
        title = f"{label} over the years"
        if sentence:
            title = f"{label}: {area} {'below' if 'below' in sentence else 'at or above'} England in {r.year}"
        default = exclusions.rate_description(r.frame, metric, label)
        panels.append(
            _panel(
                f"{metric.replace('_', '-')}-over-time",
                sheet,
                title,
                (fig, table),
                exclusions.rate_caption(sentence or default, table),
                source,
            )
        )
    params = {"year": r.year, "partnership": r.partnership}
    links = r.fetch("exclusions_referral_journey", **params)
    if not links.empty:
        referred = r.headline("referrals")
        panels.append(
            _panel(
                "referral-journey",
                "Referral journey",
                f"The referral journey, {r.year}",
                exclusions.referral_journey(links),
                f"{referred.show(referred.value, suppressed=referred.suppressed)} referrals in {r.year} for "
                f"{r.where}, followed from the panel's decision to the provision arranged and its outcome "
                "(a referral with several placements follows its latest).",
                exclusions_page.PARTNERSHIP_SOURCE,
            )
        )
    panels.append(
        _panel(
            "avoidance-by-partnership",
            "Avoidance by partnership",
            f"Referred pupils kept from permanent exclusion, {r.year}",
            exclusions.avoidance_by_partnership(r.frame, r.year),
            "Avoidance rate: of the pupils referred in the year, the share with no permanent exclusion "
            "afterwards (any school, any later year).",
            exclusions_page.PARTNERSHIP_SOURCE,
        )
    )
    fig, table = exclusions.reasons(r.fetch("exclusions_reasons", **params))
    top = table.sort_values("referrals", ascending=False)["reason"].iloc[0] if not table.empty else None
    panels.append(
        _panel(
            "reasons",
            "Reasons",
            f"Most referrals are for: {top.lower()}" if top else f"Reasons, {r.year}",
            (fig, table),
            f"Referrals, suspensions and permanent exclusions in {r.year} by DfE reason.",
            exclusions_page.PARTNERSHIP_SOURCE,
        )
    )
    fig, table = exclusions.referred_vs_population(r.fetch("exclusions_referred_vs_population", **params))
    sentence = exclusions.over_represented_sentence(table)
    panels.append(
        _panel(
            "referred-vs-population",
            "Who is referred",
            f"Who is referred, compared with all pupils, {r.year}",
            (fig, table),
            (sentence + " " if sentence else "") + "Each pupil counts once a year. The census "
            "gives FSM and SEN shares of all pupils; it has no looked-after, year-group or sex "
            "split, so those show referred pupils only.",
            exclusions_page.PARTNERSHIP_SOURCE,
        )
    )
    return Section(
        "exclusions",
        "Exclusion avoidance",
        "Are we keeping pupils in school?",
        tuple(panels),
        key_figures=r.key_figures(("pex_rate", "suspension_rate", "referrals", "avoidance_rate")),
    )


def _placements(r: _Reader) -> Section:
    page, title, question = "placements", "Placements and costs", "What do we buy, and what does it achieve?"
    figures = r.key_figures(placements_page.HEADLINES)
    params = {"year": r.year, "partnership": r.partnership}
    by_type = r.fetch("placements_by_provider_type", **params)
    if by_type.empty:
        return Section(
            page, title, question, (), figures, notes=(f"No placements started or ended in {r.year} for {r.where}.",)
        )
    outcomes = r.fetch("placements_outcomes", **params)
    lengths = r.fetch("placements_durations", **params)
    providers = r.fetch("placements_providers", **params)
    history = r.fetch("placements_trend", partnership=r.partnership)
    source = placements_page.SOURCE
    fig, table = placements.spend_by_provider_type(by_type)
    top = table.dropna(subset=["placement_cost_gbp"]).sort_values("placement_cost_gbp", ascending=False)
    hidden = "placement_cost_gbp_suppressed" in table.columns and table["placement_cost_gbp_suppressed"].any()
    spend_title = (
        f"Most placement spend in {r.year} went to {top['provider'].iloc[0]}"
        if not top.empty and not hidden
        else f"Placement spend by provider type, {r.year}"
    )
    sentence = placements.reintegration_sentence(by_type)
    panels = (
        _panel(
            "spend-by-provider-type",
            "Spend by provider type",
            spend_title,
            (fig, table),
            f"Cost of the placements started in {r.year} for {r.where}, by kind of provider; the table "
            "gives the number of placements too.",
            source,
        ),
        _panel(
            "unit-costs-by-provider-type",
            "Unit costs by provider type",
            f"Cost per placement and per pupil-week, {r.year}",
            placements.unit_costs_by_provider_type(by_type),
            "A pupil-week is one pupil in a placement for one week. Placements still running count the "
            "weeks so far, so their weekly cost falls as they go on.",
            source,
        ),
        _panel(
            "outcomes-by-provider-type",
            "Outcomes by provider type",
            f"How placements that ended in {r.year} turned out",
            placements.outcomes_by_provider_type(outcomes),
            (sentence + " " if sentence else "") + "Share of each provider type's ended placements by "
            "outcome; reintegrated means back in a mainstream school.",
            source,
        ),
        _panel(
            "placement-durations",
            "Placement lengths",
            f"How long placements that ended in {r.year} lasted",
            placements.durations(lengths),
            "Placements ended in the year by length: a half term is about 6 weeks, a school year 39.",
            source,
        ),
        _panel(
            "cost-against-reintegration",
            "Cost and reintegration",
            f"Cost per placement against reintegration, by provider, {r.year}",
            placements.cost_against_reintegration(providers),
            "Each bubble is a provider, sized by its placements that ended in the year; higher and further "
            "left is better value.",
            source,
        ),
        _panel(
            "placement-spend-trend",
            "Placement spend over time",
            "Placement spend over the years, by provider type",
            placements.trend(history),
            f"Cost of placements started each year for {r.where}, by kind of provider.",
            source,
        ),
    )
    return Section(page, title, question, panels, figures)


def _funding(r: _Reader) -> Section:
    source = funding_page.SOURCE
    fig, table = funding.funding_vs_fsm(r.frame, r.year, r.partnership)
    sentence = funding.fsm_sentence(table)
    slope = funding.fitted_line(table["fsm_pct"], table["funding_per_pupil"])
    title = (
        f"Partnerships with more pupils on free school meals get more per pupil, {r.year}"
        if slope is not None and slope[0] > 0.005
        else f"Funding per pupil against free school meals, {r.year}"
    )
    fsm = _panel(
        "funding-vs-fsm",
        "Funding against FSM",
        title,
        (fig, table),
        (sentence + " " if sentence else "") + "Each bubble is a partnership, sized by its pupils on "
        "roll; all funding streams." + (f" {r.name} is drawn solid, the others faint." if r.partnership else ""),
        source,
    )
    streams = _panel(
        "funding-streams",
        "Funding streams",
        f"Funding streams, {r.year}",
        funding.funding_streams(r.fetch("funding_by_stream", year=r.year, partnership=r.partnership)),
        f"Money received in {r.year} by {r.where}, by stream; adjustments can be negative (money recovered).",
        source,
    )
    fig, table = funding.formula_vs_paid(r.frame, r.year)
    gap = funding.formula_gap_sentence(table)
    title = (
        f"Every partnership was paid its formula allocation, {r.year}"
        if gap.startswith("Every")
        else f"Core grant paid against the sharing formula, {r.year}"
    )
    formula = _panel(
        "formula-vs-paid",
        "Formula against paid",
        title,
        (fig, table),
        (gap + " " if gap else "") + f"Formula allocation at the pupil weight in force "
        f"({r.settings.pupil_weight:g}); every partnership is shown, as the formula shares one "
        "pot between them.",
        source,
    )
    return Section(
        "funding",
        "Funding and deprivation",
        "Is the money where the need is?",
        (fsm, streams, formula),
        r.key_figures(funding_page.HEADLINES),
        notes=("The dashboard's what-if for the sharing formula is interactive and not part of the pack.",),
    )


def _value_for_money(r: _Reader) -> Section:
    page, title = "value_for_money", "Value for money"
    question = "What does avoiding an exclusion cost, and what does it save?"
    spend, avoided = r.headline("placement_cost_gbp"), r.headline("exclusions_avoided_vs_england")
    outcomes = r.fetch("value_for_money_outcomes", year=r.year, partnership=r.partnership)
    inputs = vfm.inputs_from(spend, avoided, outcomes)
    notes = [vfm_page.MODEL_NOTE.replace("**", ""), " ".join(vfm.facts(inputs))]
    if vfm.nothing_to_model(inputs):
        return Section(
            page,
            title,
            question,
            (),
            notes=(f"There are no placement or exclusion figures for {r.where} in {r.year}.",),
        )
    central = {a.id: a.value for a in ASSUMPTIONS}
    low = {a.id: a.low for a in ASSUMPTIONS}
    high = {a.id: a.high for a in ASSUMPTIONS}
    results = vfm.scenarios(inputs, central, low, high, include_lifetime=False)
    notes.append(vfm.verdict(results, inputs))
    table = vfm.comparison_table(inputs, central, low, high, include_lifetime=False)
    per = table.set_index("item")["value"]
    ours, alt = per.get("Our cost per exclusion avoided"), per.get("AP for the years an excluded pupil spends there")
    unit_title = f"What a result costs against the alternatives, {r.year}"
    if ours is not None and alt is not None and ours == ours:
        unit_title = f"Avoiding an exclusion cost {'less' if ours < alt else 'more'} than the AP it replaces, {r.year}"
    assumptions = pd.DataFrame(
        [
            {
                "assumption": a.label,
                "unit": a.unit,
                "low": a.low,
                "central": a.value,
                "high": a.high,
                "source": f"{a.source}; {a.source_date}",
            }
            for a in ASSUMPTIONS
        ]
    )
    panels = (
        _panel(
            "vfm-unit-costs",
            "Cost per result",
            unit_title,
            (vfm.comparison_chart(table), table),
            "Our cost per exclusion avoided and per successful outcome (blue) against unit costs of the "
            "alternatives (grey); whiskers run from the low to the high assumption. A model, not a fact.",
            vfm_page.SOURCE,
        ),
        _panel(
            "vfm-scenarios",
            "Costs avoided by scenario",
            f"Exclusion costs avoided under each scenario, {r.year}",
            (vfm.scenario_chart(results, inputs), results),
            "Exclusions avoided times what one would have cost (AP place times years), low, central and "
            "high; the dashed line is what was spent. A model, not a fact. The IPPR lifetime cost is left "
            "out, as on the page by default.",
            vfm_page.SOURCE,
        ),
        Panel(
            "vfm-assumptions",
            "Assumptions",
            "The assumptions (the page's defaults)",
            None,
            assumptions,
            "National unit costs, not this authority's own prices; change them on the Value for money page.",
            "as listed for each assumption",
        ),
    )
    return Section(page, title, question, panels, notes=tuple(notes))


def _benchmarks(r: _Reader) -> Section | None:
    if r.frame[r.frame["area_type"] == "local_authority"].empty:
        return None
    names = r.frame.loc[r.frame["area_type"] == "local_authority", "area_name"].dropna()
    la = str(names.iloc[0]) if not names.empty else "The authority"
    source = benchmarks_page.SOURCE
    model_params = {"la_code": r.settings.la_code, "sn_model": r.settings.sn_model}
    neighbours = r.fetch("benchmarks_neighbours", **model_params)
    ranks = r.fetch("benchmarks_ranks", **model_params)
    models = neighbours["sn_model"].dropna()
    model = f"DfE's {models.iloc[0]} model" if not models.empty else "DfE's statistical-neighbour model"
    sheets = {
        "pex_rate": "Exclusion rate benchmark",
        "suspension_rate": "Suspension rate benchmark",
        "fsm_pct": "FSM share benchmark",
    }
    panels = []
    for metric in benchmarks_page.METRICS:
        info = metric_info(metric)
        fig, table = benchmarks.authority_vs_comparators(
            r.frame, metric, la_label=la, label=info["label"], unit=info["unit"], decimals=int(info["decimals"])
        )
        years = table["academic_year"].dropna()
        span = f", {years.min()} to {years.max()}" if not years.empty else ""
        panels.append(
            _panel(
                f"benchmark-{metric.replace('_', '-')}",
                sheets.get(metric, metric)[:31],
                f"{info['label']}: {la} against England, region and neighbours{span}",
                (fig, table),
                f"{info['label']} for {la} (blue) each year DfE published, with England, the region and the median "
                f"of its statistical neighbours ({model}) in grey. Shaded: {benchmarks.COVID_NOTE} (2019/20, "
                "2020/21).",
                source,
            )
        )
    for metric in benchmarks_page.RANKED:
        info = metric_info(metric)
        panels.append(
            _panel(
                f"benchmark-rank-{metric.replace('_', '-')}",
                f"{sheets[metric].split(' benchmark')[0]} rank"[:31],
                benchmarks.rank_sentence(ranks, metric, la_label=la, label=info["label"]),
                benchmarks.rank_bands(ranks, metric, la_label=la, label=info["label"]),
                f"{la}'s quartile band each year for {info['label'].lower()}: among itself and its ten statistical "
                f"neighbours ({model}) and among every local authority with a published figure. Band A is the best "
                "quarter, D the worst. Shaded: the COVID years.",
                source,
            )
        )
    both = neighbours.dropna(subset=["pex_rate", "fsm_pct"])
    years = sorted(both["academic_year"].unique())
    if years:
        year = r.year if r.year in years else years[-1]
        fig, table = benchmarks.fsm_against_exclusions(neighbours, year)
        note = "" if year == r.year else f" {r.year} is not published yet, so this shows {year}."
        panels.append(
            _panel(
                "benchmark-fsm-vs-pex",
                "FSM against exclusions",
                f"FSM share against permanent exclusion rate, neighbours, {year}",
                (fig, table),
                f"Each dot is one of {la}'s statistical neighbours ({la} in blue). "
                + benchmarks.correlation_sentence(table)
                + note,
                source,
            )
        )
    return Section(
        "benchmarks",
        "Benchmarks",
        "How does the authority compare with England, its region and its statistical neighbours?",
        tuple(panels),
    )


# the estimate by start year's columns in words a governor reads (the workbook's as well)
BY_START_COLUMNS = {
    "mean_post_gap": "gap_to_synthetic_control_after_the_start",
    "did_sn": "difference_in_differences_against_neighbours",
    "pre_rmspe": "typical_miss_before_the_start",
}
# charts whose years are not years of data (the estimate by start year): no notes drawn on them
NOT_A_TIMELINE = {"impact-by-start"}
IMPACT_MEASURE = "pex_rate"
IMPACT_DONORS = "all"
# The Policy impact section is the LA's, the same in every partnership's pack: worked out once per
# warehouse file, settings, milestones file and viewer (the placebo fits take a second or more).
_impact_lock = threading.Lock()
_impact_kept: dict[tuple, Section] = {}


def forget() -> None:
    """Drop the Policy impact section kept so far (the bench times working it out)."""
    with _impact_lock:
        _impact_kept.clear()


def _policy_impact(r: _Reader) -> Section:
    s = r.settings
    held = os.stat(s.db_path)
    milestones = MILESTONES_FILE.stat().st_mtime_ns if MILESTONES_FILE.exists() else 0
    key = (str(s.db_path), held.st_mtime_ns, held.st_size, s.la_code, s.sn_model, s.policy_start, milestones, r.viewer)
    with _impact_lock:
        if key not in _impact_kept:
            _impact_kept.clear()
            _impact_kept[key] = _impact_section(r)
        return _impact_kept[key]


def _impact_section(r: _Reader) -> Section:
    page, title = "policy_impact", "Policy impact"
    question = (
        "Since the partnerships began, how many fewer pupils were permanently excluded than would have been "
        "otherwise, and how sure can we be?"
    )
    s, measure = r.settings, IMPACT_MEASURE
    real = impact_page.REAL_DATA.replace("**", "")
    panel = r.fetch("impact_panel", la_code=s.la_code, measure=measure, sn_model=s.sn_model)
    try:
        result = impact.estimate(panel, s.la_code, measure, s.policy_start, IMPACT_DONORS)
    except impact.TooLittleData as exc:
        return Section(page, title, question, (), notes=(real, str(exc)))
    try:
        periods, problem = impact.read_milestones(MILESTONES_FILE, s.la_code), None
    except impact.MilestoneError as exc:
        periods, problem = None, f"The milestones file cannot be read, so no period is shaded: {exc}"
    words, label = impact_charts.MEASURE_WORDS[measure]
    la, start, source = result.la_name, result.start, impact_page.SOURCE
    below = result.synthetic_control["mean_post_gap"] < 0
    larger, donors = impact_charts.placebo_standing(result)
    weights = result.synthetic_control["weights"]
    costs = scenario_costs()
    avoided = impact_charts.avoided_table(result, costs["low"], costs["central"], costs["high"])
    panels = [
        _panel(
            "impact-rates",
            "Impact rates",
            f"{label}: {la} {'below' if below else 'above'} its synthetic control from {start}",
            impact_charts.rates_chart(result, periods),
            f"{la}'s {label.lower()} (blue) each year against its synthetic control (orange, dashed), England "
            f"(grey) and the median of its statistical neighbours (grey, dotted). The dashed line marks the "
            f"start, {start}; shaded periods are the authority's arrangements.",
            source,
        ),
        _panel(
            "impact-gaps",
            "Impact gap and placebos",
            f"{la}'s gap to its synthetic control, against {donors} placebo LAs",
            impact_charts.gap_chart(result),
            f"The blue line is {la} minus its synthetic control; each grey line is another LA minus its own "
            f"synthetic control, fitted as if it had started the policy in {start}. Near 0 before the start "
            f"means a close fit. After it, {larger} of {donors} placebo LAs moved at least as far from their "
            "comparison. The table gives the middle 90% of the placebo gaps each year.",
            source,
        ),
        _panel(
            "impact-weights",
            "Synthetic control weights",
            f"The synthetic control is {len(weights)} LAs, led by " + (weights[0]["la_name"] if weights else "none"),
            impact_charts.weights_chart(result),
            "The weight of each LA in the synthetic control (weights above 0.1%, adding up to 100%), chosen "
            f"from {result.synthetic_control['donors']} LAs whose rate DfE published in every year.",
            source,
        ),
        _panel(
            "impact-avoided",
            "Exclusions avoided",
            f"{words.capitalize()} avoided since {start}, and what they are worth",
            (impact_charts.avoided_chart(avoided, measure), avoided),
            f"Fewer {words} than each comparator would have meant, added over the years from {start}, and "
            "(in brackets) their worth at the central unit costs of the Value for money section: an AP place "
            "for the years an excluded pupil spends there. The table gives the low and high values too. "
            "A model, not a fact.",
            source + "; unit costs as in the Value for money section",
        ),
    ]
    by_start = impact.by_start(panel, s.la_code, measure, IMPACT_DONORS).rename(columns=BY_START_COLUMNS)
    if not by_start.empty:
        low, high = by_start["exclusions_avoided"].min(), by_start["exclusions_avoided"].max()
        panels.append(
            _panel(
                "impact-by-start",
                "Estimate by start year",
                f"How the estimate moves with the start year: {impact_charts.about(low)} to {impact_charts.about(high)}"
                if low >= 0
                else "How the estimate moves with the start year",
                (impact_charts.by_start_chart(by_start, start, measure), by_start),
                f"Fewer {words} than the synthetic control for each start year the data allows (at least "
                f"{impact.MIN_PRE_YEARS} years before it); {start}, the one chosen, in blue. A later start has "
                "fewer years to count and a longer pre-period to fit; an estimate that changes sign with the "
                "start year is fragile.",
                source,
            )
        )
    notes = [
        real,
        f"As the page shows it by default: {words}, from {start} (SEIP_POLICY_START), compared with all LAs "
        "in England.",
        *impact_charts.verdict(result),
    ]
    if problem:
        notes.append(problem)
    return Section(page, title, question, tuple(panels), notes=tuple(notes))


# page (its file under views/) -> the section standing for it, in the order of the dashboard
SECTIONS = {
    "policy_impact": _policy_impact,
    "exclusions": _exclusions,
    "placements": _placements,
    "funding": _funding,
    "value_for_money": _value_for_money,
    "benchmarks": _benchmarks,
}


@collector.less_often()
def build(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    settings: Settings,
    *,
    partnership: str,
    year: str,
    frame: pd.DataFrame | None = None,
    as_of: str | None = None,
    pages: tuple[str, ...] | None = None,
    drawn: bool = False,
) -> Pack:
    """The pack for `partnership` (a code or ALL) and `year` as `viewer` may see it.

    `pages` keeps only the sections of those pages (keys of SECTIONS; () for the summary alone,
    None for every page). `frame` (every metric as `access.metrics` gives it to this viewer) and `as_of` may be passed
    in when several packs are built from one warehouse. `drawn` (for a PDF) hands each section's
    charts to the browser as soon as the section is built (`images.draw`, kept in `Pack.drawings`),
    so that they are drawn on the other core while the rest of the pack is built. Raises
    ReportError for an unknown partnership or a year without partnership data.
    """
    if frame is None:
        frame = access.metrics(con, viewer, settings)
    code, name, year = resolve(frame, partnership, year)
    reader = _Reader(con, viewer, settings, frame, code, name, year)
    headlines = reader.key_figures(overview.HEADLINE_METRICS)
    in_scope = notes_in_scope(con, viewer, settings, code)
    chosen = [build_section for page, build_section in SECTIONS.items() if pages is None or page in pages]
    if drawn:
        from dashboard.reports import images  # kaleido loads only where a PDF is made
    sections, drawings = [], {}
    for build_section in chosen:
        section = build_section(reader)
        if section is None:
            continue
        sections.append(_with_notes(section, in_scope))
        if drawn:
            drawings |= images.draw_charts(sections[-1].panels)
    used = list(overview.HEADLINE_METRICS)
    for section in sections:
        used += [h.metric for h in section.key_figures if h.metric not in used]
    used += [m for m in ("exclusions_avoided_vs_england", "fsm_pct") if m not in used]
    return Pack(
        partnership=code,
        partnership_name=name,
        year=year,
        viewer=viewer,
        data_as_of=as_of or metrics_module.data_as_of(con) or "not known",
        synthetic=synthetic(con),
        headlines=headlines,
        sections=tuple(sections),
        metrics_used=tuple(used),
        notes=tuple(in_scope),
        commentary=None if code is None else commentary.commentary(settings.db_path, code, year),
        drawings=drawings,
    )


def notes_in_scope(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, settings: Settings, partnership: str | None
) -> list[chart_notes.Note]:
    """The notes on the charts that belong in a pack of `partnership` (None: all partnerships): the
    LA's, the partnership's, and a head's or governor's own school's when it is in that partnership,
    as the pages show them for those filters."""
    school = None
    if viewer.role in ("head", "governor") and viewer.scope and partnership is not None:
        scopes = access.scope_options(con)
        own = scopes[(scopes["scope_kind"] == "school") & (scopes["scope_code"].astype(str) == viewer.scope)]
        if not own.empty and own["partnership_code"].iloc[0] == partnership:
            school = viewer.scope
    everything = chart_notes.all_notes(settings.db_path, settings.la_code)
    return [n for n in everything if n.applies_to(partnership, school)]


def _with_notes(section: Section, notes: list[chart_notes.Note]) -> Section:
    """`section` with each trend chart carrying the notes that fall in its years, drawn as on the page."""
    panels = []
    for panel in section.panels:
        timeline = panel.fig is not None and panel.key not in NOT_A_TIMELINE
        years = set(note_marks.trend_years(panel.fig)) if timeline else set()
        found = [n for n in notes if n.academic_year in years]
        if found:
            panel = replace(panel, fig=note_marks.with_notes(panel.fig, found), notes=tuple(found))
        panels.append(panel)
    return replace(section, panels=tuple(panels))
