"""The settings page's "Test connection" button, end to end: the view, generation/llm.py, the real
LiteLLM client and the local fake provider. Nothing of ours is patched."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from athletes.models import User
from settings_app.services import settings_set
from tests.conftest import client_for
from tests.fakes.openai_server import FakeLLMServer, FakeReply
from tests.settings_app.conftest import SECRET

pytestmark = pytest.mark.django_db

URL = reverse("generation:test_connection")
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    return client_for(admin_user)


@pytest.fixture
def configured(fake_llm: FakeLLMServer, secret_key: str) -> FakeLLMServer:
    """Settings pointing at the fake provider, saved the way an admin would."""
    for key, value in [
        ("llm.provider", "openai_compatible"),
        ("llm.model", "replog-test-model"),
        ("llm.base_url", fake_llm.openai_base_url),
        ("llm.api_key", SECRET),
    ]:
        settings_set(key=key, value=value, by=None)
    return fake_llm


def test_success_shows_the_model_that_answered_and_the_latency(
    admin_client: Client, configured: FakeLLMServer
) -> None:
    configured.queue(FakeReply.text("OK", model="replog-test-model-v2"))
    response = admin_client.post(URL, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Connected" in html
    assert "<strong>replog-test-model-v2</strong> answered in" in html
    assert " s." in html
    sent = configured.last
    assert sent.model == "replog-test-model"
    assert sent.header("authorization") == f"Bearer {SECRET}"  # the decrypted key was used
    assert SECRET not in html


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (FakeReply.unauthorized(), "bad key"),
        (FakeReply.model_not_found("replog-test-model"), "unknown model"),
        (FakeReply.rate_limited(retry_after=0), "rate limited"),
        (FakeReply.server_error(), "server error"),
    ],
)
def test_provider_errors_are_shown_in_plain_words(
    admin_client: Client, configured: FakeLLMServer, reply: FakeReply, words: str
) -> None:
    configured.queue(reply)
    html = admin_client.post(URL, **HX).content.decode()
    assert "Connection failed" in html
    assert words in html
    assert len(configured.requests) == 1  # a test is one request, no retries


def test_timeout_is_reported(admin_client: Client, configured: FakeLLMServer) -> None:
    settings_set(key="llm.timeout_seconds", value="1", by=None)
    configured.queue(FakeReply.slow(5))
    html = admin_client.post(URL, **HX).content.decode()
    assert "did not answer within 1 s (timeout)" in html


def test_unreachable_base_url_is_reported(
    admin_client: Client, secret_key: str, unused_port: int
) -> None:
    settings_set(key="llm.provider", value="ollama", by=None)
    settings_set(key="llm.model", value="llama3.1", by=None)
    settings_set(key="llm.base_url", value=f"http://127.0.0.1:{unused_port}", by=None)
    html = admin_client.post(URL, **HX).content.decode()
    assert f"Cannot reach http://127.0.0.1:{unused_port} (unreachable)" in html


def test_not_configured_says_so_neutrally_without_any_request(admin_client: Client) -> None:
    html = admin_client.post(URL, **HX).content.decode()
    assert "No LLM configured: drafts use the built-in rules engine." in html
    assert "Connection failed" not in html
    assert "alert-danger" not in html


def test_not_configured_without_javascript_is_an_info_message(admin_client: Client) -> None:
    html = admin_client.post(URL, follow=True).content.decode()
    assert "No LLM configured: drafts use the built-in rules engine." in html
    assert "Connection failed" not in html


def test_a_provider_without_a_model_is_still_a_failure(admin_client: Client) -> None:
    settings_set(key="llm.provider", value="openai", by=None)
    html = admin_client.post(URL, **HX).content.decode()
    assert "Connection failed" in html


def test_provider_text_is_html_escaped_and_the_key_scrubbed(
    admin_client: Client, configured: FakeLLMServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    configured.queue(
        FakeReply.error(401, f"<script>alert(1)</script> Incorrect API key provided: {SECRET}")
    )
    html = admin_client.post(URL, **HX).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SECRET not in html
    assert SECRET not in caplog.text


def test_without_javascript_the_result_comes_back_as_a_message(
    admin_client: Client, configured: FakeLLMServer
) -> None:
    configured.queue(FakeReply.unauthorized())
    response = admin_client.post(URL, follow=True)
    assert response.redirect_chain[-1][0].endswith(reverse("settings_app:page") + "#settings-llm")
    assert "Connection failed." in response.content.decode()
    assert "bad key" in response.content.decode()


def test_an_invalid_env_value_is_reported_not_a_500(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLOG_LLM_MAX_RETRIES", "many")
    response = admin_client.post(URL, **HX)
    assert response.status_code == 200
    assert "REPLOG_LLM_MAX_RETRIES has an invalid value" in response.content.decode()


@pytest.mark.parametrize("persona", ["coach", "athlete_user"])
def test_non_staff_get_403_and_no_request_is_sent(
    persona: str, request: pytest.FixtureRequest, configured: FakeLLMServer
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.post(URL, **HX).status_code == 403
    assert configured.requests == []


def test_get_is_not_allowed(admin_client: Client) -> None:
    assert admin_client.get(URL).status_code == 405
