"""Numbers no record can have (a 20-digit id, a huge page number) are a 404 or the last page,
never a 500 from the database ("Python int too large to convert to SQLite INTEGER")."""

import re

import pytest

from tests.security import routes as r

HUGE = "99999999999999999999"


def test_every_record_url_with_a_huge_id_is_404(app, world, login_as):
    client = login_as(world.users["staff"])
    checked = []
    for rule in r.rules(app, public=False):
        if not r.record_args(rule):
            continue
        path = re.sub(r"<int:[^>]+>", HUGE, rule.rule)
        for method in sorted(r.methods(rule) & {"GET", "POST"}):
            answer = client.open(path, method=method)
            assert answer.status_code == 404, (method, path, answer.status_code)
            checked.append(path)
    assert len(checked) > 20


@pytest.mark.parametrize(
    "url",
    [
        f"/coordinator/families/?page={HUGE}",
        f"/contact-families/?page={HUGE}",
        f"/matches/?page={HUGE}",
        f"/audit/?page={HUGE}",
        f"/audit/?object_id={HUGE}",
        "/coordinator/families/?page=-5",
        f"/coordinator/families/{{family}}?edit={HUGE}",
    ],
)
def test_huge_numbers_in_query_strings_are_no_server_error(app, world, login_as, url):
    user = world.users["staff" if url.startswith("/audit") else "coordinator"]
    url = url.format(family=world.scopes["home"]["family"].id)
    assert login_as(user).get(url).status_code in (200, 404)
