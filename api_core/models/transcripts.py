"""A student's transcript: per term the courses, credits and GPAs (output only)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TranscriptCourse(BaseModel):
    course_id: str
    code: str
    title: str
    credits: int
    grade: str | None = Field(description="Letter grade; null while ungraded")


class Standing(BaseModel):
    credits_attempted: int = Field(description="Credits of every course, graded or not")
    credits_earned: int = Field(description="Credits of courses graded D- or better")
    gpa_credits: int = Field(description="Credits of graded courses: the GPA's denominator")
    quality_points: float = Field(description="Sum of grade points times credits")


class TranscriptTerm(Standing):
    term: str
    courses: list[TranscriptCourse]
    term_gpa: float | None = Field(description="This term's GPA, 2 decimals; null if ungraded")
    cumulative_gpa: float | None = Field(
        description="GPA over this term and every earlier one, 2 decimals"
    )


class Transcript(Standing):
    student_id: str
    terms: list[TranscriptTerm] = Field(description="Oldest term first")
    gpa: float | None = Field(description="Cumulative GPA over every term, 2 decimals")
