"""The rounds pages: start with a preview, follow the progress, review, decide, download."""

import html
import json

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Proposal, Round
from matcher.services import rounds
from matcher.worker.runner import run_round
from tests import factories as f
from tests.rounds.helpers import DAY, run

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


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("preference_points", "100, 75000", "Skriv tal op til 1.000."),
        ("sibling_points", "5000", "Tallet skal være mellem 0 og 1.000."),
        ("budget", "99999999999999999999", "Tallet skal være mellem 0 og 1.000.000.000."),
    ],
)
def test_weights_and_budget_beyond_any_real_round_are_refused_and_nothing_starts(
    client, town, field, typed, message
):
    # the engine refuses such numbers as data errors: the form says so before a round starts
    f.login(client, town["staff"].email)
    answer = _start(client, **{field: typed})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and db.session.scalar(select(Round)) is None
    assert html.unescape(page).count(message) == 1
    assert f'value="{typed}"' in page


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


def _english(client) -> None:
    """Switch the logged-in client to English (the new texts are checked in English)."""
    import flask_babel

    client.post("/language", data={"lang": "en"})
    flask_babel.refresh()


def test_round_date_must_lie_within_a_year_of_today(client, town, pinned_today):
    f.login(client, town["staff"].email)
    _english(client)
    for day in ("0001-01-01", "2021-08-14", "2023-08-16"):
        answer = client.post("/rounds/new", data={**FORM, "round_date": day, "start": "1"})
        page = answer.get_data(as_text=True)
        assert answer.status_code == 400 and 'id="round_date-error"' in page, day
        assert "Choose a date at most a year from today" in page
        assert "August 15, 2021" in page and "August 15, 2023" in page
    assert db.session.scalar(select(Round)) is None
    page = client.get("/rounds/new").get_data(as_text=True)
    assert 'min="2021-08-15"' in page and 'max="2023-08-15"' in page
    assert _start(client, round_date="2023-08-15").status_code == 302


def test_new_round_proposes_what_is_left_of_the_season_budget(client, town):
    f.login(client, town["staff"].email)
    _english(client)
    page = client.get("/rounds/new").get_data(as_text=True)
    assert 'name="budget" type="number" value=""' in page  # no season budget: no limit proposed
    assert "The season budget is" not in page
    town["mun"].season_budget = 10000
    db.session.commit()
    _start(client, budget="")
    rnd = _run_latest()
    placement = next(p for p in rnd.proposals if p.kind == "placement")
    rounds.accept(placement)  # the activity's fee is 800 kr.
    rounds.decline_all(rnd, "not now")
    page = client.get("/rounds/new").get_data(as_text=True)
    assert 'value="9200"' in page
    assert (
        "The season budget is 10,000 kr.; accepted placements already commit 800 kr., so "
        "9,200 kr. is left." in page
    )
    # The user may change it: what is sent is what the round gets.
    assert _start(client, budget="3000").status_code == 302
    assert db.session.scalar(select(Round).order_by(Round.id.desc())).params["budget"] == 3000


def test_failure_reason_is_shown_in_the_readers_language(client, town, monkeypatch):
    from matcher.services.rounds import fail_round
    from matcher.worker import reasons
    from matcher.worker.reasons import Failure

    f.login(client, town["staff"].email)
    _start(client)
    rnd = db.session.scalar(select(Round))
    assert fail_round(rnd.id, Failure("no_heartbeat"))
    db.session.expire_all()
    rnd = db.session.get(Round, rnd.id)
    assert "stopped answering (no heartbeat)" in rnd.message  # English for logs and the database
    assert rnd.params["failure"] == {"code": "no_heartbeat", "values": {}}
    assert rnd.params["time_limit"]  # the round's own params are kept
    # The page translates the code when it is shown (a fake catalogue proves it is looked up).
    monkeypatch.setattr(reasons, "gettext", lambda text, **values: "OVERSAT: " + text % values)
    page = client.get(f"/rounds/{rnd.id}").get_data(as_text=True)
    assert "OVERSAT: the worker running this round stopped answering" in page
    assert client.get(f"/rounds/{rnd.id}/status").get_json()["message"].startswith("OVERSAT: ")


def test_failure_with_values_and_old_rows_without_a_code_stay_readable(client, town):
    from matcher.services.rounds import fail_round
    from matcher.worker.reasons import Failure

    f.login(client, town["staff"].email)
    _english(client)
    _start(client)
    rnd = db.session.scalar(select(Round))
    fail_round(rnd.id, Failure("time_limit", {"limit": "0.5"}))
    page = client.get(f"/rounds/{rnd.id}").get_data(as_text=True)
    assert "the round did not finish within its time limit (0.5 s)" in page
    _start(client)
    old = db.session.scalar(select(Round).order_by(Round.id.desc()))
    fail_round(old.id, "an English reason stored before reason codes")
    page = client.get(f"/rounds/{old.id}").get_data(as_text=True)
    assert "an English reason stored before reason codes" in page


