"""The packet as the LLM gets it: the same data in fewer tokens (issue 16, "Prompt size").

`packet_json` is the stored, round-trippable form; `prompt_json` is what is sent. It leaves out
what only RepLog reads (ids, token bookkeeping), what the packet says twice (a health flag's text
that is also a note's, the cycle goal in the profile and the program, the tier of exercises
when the athlete's tier allows every tier) and writes long lists as short strings. Everything the
model decides on stays: the rules engine reads the Packet object, not this text.
"""

from __future__ import annotations

import json
from typing import Any

from athletes import stats
from generation.packet.models import Packet

# Read by RepLog (audit, budget) and of no use to the model.
_META_DROPPED = ("athlete_id", "token_budget", "token_estimate", "catalog_tokens",
                 "token_counter", "definitions", "over_budget")  # fmt: skip
_PROGRAM_DROPPED = ("template_id", "assignment_id", "position")


def prompt_json(packet: Packet) -> str:
    """Compact JSON of the packet for the prompt, `<` and `>` left as they are (escaped by the
    prompt)."""
    return json.dumps(prompt_dict(packet), ensure_ascii=False, separators=(",", ":"))


def prompt_dict(packet: Packet) -> dict[str, Any]:
    data: dict[str, Any] = packet.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    _meta(data["meta"])
    data["catalog"] = _catalog(data["catalog"], tiered=packet.profile.tier == "foundational")
    if "current_program" in data:
        _program(data["current_program"], data["profile"])
    for exercise in data.get("exercises", []):
        _exercise(exercise)
    if "other_exercises" in data:
        data["other_exercises"] = _others(data["other_exercises"])
    for key in ("supplemental_programs", "prior_programs"):
        if key in data:
            data[key] = [_other_program(p) for p in data[key]]
    _adherence(data["adherence"])
    if "body_weight" in data:
        _body_weight(data["body_weight"])
    _notes(data["notes"])
    return data


def _meta(meta: dict[str, Any]) -> None:
    for key in _META_DROPPED:
        meta.pop(key, None)
    if meta.get("trimmed"):
        # Each step summarises more than the one before: the last says how far it went.
        meta["trimmed"] = f"older data summarised, down to: {meta['trimmed'][-1]}"


def _catalog(catalog: dict[str, Any], *, tiered: bool) -> dict[str, Any]:
    """Names as one string per pattern (a JSON list costs a token or two more per name); by tier
    only for a foundational athlete, the one tier the rules restrict to."""
    available: dict[str, Any] = {}
    for pattern, tiers in catalog["available"].items():
        if tiered:
            available[pattern] = {tier: ", ".join(names) for tier, names in tiers.items()}
        else:
            available[pattern] = ", ".join(sorted(n for names in tiers.values() for n in names))
    # What the athlete lacks is for the coach (the panel); the model needs what they can do.
    out = {"available": available, "available_count": catalog["available_count"]}
    if catalog.get("filtered_out_count"):
        out["filtered_out_count"] = catalog["filtered_out_count"]
    return out


def _program(program: dict[str, Any], profile: dict[str, Any]) -> None:
    for key in _PROGRAM_DROPPED:
        program.pop(key, None)
    if program.get("cycle_goal") == profile.get("cycle_goal"):
        program.pop("cycle_goal", None)
    program["days"] = {str(d["day"]): d["exercises"] for d in program.get("days", [])}


def _exercise(exercise: dict[str, Any]) -> None:
    if exercise.get("plateau") == {"flagged": False}:
        del exercise["plateau"]
    if "tm_history" in exercise:
        exercise["tm_history"] = ", ".join(f"{d} {v}" for d, v in exercise["tm_history"])
    # Said by what is shown: the count not shown is sessions less those listed; the last date
    # is the first listed session's.
    exercise.pop("older_sessions_not_shown", None)
    recent = exercise.get("recent_sessions", [])
    if recent and exercise.get("last_date") == recent[0]["date"]:
        del exercise["last_date"]
    exercise["recent_sessions"] = [
        f"{s['date']} {s['sets']}" + (f" RPE{s['rpe']}" if "rpe" in s else "")
        for s in exercise.get("recent_sessions", [])
    ]
    for key, window in (("rpe_trend", stats.RPE_TREND_SESSIONS),
                        ("volume_trend", stats.VOLUME_TREND_WEEKS)):  # fmt: skip
        exercise[key] = _trend(exercise[key], window)
    if "completion" in exercise:
        exercise["completion"] = _completion(exercise["completion"])


