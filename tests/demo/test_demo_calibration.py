"""The imported demo sits where the real county sits (docs/demo-data.md), and tells three stories.

Figures are computed with SQL on the warehouse that `seip demo` built (fixture `demo_db`),
from the stored contract tables, so they are what the dashboard's marts start from.
"""

from __future__ import annotations

import pytest

from dashboard import warehouse

YEARS = ("2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25")

# Leicestershire, state-funded secondary (../shared/reference):
# headcount: pupil_characteristics_...csv FSM rows 3196-3201 (n_value), equal to the exclusions
# file 1 headcounts for 2019/20-2022/23 (exclusions_la_leics_...csv lines 789-801).
LEICS_PUPILS = dict(zip(YEARS, (42593, 43272, 44009, 44237, 44449, 44590)))
# permanent exclusion rate per 100: file 1 lines 789, 793, 797, 801 (perm_excl_rate) and LAIT
# SecPermEx 2023/24 (lait_... line 2161). 2024/25 is not published for LAs yet: the 2023/24 rate
# moved with England's change, 0.13274 x 0.22582 / 0.25336 = 0.1183.
LEICS_PEX_RATE = dict(zip(YEARS, (0.03052, 0.01387, 0.04999, 0.12659, 0.13274, 0.1183)))
# suspension rate per 100: file 1 susp_rate, LAIT SecFixedEx 2023/24 (line 1918), and for 2024/25
# 21.24682 x 21.23539 / 22.61338 = 19.95.
LEICS_SUSPENSION_RATE = dict(zip(YEARS, (4.77543, 5.91607, 10.63873, 17.34295, 21.24682, 19.95)))
# England state-funded secondary perm_excl_rate: exclusions_national_...csv lines 55-75.
ENGLAND_PEX_RATE = dict(zip(YEARS, (0.12522, 0.09997, 0.1586, 0.22186, 0.25336, 0.22582)))


@pytest.fixture(scope="module")
def con(demo_db):
    con = warehouse.open_read_only(demo_db)
    yield con
    con.close()


def by_year(con, sql: str) -> dict:
    """Run `sql` returning (academic_year, value) rows; give {year: value}."""
    return dict(con.execute(sql).fetchall())


def by_year_group(con, sql: str) -> dict:
    """Run `sql` returning (academic_year, partnership_code, value); give {year: {code: value}}."""
    out: dict = {}
    for year, code, value in con.execute(sql).fetchall():
        out.setdefault(year, {})[code] = value
    return out


AY = "(case when month({d}) >= 9 then year({d}) else year({d}) - 1 end)"


def ay(column: str) -> str:
    """SQL for the academic year ('2023/24') of a date column."""
    y = AY.format(d=column)
    return f"({y}::varchar || '/' || lpad((({y} + 1) % 100)::varchar, 2, '0'))"


PUPILS = """
    select academic_year, s.partnership_code, sum(pupils_on_roll)
    from school_census c join schools s using (urn) group by all
"""


# ---------------------------------------------------------------- organisations and census


def test_46_schools_in_four_partnerships_and_two_mat_groups(con):
    kinds = dict(con.execute("select kind, count(*) from partnerships group by kind").fetchall())
    assert kinds == {"partnership": 4, "mat_group": 2}
    assert con.execute("select count(*) from schools").fetchone()[0] == 46
    codes = [c for (c,) in con.execute("select partnership_code from partnerships").fetchall()]
    assert all(2 <= len(c) <= 12 and c.isalnum() for c in codes)
    lo, hi = con.execute("select min(urn), max(urn) from schools").fetchone()
    assert 900000 <= lo and hi <= 999999  # far above any URN DfE has issued
    empty = con.execute("""select count(*) from partnerships p
                           where not exists (
                               select 1 from schools s where s.partnership_code = p.partnership_code)""").fetchone()
    assert empty[0] == 0
    districts = {d for (d,) in con.execute("select distinct district from schools").fetchall()}
    assert districts == {
        "Blaby",
        "Charnwood",
        "Harborough",
        "Hinckley and Bosworth",
        "Melton",
        "North West Leicestershire",
        "Oadby and Wigston",
    }
    mat_schools_without_trust = con.execute("""
        select count(*) from schools join partnerships using (partnership_code)
        where kind = 'mat_group' and trust_name is null""").fetchone()[0]
    assert mat_schools_without_trust == 0


