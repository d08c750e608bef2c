"""Fixtures for the sign-in tests: fresh copies of the small warehouse in auth_helpers.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from auth_helpers import ACCOUNTS, PASSWORD, build_small, copy_warehouse


@pytest.fixture(scope="session")
def _small_template(tmp_path_factory) -> Path:
    return build_small(tmp_path_factory.mktemp("small") / "seip.duckdb")


@pytest.fixture(scope="session")
def _accounts_template(tmp_path_factory, _small_template) -> Path:
    from dashboard import auth

    path = tmp_path_factory.mktemp("accounts") / "seip.duckdb"
    shutil.copyfile(_small_template, path)
    for name, role, scope in ACCOUNTS:
        auth.add_user(path, name, role, scope, PASSWORD)
    return path


@pytest.fixture
def small_db(tmp_path, _small_template) -> Path:
    """A fresh copy of the small synthetic warehouse, private to the test (no accounts, no audit)."""
    return Path(shutil.copyfile(_small_template, tmp_path / "seip.duckdb"))


@pytest.fixture
def accounts_db(tmp_path, _accounts_template) -> Path:
    """A fresh copy of the small warehouse with one account per role (ACCOUNTS; password PASSWORD)."""
    return copy_warehouse(_accounts_template, tmp_path / "seip.duckdb")
