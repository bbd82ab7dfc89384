// What the list and detail views need to know about each kind of record: written
// here for students and courses, derived from the API's declarations (declared.js,
// written by `make declare`) for any other resource with a page of its own.

import { DECLARED } from "./declared.js";

export const GRADES = ["A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F"];

const SEASONS = ["WINTER", "SPRING", "SUMMER", "FALL"];

/** Terms from two years back to next year, as [value, label], oldest first. */
export function termOptions(today = new Date()) {
  const year = today.getFullYear();
  const options = [];
  for (let y = year - 2; y <= year + 1; y += 1) {
    for (const season of SEASONS) options.push([`${y}-${season}`, termLabel(`${y}-${season}`)]);
  }
  return options;
}

/** The term most likely meant today: the current one by month. */
export function currentTerm(today = new Date()) {
  const month = today.getMonth(); // 0-11
  const season = month < 2 ? "WINTER" : month < 5 ? "SPRING" : month < 8 ? "SUMMER" : "FALL";
  return `${today.getFullYear()}-${season}`;
}

/** A term's place in time, for sorting: 2026-WINTER < 2026-FALL < 2027-WINTER. */
export function termOrder(term) {
  const [year, season] = term.split("-");
  return Number(year) * SEASONS.length + SEASONS.indexOf(season);
}

/** "2026-FALL" -> "Fall 2026" */
export function termLabel(term) {
  const [year, season] = term.split("-");
  return season ? `${season.charAt(0)}${season.slice(1).toLowerCase()} ${year}` : term;
}

export function formatDate(iso) {
  if (!iso) return "—";
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(undefined, { dateStyle: "medium", timeZone: "UTC" });
}

