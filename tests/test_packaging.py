"""`pip install .` gives a working matcher: the wheel carries templates, static files, seeds,
migrations, the postcode table and compiled catalogues, and the app finds them there."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("matcher-*.whl"))


def test_wheel_carries_everything_the_site_needs(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "matcher/app.py",
        "matcher/matching/__init__.py",
        "matcher/templates/base.html",
        "matcher/static/vendor/bootstrap-5.3.3/bootstrap.min.css",
        "matcher/seeds/users.json",
        "matcher/migrations/env.py",
        "matcher/data/dk-postcodes.csv",
        "matcher/translations/da/LC_MESSAGES/messages.mo",
    ):
        assert needed in names, needed


def test_installed_wheel_serves_the_login_page_in_danish(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    script = (
        "import matcher, sys\n"
        "assert matcher.__file__.startswith(sys.argv[1]), matcher.__file__\n"
        "app = matcher.create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite://'})\n"
        "html = app.test_client().get('/login').get_data(as_text=True)\n"
        "assert 'Log ind' in html, html[:500]\n"
        "print('ok')\n"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(target)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ok")
