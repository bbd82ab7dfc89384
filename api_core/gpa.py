"""Grade points and the GPA arithmetic of a transcript: pure functions, no database.

Points are kept in tenths (A- is 37), so sums of points times credits are exact
integers; a GPA is divided and rounded once, half up, to two decimals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# The usual 4.0 scale; A+ counts the same as A.
POINTS_IN_TENTHS: dict[str, int] = {
    "A+": 40,
    "A": 40,
    "A-": 37,
    "B+": 33,
    "B": 30,
    "B-": 27,
    "C+": 23,
    "C": 20,
    "C-": 17,
    "D+": 13,
    "D": 10,
    "D-": 7,
    "F": 0,
}
FAILING = "F"
SEASONS = ("WINTER", "SPRING", "SUMMER", "FALL")  # their order within a year


def term_order(term: str) -> tuple[int, int]:
    """Sort key of a "YYYY-SEASON" term: by year, then WINTER < SPRING < SUMMER < FALL."""
    year, season = term.split("-", 1)
    return int(year), SEASONS.index(season)


@dataclass(frozen=True)
class Tally:
    """Credits and grade points summed over some courses."""

    attempted: int = 0
    earned: int = 0
    graded: int = 0  # credits of graded courses: the GPA's denominator
    points_tenths: int = 0  # sum of points (in tenths) times credits

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.attempted + other.attempted,
            self.earned + other.earned,
            self.graded + other.graded,
            self.points_tenths + other.points_tenths,
        )

    @property
    def quality_points(self) -> float:
        return float(Decimal(self.points_tenths) / 10)

    @property
    def gpa(self) -> float | None:
        """The GPA rounded half up to 2 decimals; None when nothing is graded."""
        if self.graded == 0:
            return None
        exact = Decimal(self.points_tenths) / (10 * self.graded)
        return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def tally_course(credits: int, grade: str | None) -> Tally:
    """One course: attempted always; earned unless failed or ungraded; in the GPA if graded."""
    if grade is None:
        return Tally(attempted=credits)
    earned = 0 if grade == FAILING else credits
    return Tally(credits, earned, credits, POINTS_IN_TENTHS[grade] * credits)


def tally(courses: Iterable[tuple[int, str | None]]) -> Tally:
    return sum((tally_course(credits, grade) for credits, grade in courses), Tally())
