"""The feedback loop: what coaches change in drafts, learned as preferences.

derive.py reads approved runs' edit diffs and rejection reasons (pure); models.py keeps the
learned preferences with counts, dates and a "cleared" flag; services.py refreshes them when a
run is decided; selectors.py gives the packet its "coach preferences" section; apply.py
pre-applies the stable swaps to a fresh draft (called from generation.engines.dispatch);
quality.py computes the generation-quality page in a constant number of queries.
"""