def test_county_pupils_equal_the_real_headcount_every_year(con):
    pupils = by_year(con, "select academic_year, sum(pupils_on_roll) from school_census group by 1")
    assert pupils == LEICS_PUPILS
    assert all(42_000 <= n <= 46_000 for n in pupils.values())
    assert con.execute("select count(*) from school_census").fetchone()[0] == 46 * 6
    lo, hi = con.execute("select min(pupils_on_roll), max(pupils_on_roll) from school_census").fetchone()
    assert 400 <= lo and hi <= 1800


def test_fsm_share_rises_as_the_real_county_did(con):
    fsm = by_year(
        con,
        """select academic_year, 100.0 * sum(fsm_eligible) / sum(pupils_on_roll)
                          from school_census group by 1""",
    )
    # Real: LAIT SecFSM January 2020 = 10.0, January 2025 = 17.2 (lait_... lines 1655, 1660).
    assert 9 <= fsm["2019/20"] <= 11
    assert 16 <= fsm["2024/25"] <= 18
    assert all(fsm[a] < fsm[b] for a, b in zip(YEARS, YEARS[1:]))


def test_fsm_share_differs_by_partnership(con):
    fsm = by_year_group(
        con,
        """select academic_year, s.partnership_code,
                                       100.0 * sum(fsm_eligible) / sum(pupils_on_roll)
                                from school_census c join schools s using (urn) group by all""",
    )
    latest = fsm["2024/25"]
    assert max(latest, key=latest.get) in {"CHN", "NWL"}  # the two high-deprivation partnerships
    assert max(latest.values()) - min(latest.values()) > 6


def test_sen_shares_are_the_county_s(con):
    rows = con.execute("""select academic_year, 100.0 * sum(sen_support) / sum(pupils_on_roll),
                                 100.0 * sum(ehcp) / sum(pupils_on_roll)
                          from school_census group by 1 order by 1""").fetchall()
    # Real secondary SEN support 10.1% -> 13.8%, EHC plans 1.9% -> 2.9% (pupil_characteristics_...
    # rows 3328-3333 and 3284-3289).
    for _, sen, ehcp in rows:
        assert 10 <= sen <= 14
        assert 1.5 <= ehcp <= 3.5


# ---------------------------------------------------------------- exclusions


def test_permanent_exclusion_rate_is_leicestershire_s_and_far_below_england_s(con):
    pex = by_year(
        con,
        f"""select {ay("start_date")}, count(*) from exclusions
                            where type = 'permanent' group by 1""",
    )
    for year in YEARS:
        rate = 100 * pex[year] / LEICS_PUPILS[year]
        # Band: within a quarter of the real county rate, and under 0.6 x England's (the real
        # county's highest ratio to England in these years is 0.57, in 2022/23).
        assert 0.75 * LEICS_PEX_RATE[year] <= rate <= 1.25 * LEICS_PEX_RATE[year], year
        assert rate < 0.6 * ENGLAND_PEX_RATE[year], year


def test_suspension_rate_is_leicestershire_s(con):
    suspensions = by_year(
        con,
        f"""select {ay("start_date")}, count(*) from exclusions
                                    where type = 'suspension' group by 1""",
    )
    for year in YEARS:
        rate = 100 * suspensions[year] / LEICS_PUPILS[year]
        assert abs(rate - LEICS_SUSPENSION_RATE[year]) <= 0.1 * LEICS_SUSPENSION_RATE[year], year
    bad_days = con.execute("""select count(*) from exclusions where type = 'suspension'
                              and (days not between 0.5 and 5 or days * 2 <> floor(days * 2))""").fetchone()
    assert bad_days[0] == 0


