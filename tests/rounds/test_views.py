"""The rounds pages: start with a preview, follow the progress, review, decide, download."""

import json

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Proposal, Round
from matcher.worker.runner import run_round
from tests import factories as f

FORM = {
    "kind": "both",
    "round_date": "2022-08-15",
    "preference_points": "100, 75, 50",
    "waiting_points": "10",
    "distance_penalty_per_km": "2",
    "sibling_points": "20",
    "language_points": "40",
    "children_age_points": "30",
    "interest_points": "10",
    "interest_points_cap": "30",
}


def _start(client, **extra):
    return client.post("/rounds/new", data={**FORM, "start": "1", **extra})


def _run_latest() -> Round:
    rnd = db.session.scalar(select(Round).order_by(Round.id.desc()))
    run_round(rnd.id)
    db.session.expire_all()
    return db.session.get(Round, rnd.id)


def test_preview_counts_who_takes_part_and_starts_nothing(client, town):
    f.login(client, town["staff"].email)
    page = client.post("/rounds/new", data={**FORM, "preview": "1"}).get_data(as_text=True)
    assert 'data-count="children">2<' in page
    assert 'data-count="places">3<' in page
    assert 'data-count="families">1<' in page
    assert db.session.scalar(select(Round)) is None


def test_weights_are_checked_next_to_their_field(client, town):
    f.login(client, town["staff"].email)
    answer = client.post(
        "/rounds/new", data={**FORM, "preference_points": "100, lots", "preview": "1"}
    )
    assert "Skriv hele tal adskilt af komma." in answer.get_data(as_text=True)
    assert 'value="100, lots"' in answer.get_data(as_text=True)


def test_start_queues_the_round_with_the_chosen_weights_and_shows_its_progress(client, town):
    f.login(client, town["staff"].email)
    answer = _start(client, budget="5000")
    assert answer.status_code == 302
    rnd = db.session.scalar(select(Round))
    assert rnd.status == "queued"
    assert rnd.input_doc["params"]["preference_points"] == [100, 75, 50]
    assert rnd.input_doc["params"]["budget"] == 5000
    page = client.get(answer.location).get_data(as_text=True)
    assert "data-status-url" in page and "js/rounds.js" in page
    status = client.get(f"/rounds/{rnd.id}/status").get_json()
    assert status == {
        "id": rnd.id,
        "status": "queued",
        "progress": 0.0,
        "message": "",
        "finished": False,
    }


def test_second_start_is_refused_with_a_clear_message(client, town):
    f.login(client, town["staff"].email)
    _start(client)
    answer = _start(client)
    assert answer.status_code == 409
    assert "er allerede i kø" in answer.get_data(as_text=True)


def test_coordinator_reviews_but_cannot_start(client, town):
    f.login(client, town["coordinator"].email)
    assert client.get("/rounds/new").status_code == 403
    assert client.get("/rounds/").status_code == 200


def test_review_shows_explanations_baseline_and_reasons(client, town):
    f.login(client, town["staff"].email)
    _start(client)
    rnd = _run_latest()
    page = client.get(f"/rounds/{rnd.id}").get_data(as_text=True)
    assert "1. ønske (Fodbold)" in page
    assert 'data-ours="placed">2<' in page and 'data-baseline="placed">2<' in page
    assert page.count('data-status="proposed"') == 3


def test_decline_needs_a_reason_and_accept_all_takes_the_rest(client, town):
    f.login(client, town["staff"].email)
    _start(client)
    client.post("/logout")
    f.login(client, town["coordinator"].email)  # coordinators decide too
    rnd = _run_latest()
    first, *rest = sorted(rnd.proposals, key=lambda p: p.id)
    base = f"/rounds/{rnd.id}/proposals/{first.id}"
    client.post(f"{base}/decline", data={"reason": ""})
    assert db.session.get(Proposal, first.id).status == "proposed"
    client.post(f"{base}/decline", data={"reason": "The family moved"})
    client.post(f"/rounds/{rnd.id}/accept-all")
    db.session.expire_all()
    assert db.session.get(Proposal, first.id).status == "declined"
    assert {db.session.get(Proposal, p.id).status for p in rest} == {"accepted"}


def test_input_and_result_download_as_json_and_the_cli_gives_the_same_result(
    client, town, tmp_path
):
    from matcher.matching.cli import main

    f.login(client, town["staff"].email)
    _start(client)
    rnd = _run_latest()
    answer = client.get(f"/rounds/{rnd.id}/input.json")
    assert answer.headers["Content-Disposition"].startswith("attachment")
    (tmp_path / "in.json").write_bytes(answer.data)
    stored = json.loads(client.get(f"/rounds/{rnd.id}/result.json").data)
    assert main(["solve", str(tmp_path / "in.json"), "-o", str(tmp_path / "out.json")]) == 0
    again = json.loads((tmp_path / "out.json").read_text())
    for key in ("placements", "pairings", "unplaced", "unpaired"):
        assert again[key] == stored[key]
    for key in ("placed", "paired", "score", "pair_score"):
        assert again["stats"][key] == stored["stats"][key]


def test_rounds_of_another_municipality_are_not_found(client, town):
    other = f.municipality()
    outsider = f.user(other, "staff")
    db.session.commit()
    f.login(client, town["staff"].email)
    _start(client)
    rnd = _run_latest()
    client.post("/logout")
    f.login(client, outsider.email)
    assert client.get(f"/rounds/{rnd.id}").status_code == 404
    assert client.get(f"/rounds/{rnd.id}/input.json").status_code == 404
    p = rnd.proposals[0]
    assert client.post(f"/rounds/{rnd.id}/proposals/{p.id}/accept").status_code == 404
    assert db.session.get(Proposal, p.id).status == "proposed"


def test_rounds_list_shows_the_results_placed_and_paired_figures(client, town):
    f.login(client, town["staff"].email)
    _start(client)
    rnd = _run_latest()
    stats = rnd.result_doc["stats"]
    html = client.get("/rounds/").get_data(as_text=True)
    row = html[html.index(f"/rounds/{rnd.id}") :].split("</tr>")[0]
    assert f"<td>{stats['placed']}</td>" in row and f"<td>{stats['paired']}</td>" in row
    assert stats["placed"] > 0
