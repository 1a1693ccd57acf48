"""Today's session, adjusted: a readiness check-in and the logbook in, a suggestion out.

inputs (snapshot, constant queries) → formula (pure) | llm (bounded answer) | hybrid →
hard constraints (pure, ordered) → service (records it) → views / command. A person decides:
nothing here changes a program or logs a workout without the coach or athlete accepting it.
"""
