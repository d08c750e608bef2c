"""The chair's commentary: who writes it, that it survives a re-import, that it is never markup."""

from __future__ import annotations

import pytest
from app_driver import open_page, words

from dashboard import audit, commentary
from dashboard.access import NotPermitted, Viewer
from dashboard.load import import_paths
from tests.conftest import METRICS_SMALL

CHRIS = Viewer("chris", "chair", "NTH")


@pytest.mark.parametrize(
    ("written", "handed_out"),
    [
        ("**Good year.** Fewer exclusions.", "**Good year.** Fewer exclusions."),
        ("<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"),
        ('<img src=x onerror="alert(1)">', '&lt;img src=x onerror="alert(1)">'),
        ("[report](https://example.org/r.pdf)", "[report](https://example.org/r.pdf)"),
        ("[click](javascript:alert(1))", "click"),
        ("[x](  JavaScript:alert(1) 'title')", "x"),
        ("![pixel](https://tracker.example/p.gif)", "pixel"),
        ("[deep](javascript:f((1)))", r"[deep]\(javascript:f((1)))"),
        ("[x][1]\n\n[1]: javascript:alert(1)", "[x][1]\n\n\\[1]: javascript:alert(1)"),
        ("[x][1]\n\n[1]: https://example.org", "[x][1]\n\n[1]: https://example.org"),
        ("Costs & savings", "Costs &amp; savings"),
    ],
)
def test_sanitise(written, handed_out):
    assert commentary.sanitise(written) == handed_out


def test_chair_writes_own_partnership_and_it_survives_a_reimport(small_copy):
    commentary.save(small_copy, CHRIS, "NTH", "2023-24", "Fewer <b>exclusions</b>.", now=5.0)
    with pytest.raises(NotPermitted):
        commentary.save(small_copy, CHRIS, "STH", "2023/24", "Not mine.")
    for viewer in (Viewer("gwen", "governor", "NTH"), Viewer("hana", "head", "100001")):
        with pytest.raises(NotPermitted):
            commentary.save(small_copy, viewer, "NTH", "2023/24", "Nope.")
    with pytest.raises(commentary.CommentaryError, match="at most 5000"):
        commentary.save(small_copy, CHRIS, "NTH", "2023/24", "x" * 5001)
    assert import_paths([METRICS_SMALL, *sorted((METRICS_SMALL / "reference").glob("*.csv"))], small_copy).ok
    assert commentary.commentary(small_copy, "NTH", "2023/24") == {
        "markdown": "Fewer &lt;b>exclusions&lt;/b>.",
        "author": "chris",
        "updated_at": "1970-01-01 00:00:05",
    }
    assert commentary.written(small_copy, "NTH", "2023/24") == "Fewer <b>exclusions</b>."
    assert commentary.commentary(small_copy, "NTH", "2022/23") is None
    commentary.save(small_copy, Viewer("lena"), "NTH", "2023/24", "")  # empty removes it
    assert commentary.commentary(small_copy, "NTH", "2023/24") is None
    assert audit.entries(small_copy, action="commentary_saved")["user"].tolist() == ["lena", "chris"]


def test_the_overview_shows_the_commentary_as_text_for_a_governor(demo_copy, monkeypatch):
    commentary.save(demo_copy, Viewer("lena"), "NWL", "2024/25", "**Better year.** <script>alert('x')</script>")
    at = open_page(
        demo_copy, monkeypatch, "overview", role="governor", partnership="North West Leicestershire Partnership"
    )
    assert not at.exception
    shown = words(at)
    assert "Commentary from the partnership, 2024/25" in shown
    assert "**Better year.** &lt;script>alert('x')&lt;/script>" in shown
    assert not [e for e in at.expander if "Write the commentary" in e.label]


def test_a_chair_writes_the_commentary_on_the_overview(demo_copy, monkeypatch):
    # the demo's "view as" chair chairs the first partnership by name: BLT
    at = open_page(demo_copy, monkeypatch, "overview", role="chair", partnership="Brackenwood Learning Trust")
    assert not at.exception
    at.text_area(key="commentary-text").input("Referrals *down* a third.")
    at.button[[b.label for b in at.button].index("Save the commentary")].click()
    at.run()
    assert not at.exception
    assert "Referrals *down* a third." in words(at)