def test_persistent_disruption_is_the_commonest_reason(con):
    for kind in ("suspension", "permanent"):
        top = con.execute(
            """select reason from exclusions where type = ? group by reason
                             order by count(*) desc limit 1""",
            [kind],
        ).fetchone()[0]
        assert top == "persistent_disruptive"


# ---------------------------------------------------------------- referrals


def test_a_few_hundred_referrals_a_year(con):
    referrals = by_year(con, f"select {ay('referral_date')}, count(*) from referrals group by 1")
    assert sorted(referrals) == list(YEARS)
    assert all(250 <= n <= 500 for n in referrals.values())


def test_referred_pupils_are_disproportionately_fsm_sen_looked_after_and_boys(con):
    fsm, sen, ehcp, lac, boys = con.execute("""
        select avg(fsm::int), avg((sen_status = 'K')::int), avg((sen_status = 'E')::int),
               avg(looked_after::int), avg((sex = 'M')::int)
        from referrals""").fetchone()
    county_fsm = con.execute("select sum(fsm_eligible) / sum(pupils_on_roll) from school_census").fetchone()[0]
    assert fsm > 2 * county_fsm
    assert 0.30 <= sen <= 0.40 and 0.05 <= ehcp <= 0.11 and 0.03 <= lac <= 0.08
    assert 0.65 <= boys <= 0.75
    groups = dict(con.execute("select year_group, count(*) from referrals group by 1").fetchall())
    assert sorted(groups, key=groups.get)[-2:] in ([9, 10], [10, 9])


def test_referrals_come_more_from_higher_fsm_schools(con):
    rate_by_fsm_half = con.execute("""
        with school as (
            select urn, sum(fsm_eligible) / sum(pupils_on_roll) as fsm_share, sum(pupils_on_roll) as pupils
            from school_census group by urn
        ), halves as (
            select urn, pupils, ntile(2) over (order by fsm_share) as half from school
        )
        select half, 1000.0 * (select count(*) from referrals r where r.urn in
                                  (select urn from halves h2 where h2.half = halves.half)) / sum(pupils)
        from halves group by half order by half""").fetchall()
    assert rate_by_fsm_half[1][1] > 1.3 * rate_by_fsm_half[0][1]


def test_panel_decisions_and_dates(con):
    shares = dict(
        con.execute("select decision, count(*) * 1.0 / sum(count(*)) over () from referrals group by 1").fetchall()
    )
    assert max(shares, key=shares.get) == "in_school_support"
    assert 0.15 <= shares["ap_placement"] <= 0.30 and shares["no_further_action"] <= 0.10
    # Panels sit one to four weeks after the referral, or the first school day after a holiday.
    gap = con.execute("""select min(panel_date - referral_date), median(panel_date - referral_date),
                                max(panel_date - referral_date) from referrals""").fetchone()
    assert gap[0] >= 7 and 14 <= gap[1] <= 24 and gap[2] <= 49


def test_some_pupils_are_referred_in_two_years(con):
    across_years = con.execute(f"""select count(*) from (
        select pupil_ref from referrals group by 1 having count(distinct {ay("referral_date")}) > 1)""").fetchone()
    assert across_years[0] >= 20


def test_avoidance_rate_is_high_but_well_short_of_100(con):
    rows = con.execute(f"""
        with firsts as (
            select {ay("referral_date")} as academic_year, pupil_ref, min(referral_date) as first_referral
            from referrals group by all
        )
        select academic_year,
               100.0 * (count(*) - count(*) filter (where exists (
                   select 1 from exclusions x where x.type = 'permanent' and x.pupil_ref = f.pupil_ref
                     and x.start_date >= f.first_referral))) / count(*)
        from firsts f group by 1""").fetchall()
    assert len(rows) == 6
    assert all(85 <= rate <= 99.5 for _, rate in rows)


# ---------------------------------------------------------------- placements


