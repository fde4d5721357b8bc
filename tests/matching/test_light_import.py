"""The solver is pure: importing it loads neither Flask nor SQLAlchemy."""

import subprocess
import sys


def test_importing_the_solver_loads_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, matcher.matching; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
