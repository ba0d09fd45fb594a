"""Defects found on the third round of student, instructor and new-user journeys, each pinned
where it was found: the grader's library function or the installed `examgen`."""
import math

import pytest

from examgen import grade

# ---------------------------------------------------------------- 1: a coefficient before each log

@pytest.mark.parametrize("typed, shape, values", [
    # one row per line, as a block: a difference of logs each with its coefficient
    ("0  32/45 ln(2) - 32/45 ln(3)\n0  0", (2, 2), [0, 32 / 45 * math.log(2 / 3), 0, 0]),
    ("0  32/45 ln(2/3)\n0  0", (2, 2), [0, 32 / 45 * math.log(2 / 3), 0, 0]),
    ("[1/2 ln(2) + 1/3 ln(3) 0]", (2,), [math.log(2) / 2 + math.log(3) / 3, 0]),
    ("[ln(2) - 32/45 ln(3) 0]", (2,), [math.log(2) - 32 / 45 * math.log(3), 0]),
    ("[32/45 ln(3/2) 0]", (2,), [32 / 45 * math.log(3 / 2), 0]),          # the single function, as before
    ("[2 ln(3) 0]", (3,), [2, math.log(3), 0]),                           # MATLAB's count fits: its reading
])
def test_a_coefficient_before_a_sum_or_difference_of_logs_is_read(typed, shape, values):
    floats, _, bad, messages = grade.read_numbers(typed, "dL_dW1", shape)
    assert not messages and not bad.any()
    assert floats.ravel().tolist() == pytest.approx(values)


@pytest.mark.parametrize("typed, shape", [
    ("0  32/45 ln(2) -32/45 ln(3)\n0  0", (2, 2)),   # -32/45 ln(3): a third entry, or the difference?
    ("0  32/45 ln(2) - 32/45 ln(3)", (3,)),            # no reading has three entries
])
def test_a_row_no_reading_tells_apart_is_refused_saying_to_type_commas(typed, shape):
    floats, _, bad, messages = grade.read_numbers(typed, "dL_dW1", shape)
    assert bad.all() and len(messages) == 1
    assert "put commas between" in messages[0], messages[0]
    assert ("a row per bracket" in messages[0]) == (len(shape) == 2)
