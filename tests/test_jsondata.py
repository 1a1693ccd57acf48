from __future__ import annotations

import copy

from hypothesis import given
from hypothesis import strategies as st

from replog.jsondata import copy_json

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@given(json_values)
def test_a_copy_equals_the_original_and_shares_no_container(value: object) -> None:
    copied = copy_json(value)
    assert copied == value
    assert copied == copy.deepcopy(value)

    def containers(v: object) -> list[int]:
        if isinstance(v, dict):
            return [id(v), *(i for x in v.values() for i in containers(x))]
        if isinstance(v, list):
            return [id(v), *(i for x in v for i in containers(x))]
        return []

    assert not set(containers(copied)) & set(containers(value))


def test_changing_the_copy_leaves_the_original_alone() -> None:
    draft = {"programs": [{"prescribed_sets": [{"reps": 5, "notes": ["a"]}]}]}
    copied = copy_json(draft)
    copied["programs"][0]["prescribed_sets"][0]["reps"] = 3
    copied["programs"][0]["prescribed_sets"][0]["notes"].append("b")
    copied["programs"].append({})
    assert draft == {"programs": [{"prescribed_sets": [{"reps": 5, "notes": ["a"]}]}]}
