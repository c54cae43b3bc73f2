"""The client address the audit log and the lock-out record, and how proxies change it."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from convene.core.net import client_ip

rf = RequestFactory()


def test_the_socket_address_by_default():
    assert client_ip(rf.get("/", REMOTE_ADDR="192.0.2.1")) == "192.0.2.1"


def test_forwarded_headers_are_ignored_without_trusted_proxies():
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "192.0.2.1"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_saw():
    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )  # "6.6.6.6" was written by the client itself: not trusted
    assert client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies():
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.7")
    assert client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_too_few_forwarded_addresses_give_none():
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9")) == ""


@pytest.mark.parametrize("address", ["", "not an address", "999.1.1.1"])
def test_a_malformed_address_is_recorded_as_none(address):
    assert client_ip(rf.get("/", REMOTE_ADDR=address)) == ""


def test_ipv6_is_written_one_way():
    assert client_ip(rf.get("/", REMOTE_ADDR="2001:DB8:0:0:0:0:0:1")) == "2001:db8::1"
