// The API's resources for the page, written by `make declare` from api_core/resources.py.
export const DECLARED = [
  {
    "resource": "students",
    "singular": "student",
    "title": "Students",
    "page": true,
    "searchFields": [
      "name",
      "email",
      "program"
    ],
    "sorts": [
      "name"
    ],
    "references": {},
    "uniqueFields": [
      "email"
    ],
    "fields": [
      {
        "name": "name",
        "label": "Name",
        "maxlength": 100,
        "minlength": 1,
        "required": true
      },
      {
        "name": "email",
        "label": "Email",
        "type": "email",
        "maxlength": 254,
        "required": true
      },
      {
        "name": "program",
        "label": "Program",
        "maxlength": 100,
        "minlength": 1
      },
      {
        "name": "date_of_birth",
        "label": "Date of birth",
        "type": "date"
      }
    ]
  },
  {
    "resource": "courses",
    "singular": "course",
    "title": "Courses",
    "page": true,
    "searchFields": [
      "code",
      "title"
    ],
    "sorts": [
      "code"
    ],
    "references": {},
    "uniqueFields": [
      "code"
    ],
    "fields": [
      {
        "name": "code",
        "label": "Code",
        "required": true
      },
      {
        "name": "title",
        "label": "Title",
        "maxlength": 200,
        "minlength": 1,
        "required": true
      },
      {
        "name": "credits",
        "label": "Credits",
        "type": "number",
        "min": 1,
        "max": 20,
        "required": true
      }
    ]
  },
  {
    "resource": "enrollments",
    "singular": "enrollment",
    "title": "Enrollments",
    "page": false,
    "searchFields": [],
    "sorts": [],
    "references": {
      "student_id": "students",
      "course_id": "courses"
    },
    "uniqueFields": [
      "student_id",
      "course_id",
      "term"
    ],
    "fields": [
      {
        "name": "student_id",
        "label": "Student id",
        "required": true
      },
      {
        "name": "course_id",
        "label": "Course id",
        "required": true
      },
      {
        "name": "term",
        "label": "Term",
        "required": true
      },
      {
        "name": "grade",
        "label": "Grade",
        "type": "select",
        "options": [
          [
            "A+",
            "A+"
          ],
          [
            "A",
            "A"
          ],
          [
            "A-",
            "A-"
          ],
          [
            "B+",
            "B+"
          ],
          [
            "B",
            "B"
          ],
          [
            "B-",
            "B-"
          ],
          [
            "C+",
            "C+"
          ],
          [
            "C",
            "C"
          ],
          [
            "C-",
            "C-"
          ],
          [
            "D+",
            "D+"
          ],
          [
            "D",
            "D"
          ],
          [
            "D-",
            "D-"
          ],
          [
            "F",
            "F"
          ]
        ],
        "placeholder": ""
      }
    ]
  }
];
