"""The direction of dependencies of DESIGN.md §1, and the module docstrings, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "claims": {"kiosk", "bot", "badgeclaim", "aiohttp", "telegram"},
    # Pure formats: documents, keys, proofs, baking; whatever takes a session lives in claims/ itself.
    "claims/openbadges": {"sqlalchemy", "claims.models", "claims.audit", "kiosk", "bot", "badgeclaim", "aiohttp"},
    "qr": {"claims", "kiosk", "bot", "badgeclaim", "aiohttp", "telegram"},
    "kiosk": {"bot", "badgeclaim", "telegram"},
    "bot": {"kiosk", "badgeclaim", "aiohttp.web"},
}


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_its_layer_allows(package):
    broken = []
    for path in modules(package):
        for name in imported(path):
            if any(name == banned or name.startswith(banned + ".") for banned in FORBIDDEN[package]):
                broken.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("package", ["badgeclaim", "claims", "qr", "kiosk", "bot"])
def test_every_module_says_what_it_owns(package):
    missing = [str(p.relative_to(ROOT)) for p in modules(package)
               if "versions" not in p.parts and not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))]
    assert not missing
