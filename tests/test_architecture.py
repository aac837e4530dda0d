"""The apps depend one way: academy → courses → mentorship → growth.

The contract lives in pyproject.toml ([tool.importlinter]); CI runs
``lint-imports`` and these tests run it too, on the tree and on a copy of it
with one import reversed, so the contract is known to bite.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["academy", "courses", "mentorship", "growth"]
LINT = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree):
    return subprocess.run(
        [str(LINT), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def tree_copy(tmp_path):
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_apps_depend_one_way():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("academy/services.py", "from growth.teams import services as team_services"),
        ("courses/selectors.py", "from mentorship import access"),
        # Hidden inside a function counts the same.
        ("mentorship/services/booking.py", "def _late():\n    from growth import models\n"),
    ],
)
def test_an_import_back_down_the_order_breaks_the_contract(tree_copy, module, line):
    assert lint_imports(tree_copy).returncode == 0
    path = tree_copy / module
    path.write_text(path.read_text() + "\n" + line + "\n")

    result = lint_imports(tree_copy)

    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert module.removesuffix(".py").replace("/", ".") in result.stdout
