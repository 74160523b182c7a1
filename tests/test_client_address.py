"""core/client.py: the source address, believing X-Forwarded-For only from a trusted proxy."""

import pytest
from django.test import RequestFactory

from core.client import client_address


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "expected"),
    [
        (["127.0.0.1"], "127.0.0.1", "", "127.0.0.1"),  # no proxy header: the peer
        (["127.0.0.1"], "127.0.0.1", "6.6.6.6, 10.1.1.1", "10.1.1.1"),  # nginx's hop, not the client's claim
        (["127.0.0.1"], "10.0.0.9", "6.6.6.6", "10.0.0.9"),  # an untrusted peer's header is ignored
        (["*"], "10.0.0.9", "10.1.1.1", "10.1.1.1"),
        (["127.0.0.1"], "127.0.0.1", "not-an-address", "127.0.0.1"),
        (["127.0.0.1"], "garbage", "10.1.1.1", None),
        (["127.0.0.1"], "::1", "", "::1"),
    ],
)
def test_client_address(settings, trusted, peer, forwarded, expected):
    settings.FORWARDED_ALLOW_IPS = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
