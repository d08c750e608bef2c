"""SEIP_SUPPORT_EMAIL: the contact on the Support and feedback page and in the accessibility
statement; a value that is not an address is refused naming the setting."""

from __future__ import annotations

import pytest

from dashboard.settings import SettingError, Settings
from dashboard.views.support import NO_CONTACT, contact_line


def test_no_setting_means_no_contact_and_the_page_says_so(monkeypatch):
    monkeypatch.delenv("SEIP_SUPPORT_EMAIL", raising=False)
    assert Settings.from_env("x.duckdb").support_email == ""
    assert contact_line("") == NO_CONTACT
    assert "SEIP_SUPPORT_EMAIL" in NO_CONTACT


def test_an_address_is_shown_as_a_mail_link(monkeypatch):
    monkeypatch.setenv("SEIP_SUPPORT_EMAIL", " seip@leics.gov.uk ")
    email = Settings.from_env("x.duckdb").support_email
    assert email == "seip@leics.gov.uk"
    assert contact_line(email).startswith("E-mail [seip@leics.gov.uk](mailto:seip@leics.gov.uk).")


@pytest.mark.parametrize("value", ["seip", "seip@leics", "@leics.gov.uk", "seip @leics.gov.uk"])
def test_something_that_is_not_an_address_is_refused(monkeypatch, value):
    monkeypatch.setenv("SEIP_SUPPORT_EMAIL", value)
    with pytest.raises(SettingError, match="SEIP_SUPPORT_EMAIL=.* must be an e-mail address"):
        Settings.from_env("x.duckdb")
