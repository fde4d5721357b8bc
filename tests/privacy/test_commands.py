"""The privacy and reliability commands: gdpr-export, gdpr-erase, retention-run, backup, restore."""

import json
import stat
import zipfile

from sqlalchemy import update

from matcher.extensions import db
from matcher.models import Family
from matcher.services import backup
from tests import factories as f


def _family():
    mun = f.municipality()
    fam = f.family(mun, name="Kommandofamilie", arrival_date="2020-01-15")
    db.session.commit()
    return fam


def test_gdpr_export_prints_the_family_as_json_and_writes_a_zip(runner, tmp_path):
    fam = _family()
    result = runner.invoke(args=["gdpr-export", str(fam.id)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["family"]["name"] == "Kommandofamilie"
    out = tmp_path / "export.zip"
    result = runner.invoke(args=["gdpr-export", str(fam.id), "--format", "zip", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "children.csv" in zipfile.ZipFile(out).namelist()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # a family's whole record


def test_gdpr_erase_asks_first_and_then_anonymises(runner):
    fam = _family()
    result = runner.invoke(args=["gdpr-erase", str(fam.id)], input="n\n")
    assert result.exit_code != 0
    assert db.session.get(Family, fam.id).anonymised_at is None
    result = runner.invoke(args=["gdpr-erase", str(fam.id)], input="y\n")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Family, fam.id).name != "Kommandofamilie"
    again = runner.invoke(args=["gdpr-erase", str(fam.id), "--yes"])
    assert again.exit_code != 0 and "already" in again.output


def test_gdpr_commands_refuse_an_unknown_family(runner, app):
    assert runner.invoke(args=["gdpr-erase", "999999", "--yes"]).exit_code != 0
    assert runner.invoke(args=["gdpr-export", "999999"]).exit_code != 0


def test_retention_run_reports_only_a_count(runner):
    fam = _family()
    result = runner.invoke(args=["retention-run", "--today", "2024-01-14"])
    assert result.output.strip() == "Anonymised 0 families."
    result = runner.invoke(args=["retention-run", "--today", "2024-01-16"])
    assert result.output.strip() == "Anonymised 1 families."
    db.session.expire_all()
    assert db.session.get(Family, fam.id).anonymised_at is not None


def test_backup_and_restore_commands_round_trip(runner, tmp_path):
    _family()
    before = backup.fingerprint()
    path = tmp_path / "site.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    db.session.execute(update(Family).values(notes="changed"))
    db.session.commit()
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert backup.fingerprint() == before


def test_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path):
    junk = tmp_path / "junk.backup"
    junk.write_text("no")
    result = runner.invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0