def _completion(c: dict[str, Any]) -> str:
    rate = f"{c['rate_pct']} %: " if "rate_pct" in c else ""
    extra = f", {c['extra_sets']} extra" if c.get("extra_sets") else ""
    skipped = f", {c['sessions_skipped']} skipped" if c.get("sessions_skipped") else ""
    return (
        f"{rate}{c['logged_sets']}/{c['prescribed_sets']} sets{extra} in {c['sessions']} "
        f"sessions{skipped}"
    )


def _trend(trend: dict[str, Any], window: int) -> str:
    """'rising +0.17', with '(5 points)' only when fewer than the full window."""
    slope = f" {trend['slope']:+g}" if "slope" in trend else ""
    points = f" ({trend['points']} points)" if trend["points"] != window else ""
    return f"{trend['direction']}{slope}{points}"


def _others(exercises: list[dict[str, Any]]) -> dict[str, str]:
    """Name (sessions logged), those of the current program apart."""
    out: dict[str, list[str]] = {}
    for e in exercises:
        group = "in_current_program" if e.get("in_current_program") else "not_in_program"
        out.setdefault(group, []).append(f"{e['name']} ({e['sessions']})")
    return {group: ", ".join(names) for group, names in out.items()}


def _other_program(p: dict[str, Any]) -> str:
    ended = f" to {p['end_date']}" if "end_date" in p else ""
    how = f", {p['ended']}" if p.get("ended") else ""
    return (
        f"{p['name']} ({p['role']}, {p['start_date']}{ended}{how}, "
        f"{p.get('sessions_logged', 0)} sessions logged)"
    )


def _adherence(adherence: dict[str, Any]) -> None:
    adherence["missed_weeks"] = [
        f"{w['week']} {w['logged']}/{w['prescribed']}"
        + (": " + " | ".join(w["reasons"]) if w.get("reasons") else "")
        for w in adherence.get("missed_weeks", [])
    ]


def _body_weight(body_weight: dict[str, Any]) -> None:
    series = body_weight.get("series", [])
    if series and body_weight.get("latest") == series[-1]:
        del body_weight["latest"]  # the series ends with it


def _notes(notes: dict[str, Any]) -> None:
    for note in notes.get("pinned", []):
        note.pop("pinned", None)  # the list says it
    written = {
        n["text"]
        for key in ("pinned", "recent", "reviews", "workout_notes")
        for n in notes.get(key, [])
    }
    for flag in notes.get("health_flags", []):
        if flag["text"] in written:
            flag.pop("text")  # the note of that date and source, shown above


def packet_key() -> str:
    """How to read the packet, said once in the system message rather than in every packet."""
    return (
        "# Reading the packet\n"
        "e1RM = weight × (1 + reps / 30). Trends: 'direction slope', least-squares ('(n points)' "
        "when short of the window), "
        f"RPE per session over the last {stats.RPE_TREND_SESSIONS} sessions (rising ≥ "
        f"{stats.RPE_TREND_THRESHOLD}; avg_rpe over the same sessions), volume in % of the mean "
        f"week over {stats.VOLUME_TREND_WEEKS} full weeks (rising ≥ "
        f"{stats.VOLUME_TREND_THRESHOLD_PCT:g}). Weeks start on Monday; tonnage = reps × weight. "
        f"completion = sets logged / prescribed, adherence = workouts / program days, both over "
        f"{stats.ADHERENCE_WEEKS} weeks. plateau: TM flat over {stats.PLATEAU_SESSIONS} "
        f"sessions while RPE rises. Body weight rapid above {stats.BODY_WEIGHT_RAPID_PCT:g} % a "
        "month. Sets: '3×5@75%' = sets × reps @ % of TM ('70/75/80%' per set), @BW bodyweight, "
        "/side, s seconds, m metres; other loads in weight_unit. A health flag without text is "
        "the note of that date above."
    )
