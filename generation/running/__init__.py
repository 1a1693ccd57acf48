"""Running plans: a deterministic plan engine (profile → targets → days → distances, checked by
named invariants after every step) and an optional LLM coach layer that may only write words.

Pipeline: `profile` (the athlete's logged runs) → `plan` (what the coach asked for) →
`targets` (weekly distances and week types) → `days` (the role pattern) → `distances`
(each run's metres) → `invariants` (check and repair) → `coach_layer` (text) → `to_catalog`.
`engine.running_draft` runs it as a generation engine; `services` requests and approves plans.
"""
