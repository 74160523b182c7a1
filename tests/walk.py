"""The URL walk (STYLE.md, pretix's test_permissions): every URL of an app as every role.

Each app's tests define cases as (url, expected) where expected maps a role name from the
`people` fixture (anonymous, org, township_a, township_b, secretary_a, secretary_b,
station_manager, outsider) to a status code; roles not named expect `default`, except two answers
that are the same on every page: the login page (302) for an anonymous visitor and 403 for a login
with no role (the outsider), as core.access decides."""

ROLES = ["anonymous", "org", "township_a", "township_b", "secretary_a", "secretary_b", "station_manager", "outsider"]


def walk(client_for, people, url, expected, default=404, method="get", data=None):
    """Request `url` as each role; return a list of mismatches (empty when all as expected)."""
    problems = []
    for role in ROLES:
        want = expected.get(role, {"anonymous": 302, "outsider": 403}.get(role, default))
        client = client_for(people[role])
        response = getattr(client, method)(url, data or {})
        if response.status_code != want:
            problems.append(f"{role}: {method.upper()} {url} -> {response.status_code}, expected {want}")
    return problems