export function formatTimestamp(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export const STUDENTS = {
  resource: "students",
  singular: "student",
  plural: "students",
  title: "Students",
  route: "#/students",
  searchable: true,
  // Mirrors api_core/search.py: the start of any word, accents and case ignored.
  searchLabel: "Search by name, email or program",
  searchPlaceholder: "e.g. lovelace, garcia, obrien",
  conflictField: "email",
  recordTitle: (s) => s.name,
  recordSubtitle: (s) => s.email,
  columns: [
    { label: "Name", value: (s) => s.name, primary: true },
    { label: "Email", value: (s) => s.email },
    { label: "Program", value: (s) => s.program ?? "—", csv: (s) => s.program },
  ],
  details: [
    { label: "Email", value: (s) => s.email },
    { label: "Program", value: (s) => s.program ?? "Not set" },
    { label: "Date of birth", value: (s) => (s.date_of_birth ? formatDate(s.date_of_birth) : "Not set") },
  ],
  fields: [
    { name: "name", label: "Full name", required: true, autocomplete: "off", maxlength: 100, wide: true },
    {
      name: "email",
      label: "Email",
      type: "email",
      required: true,
      maxlength: 254,
      spellcheck: "false",
      autocapitalize: "off",
      hint: "Used to tell students apart; two students cannot share one.",
      wide: true,
    },
    { name: "program", label: "Program", maxlength: 100, placeholder: "e.g. Computer Science" },
    { name: "date_of_birth", label: "Date of birth", type: "date", min: "1900-01-01" },
  ],
  empty: {
    title: "No students yet",
    text: "Add your first student to start enrolling them in courses.",
  },
  deleteRefused: (s) =>
    `${s.name} is still enrolled in one or more courses, so the record was kept. Remove their enrollments first, then delete the student.`,
};

export const COURSES = {
  resource: "courses",
  singular: "course",
  plural: "courses",
  title: "Courses",
  route: "#/courses",
  searchable: true,
  searchLabel: "Search by code or title",
  searchPlaceholder: "e.g. math 201, algebra",
  conflictField: "code",
  recordTitle: (c) => `${c.code} · ${c.title}`,
  recordSubtitle: (c) => `${c.credits} ${c.credits === 1 ? "credit" : "credits"}`,
  columns: [
    { label: "Code", value: (c) => c.code, primary: true },
    { label: "Title", value: (c) => c.title },
    { label: "Credits", value: (c) => String(c.credits), numeric: true },
  ],
  details: [
    { label: "Code", value: (c) => c.code },
    { label: "Credits", value: (c) => String(c.credits) },
  ],
  fields: [
    {
      name: "code",
      label: "Course code",
      required: true,
      maxlength: 13,
      autocapitalize: "characters",
      spellcheck: "false",
      hint: "Letters then digits, like CS101. Saved without spaces or hyphens.",
      formatHint: "Use 2–8 letters followed by up to 4 digits, like CS101.",
    },
    {
      name: "credits",
      label: "Credits",
      type: "number",
      required: true,
      min: 1,
      max: 20,
      inputmode: "numeric",
      formatHint: "Enter a whole number of credits from 1 to 20.",
    },
    { name: "title", label: "Title", required: true, maxlength: 200, wide: true },
  ],
  empty: {
    title: "No courses yet",
    text: "Create a course, then enroll students in it.",
  },
  deleteRefused: (c) =>
    `${c.code} still has students enrolled, so the course was kept. Remove those enrollments first, then delete the course.`,
};

const WRITTEN = { students: STUDENTS, courses: COURSES };

/** The resources with a page of their own, in the order they are declared. */
export const PAGES = DECLARED.filter((d) => d.page).map((d) => ({ ...(WRITTEN[d.resource] ?? fromDeclaration(d)), sorts: d.sorts ?? [] }));

/** A page's description from the declaration alone: its fields, in the model's order. */
function fromDeclaration(d) {
  const show = (value) => (value === null || value === undefined || value === "" ? "—" : String(value));
  const label = (name) => d.fields.find((f) => f.name === name)?.label.toLowerCase() ?? name;
  const [first, second] = d.fields;
  const plural = d.title.toLowerCase();
  return {
    resource: d.resource,
    singular: d.singular,
    plural,
    title: d.title,
    route: `#/${d.resource}`,
    searchable: d.searchFields.length > 0,
    searchLabel: `Search by ${d.searchFields.map(label).join(" or ")}`,
    searchPlaceholder: capitalised(d.searchFields.map(label).join(" or ")),
    conflictField: d.uniqueFields[0],
    recordTitle: (r) => show(r[first.name]),
    recordSubtitle: (r) => (second ? show(r[second.name]) : ""),
    columns: d.fields.slice(0, 3).map((f, i) => ({
      label: f.label,
      value: (r) => show(r[f.name]),
      csv: (r) => r[f.name],
      primary: i === 0,
      numeric: f.type === "number",
    })),
    details: d.fields.slice(1).map((f) => ({ label: f.label, value: (r) => show(r[f.name]) })),
    fields: d.fields.map((f) => ({ ...f, wide: !f.type && (f.maxlength ?? Infinity) > 100 })),
    empty: { title: `No ${plural} yet`, text: `Add the first ${d.singular}.` },
    deleteRefused: (r) => `Other records still point at ${show(r[first.name])}, so it was kept. Remove them first.`,
  };
}

function capitalised(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * What an import file of each kind holds (the API's api_core/imports/kinds.py): its
 * columns, in a header row, and which record a row updates instead of adding one.
 */
export const IMPORT_KINDS = {
  students: {
    label: "Students",
    singular: "student",
    plural: "students",
    columns: [
      { name: "name", note: "required" },
      { name: "email", note: "required" },
      { name: "program", note: "optional" },
      { name: "date_of_birth", note: "optional, like 2004-09-30" },
    ],
    updates: "A row with the email of a student already here updates that student.",
  },
  courses: {
    label: "Courses",
    singular: "course",
    plural: "courses",
    columns: [
      { name: "code", note: "required, like CS101" },
      { name: "title", note: "required" },
      { name: "credits", note: "required, 1 to 20" },
    ],
    updates: "A row with the code of a course already here updates that course.",
  },
  enrollments: {
    label: "Enrollments",
    singular: "enrollment",
    plural: "enrollments",
    columns: [
      { name: "student_email", note: "required, a student’s email" },
      { name: "course_code", note: "required, a course’s code" },
      { name: "term", note: "required, like 2026-FALL" },
      { name: "grade", note: "optional, A+ to F" },
    ],
    updates: "Import students and courses first. A row for an enrollment already here (same student, course and term) updates its grade.",
  },
};
