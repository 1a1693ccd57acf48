from __future__ import annotations

from django_tasks import task

from generation.runs.execute import generation_execute


@task()
def execute_generation_run(run_id: int) -> str:
    """Worker entry point; the service guards against running a run twice."""
    return generation_execute(run_id=run_id)
