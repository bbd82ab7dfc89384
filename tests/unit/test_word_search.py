"""Issue 12, item 1: search finds people (and courses) by the start of any word."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api_core.devtools.builders import course_body, student_body
from api_core.search import MAX_TERMS, PREFIX_LENGTH, query_words, search_copies, search_terms

PEOPLE = {
    "ada": ("Ada Lovelace", "countess@example.edu", "Mathematics"),
    "anders": ("Anders Ångström", "a.angstrom@uu.example", "Physics"),
    "gabriel": ("Gabriel García Márquez", "gabo@example.org", None),
    "conan": ("Conan O'Brien", "conan.obrien@example.com", None),
    "jean": ("Jean-Luc Picard", "captain@example.net", None),
    "grace": ("Grace Hopper", "grace.hopper@navy.example", "Computer Science"),
    "bjorn": ("Bjørn Łukasz", "bjorn@example.org", None),
}


@pytest.fixture
def people(client: TestClient) -> dict[str, str]:
    ids = {}
    for key, (name, email, program) in PEOPLE.items():
        body = student_body(name=name, email=email, **({"program": program} if program else {}))
        response = client.post("/api/students", json=body)
        assert response.status_code == 201
        ids[key] = response.json()["id"]
    return ids


def found(client: TestClient, q: str, resource: str = "students") -> list[str]:
    response = client.get(f"/api/{resource}", params={"q": q, "limit": 100})
    assert response.status_code == 200
    return [record["id"] for record in response.json()["items"]]


@pytest.mark.parametrize(
    ("q", "who"),
    [
        ("lovelace", ["ada"]),
        ("LOVE", ["ada"]),
        ("angstrom", ["anders"]),
        ("Ångström", ["anders"]),
        ("ÅNGS", ["anders"]),
        ("García", ["gabriel"]),
        ("garcia", ["gabriel"]),
        ("marquez", ["gabriel"]),
        ("obrien", ["conan"]),
        ("O'Brien", ["conan"]),
        ("o’brien", ["conan"]),  # a typographic apostrophe
        ("brien", ["conan"]),
        ("o brien", ["conan"]),
        ("jean-luc", ["jean"]),
        ("jeanluc", ["jean"]),
        ("jean luc", ["jean"]),
        ("luc", ["jean"]),
        ("picard jean", ["jean"]),
        ("bjorn", ["bjorn"]),
        ("lukasz", ["bjorn"]),
        ("ａｄａ", ["ada"]),  # fullwidth
    ],
)
def test_list_students_q_finds_any_word_of_the_name(
    client: TestClient, people: dict[str, str], q: str, who: list[str]
) -> None:
    assert found(client, q) == [people[key] for key in who]


@pytest.mark.parametrize(
    ("q", "who"),
    [
        ("countess", ["ada"]),  # the email's local part
        ("hopper", ["grace"]),  # a word of the local part
        ("grace.hop", ["grace"]),
        ("conan.obrien@example.c", ["conan"]),  # the whole address still matches by its start
        ("navy", []),  # the domain's words are not terms
        ("example", []),
        ("science", ["grace"]),  # the program
        ("comp sci", ["grace"]),
        ("physics", ["anders"]),
    ],
)
def test_list_students_q_finds_email_local_part_and_program(
    client: TestClient, people: dict[str, str], q: str, who: list[str]
) -> None:
    assert found(client, q) == [people[key] for key in who]


def test_list_students_q_of_several_words_needs_each_in_the_same_field(
    client: TestClient, people: dict[str, str]
) -> None:
    byron = client.post("/api/students", json=student_body(name="Ada Byron")).json()["id"]

    assert found(client, "ada love") == [people["ada"]]
    assert found(client, "ada") == [people["ada"], byron]
    assert found(client, "ada physics") == []  # name and program are searched apart
    assert found(client, "lovelace ada lovelace") == [people["ada"]]


def test_list_students_q_pages_through_word_matches(client: TestClient) -> None:
    ids = [
        client.post("/api/students", json=student_body(name=f"Maria {n} O'Neil")).json()["id"]
        for n in range(5)
    ]
    pages, cursor = [], None
    while True:
        params = {"q": "oneil", "limit": 2, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/students", params=params).json()
        pages.append([s["id"] for s in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert pages == [ids[0:2], ids[2:4], ids[4:5]]


def test_list_students_q_forgets_a_cleared_program(client: TestClient) -> None:
    body = student_body(name="Emmy Noether", program="Mathematics")
    emmy = client.post("/api/students", json=body).json()["id"]
    assert found(client, "mathem") == [emmy]

    client.patch(f"/api/students/{emmy}", json={"program": None})

    assert found(client, "mathem") == []
    client.patch(f"/api/students/{emmy}", json={"program": "Algebra"})
    assert found(client, "algebra") == [emmy]


def test_list_courses_q_finds_code_however_spelled_and_any_word_of_the_title(
    client: TestClient,
) -> None:
    algebra = client.post(
        "/api/courses", json=course_body(code="MATH201", title="Linear Algebra")
    ).json()["id"]
    client.post("/api/courses", json=course_body(code="CS101", title="Programming"))

    for q in ("math201", "MATH 201", "math-201", "201", "math", "algebra", "linear alg"):
        assert found(client, q, "courses") == [algebra], q
    assert found(client, "2010", "courses") == []
    assert found(client, "gebra", "courses") == []  # the start of a word, not any part


def test_search_terms_split_punctuation_and_keep_the_joined_word() -> None:
    assert search_terms("Conan O'Brien") == ["conan", "obrien", "o", "brien"]
    assert search_terms("García-Márquez") == ["garciamarquez", "garcia", "marquez"]
    assert search_terms("ada.lovelace@example.edu") == ["adalovelaceexampleedu", "ada", "lovelace"]
    assert search_terms("MATH201") == ["math201", "math", "201"]
    assert query_words("  O'Brien   ada!  ") == ["obrien", "ada"]
    assert query_words("...") == []


def test_search_copies_are_bounded_per_field() -> None:
    many_words = " ".join(f"Name{chr(65 + n)}" for n in range(20))  # 20 words, 99 characters
    long_words = " ".join([f"{letter * 20}" for letter in "abcd"])

    assert len(search_terms(many_words)) == MAX_TERMS
    for value in (many_words, long_words):
        prefixes = search_copies("name", value)["name_prefixes"]
        # Each term: its first PREFIX_LENGTH prefixes, and itself when longer.
        assert len(prefixes) <= MAX_TERMS * (PREFIX_LENGTH + 1)
        assert len(prefixes) == len(set(prefixes))
    assert "a" * 20 in search_copies("name", long_words)["name_prefixes"]
    assert len(search_copies("name", long_words)["name_prefixes"]) == 4 * (PREFIX_LENGTH + 1)
