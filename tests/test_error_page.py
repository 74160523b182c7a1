"""The 500 page when the database is the thing that failed."""

import pytest
from django.db import OperationalError, connection

from config.views import server_error


def unreachable(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


@pytest.mark.django_db
def test_a_page_that_fails_because_the_database_is_down_shows_the_chinese_500_page(
    client_for, township_a_user, settings
):
    settings.DEBUG = False
    client = client_for(township_a_user)  # logged in: the base template would read the session
    client.raise_request_exception = False
    with connection.execute_wrapper(unreachable):  # every query fails, the 500 page's included
        response = client.get("/notices/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "500 · 服务器错误" in body and "第一书记组团服务平台" in body
    assert "Internal Server Error" not in body


def test_the_500_page_runs_no_query(db, rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "服务器错误" in response.content.decode()
