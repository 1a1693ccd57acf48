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
        data["other_exercises"] = [_other(e) for e in data["other_exercises"]]
    _notes(data["notes"])
    return data


def _meta(meta: dict[str, Any]) -> None:
    for key in _META_DROPPED:
        meta.pop(key, None)
    if meta.get("trimmed"):
        # Each step summarises more than the one before: the last says how far it went.
        meta["trimmed"] = "older data summarised: " + "; ".join(meta["trimmed"])


def _catalog(catalog: dict[str, Any], *, tiered: bool) -> dict[str, Any]:
    """Names as one string per pattern (a JSON list costs a token or two more per name); by tier
    only for a foundational athlete, the one tier the rules restrict to."""
    available: dict[str, Any] = {}
    for pattern, tiers in catalog["available"].items():
        if tiered:
            available[pattern] = {tier: ", ".join(names) for tier, names in tiers.items()}
        else:
            available[pattern] = ", ".join(sorted(n for names in tiers.values() for n in names))
    out = {"available": available, "available_count": catalog["available_count"]}
    # The reason restates missing_equipment, which lists every item with its count.
    if catalog.get("missing_equipment"):
        out["missing_equipment"] = catalog["missing_equipment"]
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
    exercise["recent_sessions"] = [
        f"{s['date']} {s['sets']}" + (f" RPE{s['rpe']}" if "rpe" in s else "")
        for s in exercise.get("recent_sessions", [])
    ]
    for key in ("rpe_trend", "volume_trend"):
        exercise[key] = _trend(exercise[key])


def _trend(trend: dict[str, Any]) -> str:
    slope = f" {trend['slope']:+g}" if "slope" in trend else ""
    return f"{trend['direction']}{slope} ({trend['points']} points)"


def _other(exercise: dict[str, Any]) -> str:
    current = ", in current program" if exercise.get("in_current_program") else ""
    return f"{exercise['name']} ({exercise['sessions']} sessions{current})"


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
        f"- e1RM = weight × (1 + reps / 30) (Epley). avg_rpe and rpe_trend: the last "
        f"{stats.RPE_TREND_SESSIONS} sessions; a trend is 'direction slope (points)', the "
        f"least-squares slope, per session for RPE (rising ≥ {stats.RPE_TREND_THRESHOLD}), for "
        f"volume in % of the mean week over the last {stats.VOLUME_TREND_WEEKS} full weeks (rising "
        f"≥ {stats.VOLUME_TREND_THRESHOLD_PCT:g}); under {stats.MIN_TREND_POINTS} points: "
        "insufficient data.\n"
        "- volume: per week from Monday; tonnage = reps × weight (each-side sets × 2).\n"
        f"- completion: sets logged / prescribed in sessions logged against the program, last "
        f"{stats.ADHERENCE_WEEKS} weeks (a same-pattern swap counts); adherence: workouts vs "
        "program days per week, extra sessions do not offset a miss; streak = weeks met in a row."
        f"\n- plateau: TM (else top weight) flat over the last {stats.PLATEAU_SESSIONS} sessions "
        f"while RPE rises. body_weight: slope of the last {stats.BODY_WEIGHT_TREND_DAYS} days per "
        f"month, rapid above {stats.BODY_WEIGHT_RAPID_PCT:g} % of body weight a month.\n"
        "- Sets are written '3×5@75%' (sets × reps @ % of the training max; several loads "
        "'75/80/85%'), @BW bodyweight, /side each side, s seconds, m metres; loads without % are "
        "in profile.weight_unit. health_flags: notes naming an injury word or a sided body part; "
        "a flag without text is the note of that date and source above."
    )