def test_placements_cost_a_plausible_share_of_the_grant(con):
    spend = by_year(con, f"select {ay('start_date')}, sum(cost_gbp) from placements group by 1")
    assert all(1_200_000 <= float(spend[y]) <= 2_500_000 for y in YEARS)


def test_costs_durations_and_sessions_by_provider_type(con):
    mean = dict(con.execute("select provider_type, avg(cost_gbp) from placements group by 1").fetchall())
    assert len(mean) == 7
    assert max(mean, key=mean.get) == "special_school"
    assert sorted(mean, key=mean.get)[:2] in (["outreach", "managed_move"], ["managed_move", "outreach"])
    assert mean["unregistered_ap"] > mean["registered_ap"] > mean["partnership_ap"]
    lo, hi = con.execute("""select min(end_date - start_date), max(end_date - start_date)
                            from placements where end_date is not null""").fetchone()
    assert lo >= 35 and hi <= 280  # 6 to 40 weeks, a Friday-ending week counting as whole
    sessions = con.execute("select min(sessions_per_week), max(sessions_per_week) from placements").fetchone()
    assert sessions == (1, 10)


def test_only_placements_still_running_at_the_data_date_are_ongoing(con):
    mismatched = con.execute("""select count(*) from placements
                                where (outcome = 'ongoing') <> (end_date is null)""").fetchone()[0]
    assert mismatched == 0
    earliest = con.execute("select min(start_date) from placements where outcome = 'ongoing'").fetchone()[0]
    assert earliest.isoformat() >= "2024-09-01"
    summer = con.execute("""select count(*) from placements where start_date >= date '2025-04-22'
                            and outcome <> 'ongoing'""").fetchone()[0]
    assert summer == 0


def test_outcomes_are_realistic(con):
    share = dict(
        con.execute("""select outcome, count(*) * 1.0 / sum(count(*)) over ()
                                from placements where outcome <> 'ongoing' group by 1""").fetchall()
    )
    assert set(share) == {
        "reintegrated",
        "sustained_to_end_y11",
        "moved_to_special",
        "permanently_excluded",
        "left_area",
        "other",
    }
    assert max(share, key=share.get) == "reintegrated"
    assert share["permanently_excluded"] < 0.04
    not_y11 = con.execute("""select count(*) from placements p join referrals r using (referral_id)
                             where p.outcome = 'sustained_to_end_y11' and r.year_group < 10""").fetchone()[0]
    assert not_y11 == 0
    # A placement that ended in permanent exclusion has that exclusion on record, on its end date.
    unrecorded = con.execute("""select count(*) from placements p where outcome = 'permanently_excluded'
        and not exists (select 1 from exclusions x where x.pupil_ref = p.pupil_ref
                        and x.type = 'permanent' and x.start_date = p.end_date)""").fetchone()[0]
    assert unrecorded == 0


def test_no_pupil_is_excluded_permanently_twice_or_active_after_it(con):
    after = con.execute("""
        with pex as (select pupil_ref, min(start_date) as pex_date, count(*) as n
                     from exclusions where type = 'permanent' group by 1)
        select (select count(*) from pex where n > 1),
               (select count(*) from exclusions x join pex using (pupil_ref) where x.start_date > pex_date),
               (select count(*) from referrals r join pex using (pupil_ref) where r.referral_date > pex_date)
    """).fetchone()
    assert after == (0, 0, 0)


# ---------------------------------------------------------------- funding


def test_core_grant_is_three_million_shared_by_the_formula(con):
    core = by_year(con, "select academic_year, sum(amount_gbp) from funding where stream = 'core_grant' group by 1")
    assert all(abs(float(core[y]) - 3_000_000) <= 30_000 for y in YEARS)
    rows = con.execute("""
        with inputs as (
            select academic_year, s.partnership_code, sum(pupils_on_roll) as pupils, sum(fsm_eligible) as fsm
            from school_census c join schools s using (urn) group by all
        ), grant_paid as (
            select academic_year, partnership_code, sum(amount_gbp) as paid, count(*) as instalments
            from funding where stream = 'core_grant' group by all
        )
        select g.academic_year, g.partnership_code, g.paid, g.instalments,
               t.total * (0.5 * i.pupils / sum(i.pupils) over w + 0.5 * i.fsm / sum(i.fsm) over w) as formula
        from grant_paid g join inputs i using (academic_year, partnership_code)
        join (select academic_year, sum(paid) as total from grant_paid group by 1) t using (academic_year)
        window w as (partition by g.academic_year)""").fetchall()
    assert len(rows) == 36
    for year, code, paid, instalments, formula in rows:
        assert instalments == 3, (year, code)
        assert abs(float(paid) - float(formula)) <= 1, (year, code)


