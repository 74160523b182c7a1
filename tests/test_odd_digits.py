"""Numbers in URLs and forms as a crafted request may send them: characters Python calls digits
that int() refuses (², ①) or reads (٣, full-width ３). None of them is a server error."""

import pytest

pytestmark = pytest.mark.django_db

ODD = ["²", "①", "٣", "３", "9" * 30]


@pytest.mark.parametrize("value", ODD)
def test_odd_digits_in_filters_and_forms_never_answer_500(value, client_for, org_user, district):
    client = client_for(org_user)
    for url in (
        f"/teams/?township={value}",
        f"/teams/activities/?team={value}",
        f"/teams/ranking/?kind={value}",
        f"/demands/resources/?category={value}",
        f"/teams/meetings/?team={value}",
        f"/teams/activities/new/?team={value}",
    ):
        assert client.get(url).status_code in (200, 302, 403, 404), url
    response = client.post("/teams/scoring/", {"form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": value})
    assert response.status_code in (200, 302), response.status_code


def test_as_id_takes_ascii_digits_that_fit_a_bigint_only():
    from core.text import as_id

    assert [as_id(v) for v in ("12", " 7 ", "0", "9" * 18)] == [12, 7, 0, 10**18 - 1]
    assert [as_id(v) for v in (*ODD, "", "-1", "1.5", None, 12)] == [None] * 10
