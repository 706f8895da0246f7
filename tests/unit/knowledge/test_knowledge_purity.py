"""needlepoint.knowledge is pure: no Django, no other needlepoint package, no cwd paths."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import needlepoint.knowledge

PACKAGE_DIR = Path(needlepoint.knowledge.__file__).parent
SRC_DIR = PACKAGE_DIR.parents[1]

PROBE = """
import json, sys
import needlepoint.knowledge as k
try:
    k.load_knowledge()
    error = ''
except k.KnowledgeError as exc:
    error = str(exc)
bad = sorted(m for m in sys.modules
             if m.split('.')[0] in {'django', 'ninja', 'django_htmx', 'axes'}
             or (m.startswith('needlepoint.') and not m.startswith('needlepoint.knowledge')))
print(json.dumps({'error': error, 'bad': bad}))
"""


def test_import_and_load_pull_in_no_django(tmp_path: Path) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC_DIR), env.get("PYTHONPATH", "")])
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # Run from an unrelated directory: the data must come from the package, not the cwd.
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=60, check=True,
    )
    report = json.loads(result.stdout)
    assert report["bad"] == []
    # Invalid data is reported by test_knowledge_data; here the files must at least be found.
    assert "data file is missing" not in report["error"]


def test_sources_import_only_allowed_modules() -> None:
    allowed_roots = {"pydantic", "yaml", "__future__"} | set(sys.stdlib_module_names)
    for path in PACKAGE_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative import inside the package
                    continue
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed_roots, f"{path.name} imports {name}"


def test_no_working_directory_paths_in_loader() -> None:
    source = (PACKAGE_DIR / "loader.py").read_text("utf-8")
    assert "importlib.resources" in source
    for forbidden in ("os.getcwd", "Path.cwd", "open(", "__file__", "../shared"):
        assert forbidden not in source, forbidden
