from __future__ import annotations

import pytest
from django.apps import apps

from generation import llm


def test_preload_imports_litellm_on_a_background_thread() -> None:
    thread = llm.preload_in_background()
    thread.join(timeout=300)
    assert not thread.is_alive()
    assert llm._litellm is not None
    assert llm.count_tokens("Back Squat 3x5 @ 75%") > 0


def test_the_app_preloads_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[bool] = []
    monkeypatch.setattr(llm, "preload_in_background", lambda: started.append(True))
    config = apps.get_app_config("generation")

    monkeypatch.delenv("REPLOG_PRELOAD_LLM", raising=False)
    config.ready()
    assert started == []

    monkeypatch.setenv("REPLOG_PRELOAD_LLM", "1")
    config.ready()
    assert started == [True]
