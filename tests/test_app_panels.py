"""The dashboard's panels own their session-state keys: declared once, in one panel.

(The panels' behaviour is tested through Streamlit's AppTest in test_app.py; their
logic, without Streamlit, in test_timeline, test_filters, test_table, test_selection and
test_correction_form.)
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
APP = PROJECT / "geo" / "app"
PANELS = sorted(p.stem for p in APP.glob("*.py") if p.stem not in ("__init__", "data"))
SOURCES = [*sorted(APP.glob("*.py")), PROJECT / "dashboard.py"]


def test_every_panel_declares_its_keys_and_no_two_share_one():
    owner: dict[str, str] = {}
    for name in PANELS:
        keys = importlib.import_module(f"geo.app.{name}").KEYS
        assert len(set(keys)) == len(keys), f"geo.app.{name} lists a key twice"
        for key in keys:
            assert key not in owner, f"{key!r}: in geo.app.{owner.get(key)} and geo.app.{name}"
            owner[key] = name


def _is_session_state(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "session_state"


def _literal_keys(tree: ast.AST) -> list[tuple[int, str]]:
    """Session-state keys and widget keys written as string literals in the code."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_session_state(node.value):
            if isinstance(node.slice, ast.Constant):
                found.append((node.lineno, repr(node.slice.value)))
        elif isinstance(node, ast.Call):
            func = node.func
            on_state = isinstance(func, ast.Attribute) and _is_session_state(func.value)
            if on_state and node.args and isinstance(node.args[0], ast.Constant):
                found.append((node.lineno, repr(node.args[0].value)))
            for keyword in node.keywords:
                if keyword.arg == "key" and isinstance(keyword.value, ast.Constant):
                    found.append((node.lineno, repr(keyword.value.value)))
        elif (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Constant)
            and any(_is_session_state(c) for c in node.comparators)
        ):
            found.append((node.lineno, repr(node.left.value)))
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_keys_are_named_by_their_panels_constants(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert _literal_keys(tree) == [], f"{path.name}: keys written as literals"


def test_the_check_finds_a_literal_key():
    code = 'st.session_state["x"] = 1\nst.session_state.get("y")\nst.button("b", key="z")\n'
    assert [k for _, k in _literal_keys(ast.parse(code))] == ["'x'", "'y'", "'z'"]
