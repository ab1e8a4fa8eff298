"""The domain packages stay plain Python: no Flask, SQLAlchemy, models or app imports."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("flask", "flask_babel", "flask_login", "sqlalchemy", "models", "app", "werkzeug")


@pytest.mark.parametrize("package", ["rosa", "sla", "knowledge_base"])
def test_domain_package_imports_no_framework(package):
    """rosa/, sla/ and knowledge_base/ can be read and tested without the web stack."""
    offenders = []
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_models_do_not_import_the_web_layer():
    """Models never import `app` (the web layer depends on models, not the reverse)."""
    for path in (ROOT / "models").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                assert node.module.split(".")[0] != "app", path.name
