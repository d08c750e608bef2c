"""Imports run one way: `dashboard.auth` (accounts, sign-in rules, `seip users`) works without
Streamlit, and the sign-in components call it, never the reverse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter with Streamlit blocked, then imports every module that auth.py
# names in an import statement anywhere (at the top or inside a function), as a call would.
WITHOUT_STREAMLIT = """
import ast, importlib, importlib.abc, sys

class NoStreamlit(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "streamlit":
            raise ImportError(f"streamlit is blocked: {name}")
        return None

sys.meta_path.insert(0, NoStreamlit())
try:
    import streamlit
except ImportError:
    pass
else:
    raise SystemExit("the blocker let streamlit in")

import dashboard.auth as auth

for node in ast.walk(ast.parse(open(auth.__file__, encoding="utf-8").read())):
    if isinstance(node, ast.Import):
        for alias in node.names:
            importlib.import_module(alias.name)
    elif isinstance(node, ast.ImportFrom):
        module = importlib.import_module(node.module)
        for alias in node.names:
            if not hasattr(module, alias.name):
                importlib.import_module(f"{node.module}.{alias.name}")
print("auth without streamlit: ok")
"""


def _run(script: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_auth_and_everything_it_imports_load_without_streamlit():
    done = _run(WITHOUT_STREAMLIT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "auth without streamlit: ok"


def test_the_blocker_refuses_a_module_that_needs_streamlit():
    # the check above must be able to fail: the sign-in components do need Streamlit
    done = _run(
        WITHOUT_STREAMLIT.replace("import dashboard.auth as auth", "import dashboard.components.signin as auth")
    )
    assert done.returncode != 0
    assert "streamlit is blocked: streamlit" in done.stderr
