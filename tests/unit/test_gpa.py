"""The GPA arithmetic of transcripts: grade points, credits, rounding, term order."""

from __future__ import annotations

import pytest

from api_core.gpa import POINTS_IN_TENTHS, Tally, tally, tally_course, term_order
from api_core.models.enrollments import Grade


def test_points_cover_every_grade_the_api_accepts() -> None:
    assert set(POINTS_IN_TENTHS) == set(Grade.__args__)


@pytest.mark.parametrize(
    ("grade", "gpa"),
    [
        ("A+", 4.0),
        ("A", 4.0),
        ("A-", 3.7),
        ("B+", 3.3),
        ("B", 3.0),
        ("B-", 2.7),
        ("C+", 2.3),
        ("C", 2.0),
        ("C-", 1.7),
        ("D+", 1.3),
        ("D", 1.0),
        ("D-", 0.7),
        ("F", 0.0),
    ],
)
def test_tally_one_graded_course_gpa_is_its_grade_points(grade: str, gpa: float) -> None:
    assert tally_course(4, grade).gpa == gpa


def test_tally_weights_grades_by_credits() -> None:
    # (4.0 * 5 + 2.7 * 3) / 8 = 28.1 / 8 = 3.5125
    sums = tally([(5, "A"), (3, "B-")])

    assert sums == Tally(attempted=8, earned=8, graded=8, points_tenths=281)
    assert sums.quality_points == 28.1
    assert sums.gpa == 3.51


def test_tally_ungraded_course_is_attempted_but_neither_earned_nor_in_gpa() -> None:
    sums = tally([(6, "B"), (4, None)])

    assert (sums.attempted, sums.earned, sums.graded) == (10, 6, 6)
    assert sums.gpa == 3.0


def test_tally_failed_course_earns_nothing_but_counts_in_gpa() -> None:
    sums = tally([(6, "A"), (2, "F")])

    assert (sums.attempted, sums.earned, sums.graded) == (8, 6, 8)
    assert sums.gpa == 3.0  # 24 / 8


def test_tally_passing_d_minus_earns_its_credits() -> None:
    assert tally_course(3, "D-").earned == 3


def test_tally_nothing_graded_has_no_gpa() -> None:
    assert tally([(3, None)]).gpa is None
    assert tally([]).gpa is None
    assert tally([]) == Tally()


def test_gpa_rounds_half_up_on_the_exact_value() -> None:
    # (4.0 * 3 + 3.7) / 4 = 3.925 exactly; in floats round(15.7 / 4, 2) gives 3.92.
    assert tally([(1, "A"), (1, "A"), (1, "A"), (1, "A-")]).gpa == 3.93
    # 3.7 + 2.3 + 2.0 over 3: 8.0 / 3 = 2.666... rounds up
    assert tally([(1, "A-"), (1, "C+"), (1, "C")]).gpa == 2.67


def test_term_order_is_by_year_then_winter_spring_summer_fall() -> None:
    terms = ["2026-FALL", "2027-WINTER", "2026-SPRING", "2026-SUMMER", "2026-WINTER"]

    assert sorted(terms, key=term_order) == [
        "2026-WINTER",
        "2026-SPRING",
        "2026-SUMMER",
        "2026-FALL",
        "2027-WINTER",
    ]