def test_every_funding_stream_and_a_negative_adjustment(con):
    streams = {s for (s,) in con.execute("select distinct stream from funding").fetchall()}
    assert streams == {"core_grant", "ehcp_top_up", "development", "school_contribution", "adjustment"}
    negative = con.execute("select count(*) from funding where amount_gbp < 0").fetchone()[0]
    assert negative >= 1
    other = "select count(*) from funding where amount_gbp < 0 and stream <> 'adjustment'"
    assert con.execute(other).fetchone()[0] == 0


def test_data_as_at_is_the_end_of_the_2024_25_summer_term(con):
    latest = con.execute("""select max(d) from (
        select max(start_date) as d from exclusions union all select max(referral_date) from referrals
        union all select max(panel_date) from referrals union all select max(start_date) from placements
        union all select max(end_date) from placements union all select max(paid_date) from funding)""").fetchone()[0]
    assert latest.isoformat() == "2025-07-18"


def test_the_warehouse_is_labelled_synthetic(con):
    assert con.execute("select value from meta where key = 'synthetic'").fetchone()[0] == "true"


# ---------------------------------------------------------------- the three stories


def test_story_north_west_leicestershire_drifts_up_in_exclusions(con):
    pex = by_year_group(
        con,
        f"""select {ay("start_date")}, s.partnership_code, count(*)
                                 from exclusions x join schools s using (urn)
                                 where type = 'permanent' group by all""",
    )
    pupils = by_year_group(con, PUPILS)
    nwl = [pex[y].get("NWL", 0) / pupils[y]["NWL"] for y in YEARS]
    assert all(a < b for a, b in zip(nwl, nwl[1:]))  # rises every year
    share = [pex[y].get("NWL", 0) / sum(pex[y].values()) for y in YEARS]
    assert share[-1] >= 2 * share[0]  # 2/13 = 15% -> 24/53 = 45% of the county's
    # By the last year it is the highest rate of the six, above England's.
    last = {code: pex["2024/25"].get(code, 0) / n for code, n in pupils["2024/25"].items()}
    assert max(last, key=last.get) == "NWL"
    assert 100 * last["NWL"] > ENGLAND_PEX_RATE["2024/25"]


def test_story_hinckley_and_bosworth_pays_most_per_placement(con):
    cost = by_year_group(
        con,
        f"""select {ay("p.start_date")}, s.partnership_code, avg(cost_gbp)
                                  from placements p join referrals r using (referral_id)
                                  join schools s on s.urn = r.urn group by all""",
    )
    for year in YEARS:
        assert max(cost[year], key=cost[year].get) == "HAB", year
    unregistered = dict(
        con.execute("""
        select s.partnership_code, avg((provider_type = 'unregistered_ap')::int)
        from placements p join referrals r using (referral_id) join schools s on s.urn = r.urn
        group by 1""").fetchall()
    )
    assert max(unregistered, key=unregistered.get) == "HAB"


def test_story_charnwood_reintegrates_most(con):
    rate = by_year_group(
        con,
        f"""select {ay("p.end_date")}, s.partnership_code,
                                         avg((outcome = 'reintegrated')::int)
                                  from placements p join referrals r using (referral_id)
                                  join schools s on s.urn = r.urn
                                  where outcome <> 'ongoing' group by all""",
    )
    for year in YEARS:
        assert max(rate[year], key=rate[year].get) == "CHN", year