def test_progress_page_carries_the_state_words_for_the_script(client, town):
    f.login(client, town["staff"].email)
    answer = _start(client)
    page = client.get(answer.location).get_data(as_text=True)
    box = page[page.index('id="round-progress"') :].split(">")[0]
    assert 'data-status="queued"' in box
    texts = json.loads(html.unescape(box.split('data-texts="')[1].split('"')[0]))
    badges = json.loads(html.unescape(box.split('data-badges="')[1].split('"')[0]))
    assert set(texts) == set(badges) == {"queued", "running", "done", "failed"}
    assert badges["queued"] == "I kø" and badges["running"] == "Kører"
    assert texts["running"] == "Runden kører."
    assert 'data-round-state data-status="queued"' in page


def _suggested(town, suggestions) -> Round:
    rnd = Round(
        municipality_id=town["mun"].id,
        kind="children",
        round_date=DAY,
        status="done",
        input_doc={"round_date": DAY.isoformat(), "children": []},
        result_doc={"placements": [], "unplaced": [], "stats": {}},
        suggestions=suggestions,
    )
    db.session.add(rnd)
    db.session.commit()
    return rnd


def test_suggestion_plurals_follow_places_and_children_each(client, town):
    a = f"a{town['club'].activities[0].id}"
    rnd = _suggested(
        town,
        [
            {"activity": a, "extra_places": 1, "placed_more": 3, "candidates": []},
            {"activity": a, "extra_places": 2, "placed_more": 1, "candidates": []},
        ],
    )
    f.login(client, town["staff"].email)
    _english(client)
    items = client.get(f"/rounds/{rnd.id}").get_data(as_text=True).split("data-suggestion=")[1:]
    assert "+1 place in Fodbold U12" in items[0] and "would place 3 more children" in items[0]
    assert "+2 places in Fodbold U12" in items[1] and "would place 1 more child<" in items[1]


@pytest.mark.parametrize(
    ("budget", "advice"),
    [(None, "andre ønsker eller dage kunne"), (800, "et større budget kunne")],
)
def test_left_out_children_are_not_sent_to_suggestions_that_do_not_help(
    client, town, budget, advice
):
    child = town["family"].children[0]
    rnd = _suggested(town, [])  # checked: no extra place places anyone more
    rnd.params = {"budget": budget}
    rnd.input_doc = {
        "round_date": DAY.isoformat(),
        "children": [{"id": f"c{child.id}", "birth_date": "2015-01-01", "wishes": ["football"]}],
    }
    rnd.result_doc = {
        "placements": [],
        "unplaced": [{"child": f"c{child.id}", "reason": "capacity"}],
        "stats": {},
    }
    db.session.commit()
    f.login(client, town["staff"].email)
    page = client.get(f"/rounds/{rnd.id}").get_data(as_text=True)
    assert "Ekstra pladser ville ikke give plads til flere børn" in page
    assert "se forslagene" not in page and advice in page


def _two_families_round(town) -> tuple[Round, set[int], set[int]]:
    """A round with proposals for the coordinator's family and for another family."""
    town["family"].coordinator_id = town["coordinator"].id
    f.family(town["mun"], "Osman", children=1)
    town["club"].activities[0].places = 4
    db.session.commit()
    rnd = run(town["mun"].id, kind="both")
    mine = {p.id for p in rnd.proposals if (p.family_id or p.child.family_id) == town["family"].id}
    others = {p.id for p in rnd.proposals} - mine
    assert mine and others
    return rnd, mine, others


def _shown(page: str) -> set[int]:
    return {int(x.split('"')[1]) for x in page.split("data-proposal=")[1:]}


def test_coordinators_see_their_own_families_proposals_first_and_all_one_click_away(client, town):
    rnd, mine, others = _two_families_round(town)
    f.login(client, town["coordinator"].email)
    page = client.get(f"/rounds/{rnd.id}").get_data(as_text=True)
    assert _shown(page) == mine
    assert 'data-mine="1" aria-current="true"' in page and 'id="mine-note"' in page
    assert _shown(client.get(f"/rounds/{rnd.id}?mine=0").get_data(as_text=True)) == mine | others
    client.post("/logout")
    f.login(client, town["staff"].email)  # staff see everything unless they ask
    assert _shown(client.get(f"/rounds/{rnd.id}").get_data(as_text=True)) == mine | others
    assert _shown(client.get(f"/rounds/{rnd.id}?mine=1").get_data(as_text=True)) == set()


def test_accept_all_on_the_mine_view_decides_only_my_families(client, town):
    rnd, mine, others = _two_families_round(town)
    f.login(client, town["coordinator"].email)
    answer = client.post(f"/rounds/{rnd.id}/accept-all", data={"mine": "1"})
    assert answer.location.endswith(f"/rounds/{rnd.id}?mine=1")
    db.session.expire_all()
    assert {db.session.get(Proposal, i).status for i in mine} == {"accepted"}
    assert {db.session.get(Proposal, i).status for i in others} == {"proposed"}
    client.post(f"/rounds/{rnd.id}/decline-all", data={"mine": "1", "reason": "x"})
    db.session.expire_all()
    assert {db.session.get(Proposal, i).status for i in others} == {"proposed"}
    client.post(f"/rounds/{rnd.id}/decline-all", data={"mine": "0", "reason": "no room"})
    db.session.expire_all()
    assert {db.session.get(Proposal, i).status for i in others} == {"declined"}
