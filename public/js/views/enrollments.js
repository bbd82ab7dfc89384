// Enrollments seen from a student: enroll, grade, remove. A course's roster is in roster.js.

import * as api from "../api.js";
import { canWrite } from "../auth.js";
import { confirmDialog } from "../dialog.js";
import { focus, h, icon, replace } from "../dom.js";
import { buildForm } from "../form.js";
import { describe } from "../messages.js";
import { GRADES, currentTerm, termLabel, termOptions, termOrder } from "../resources.js";
import { toast } from "../toast.js";

const GRADE_OPTIONS = GRADES.map((g) => [g, g]);

/** The student page's panel: the enroll form and the student's enrollments. */
export async function studentEnrollments(container, student) {
  const courses = new Map(); // id -> course, for titles and credits
  const heading = h("h2", { class: "section-title", id: "enrollments-title", tabindex: "-1" }, "Enrollments");
  const summary = h("p", { class: "section-subtitle", role: "status" });
  const list = h("ul", { class: "enrollments", "aria-labelledby": "enrollments-title" });
  const formArea = h("div", { class: "enroll" });
  let enrollments = [];

  replace(
    container,
    h("section", { class: "card" }, h("header", { class: "section-header" }, h("div", {}, heading, summary)), canWrite() ? formArea : null, list),
  );
  replace(list, h("li", { class: "skeleton" }, h("div", { class: "skeleton__row" })));
  // Tells views beside this one (the transcript) that an enrollment or grade changed.
  const changed = () => container.dispatchEvent(new CustomEvent("enrollments:changed", { bubbles: true }));

  try {
    const [allCourses, mine] = await Promise.all([
      api.listAll("courses"),
      api.listAll("enrollments", { student_id: student.id }),
    ]);
    for (const course of allCourses) courses.set(course.id, course);
    await loadMissingCourses(mine);
    enrollments = mine;
  } catch (error) {
    replace(list, h("li", { class: "empty empty--error" }, icon("alert"), h("p", {}, describe(error))));
    return;
  }
  if (canWrite()) buildEnrollForm();
  render();

  async function loadMissingCourses(items) {
    const missing = [...new Set(items.map((e) => e.course_id))].filter((id) => !courses.has(id));
    const found = await Promise.all(missing.map((id) => api.get("courses", id).then((r) => r.data, () => null)));
    for (const course of found) if (course) courses.set(course.id, course);
  }

  function buildEnrollForm() {
    if (courses.size === 0) {
      replace(formArea, h("p", { class: "notice" }, "There are no courses yet. ", h("a", { href: "#/courses" }, "Create a course"), " to enroll this student."));
      return;
    }
    const sorted = [...courses.values()].sort((a, b) => a.code.localeCompare(b.code));
    const form = buildForm({
      idPrefix: "enroll",
      submitLabel: "Enroll",
      fields: [
        { name: "course_id", label: "Course", type: "select", required: true, placeholder: "Choose a course…", formatHint: "Choose a course.", options: sorted.map((c) => [c.id, `${c.code} · ${c.title}`]), wide: true },
        { name: "term", label: "Term", type: "select", required: true, options: termOptions().map(([value, label]) => [value, label]) },
        { name: "grade", label: "Grade", type: "select", placeholder: "No grade yet", options: GRADE_OPTIONS },
      ],
      async onSubmit(values) {
        const body = { student_id: student.id, course_id: values.course_id ?? "", term: values.term };
        if (values.grade) body.grade = values.grade;
        try {
          const { data } = await api.create("enrollments", body);
          enrollments.push(data);
          render();
          changed();
          const course = courses.get(data.course_id);
          toast(`Enrolled in ${course.code} for ${termLabel(data.term)}.`);
          form.setValues({ term: values.term });
          form.focusFirst();
        } catch (error) {
          form.showError(error);
        }
      },
    });
    form.setValues({ term: currentTerm() });
    form.form.classList.add("form--inline");
    replace(formArea, h("h3", { class: "subsection-title" }, "Enroll in a course"), form.form);
  }

  function render() {
    const credits = enrollments.reduce((sum, e) => sum + (courses.get(e.course_id)?.credits ?? 0), 0);
    summary.textContent = enrollments.length
      ? `${enrollments.length} ${enrollments.length === 1 ? "course" : "courses"} · ${credits} credits`
      : "Not enrolled in any course yet.";
    if (enrollments.length === 0) {
      replace(list, h("li", { class: "empty empty--small" }, icon("course"), h("p", {}, courses.size && canWrite() ? "Use the form above to enroll this student in a course." : "Enrollments will appear here.")));
      return;
    }
    replace(list, [...enrollments].sort(byTermThenCode).map(item));
  }

  function byTermThenCode(a, b) {
    return termOrder(b.term) - termOrder(a.term) || (courses.get(a.course_id)?.code ?? "").localeCompare(courses.get(b.course_id)?.code ?? "");
  }

  function item(enrollment) {
    const course = courses.get(enrollment.course_id);
    const name = course ? `${course.code} · ${course.title}` : "Unknown course";
    const courseCell = h(
      "div",
      { class: "enrollment__course" },
      course ? h("a", { href: `#/courses/${course.id}`, class: "enrollment__name" }, name) : h("span", { class: "enrollment__name" }, name),
      h("span", { class: "enrollment__meta" }, `${termLabel(enrollment.term)}${course ? ` · ${course.credits} credits` : ""}`),
    );
    if (!canWrite()) {
      return h("li", { class: "enrollment", id: `enrollment-${enrollment.id}`, "data-course": course?.code ?? "" }, courseCell, gradeBadge(enrollment.grade));
    }
    const selectId = `grade-${enrollment.id}`;
    const select = h(
      "select",
      { id: selectId, class: "input input--compact", name: "grade" },
      h("option", { value: "" }, "No grade yet"),
      GRADE_OPTIONS.map(([value, text]) => h("option", { value, selected: enrollment.grade === value }, text)),
    );
    const save = h("button", { type: "submit", class: "button button--small", disabled: true }, "Save grade");
    const message = h("p", { class: "field-error", role: "alert", hidden: true });
    select.addEventListener("change", () => {
      save.disabled = select.value === (enrollment.grade ?? "");
    });
    const gradeForm = h(
      "form",
      { class: "grade-form", onsubmit: (event) => saveGrade(event, enrollment, select, save, message) },
      h("label", { for: selectId, class: "field-label field-label--inline" }, "Grade"),
      select,
      save,
    );
    const removeButton = h(
      "button",
      { type: "button", class: "icon-button icon-button--danger enrollment__remove", "aria-label": `Remove enrollment in ${name}, ${termLabel(enrollment.term)}`, title: "Remove enrollment", onclick: () => drop(enrollment, name) },
      icon("trash"),
    );
    return h(
      "li",
      { class: "enrollment", id: `enrollment-${enrollment.id}`, "data-course": course?.code ?? "" },
      courseCell,
      gradeForm,
      removeButton,
      message,
    );
  }

  async function saveGrade(event, enrollment, select, save, message) {
    event.preventDefault();
    message.hidden = true;
    save.disabled = true;
    try {
      const { data } = await api.update("enrollments", enrollment.id, { grade: select.value || null }, api.etagOf(enrollment));
      Object.assign(enrollment, data);
      changed();
      toast(data.grade ? `Grade ${data.grade} saved.` : "Grade cleared.");
      select.focus();
    } catch (error) {
      if (error.status === 412) {
        const latest = await api.get("enrollments", enrollment.id).catch(() => null);
        if (latest) {
          Object.assign(enrollment, latest.data);
          select.value = enrollment.grade ?? "";
          changed();
        }
        message.textContent = "Someone else changed this grade meanwhile. The latest grade is shown; change it again if needed.";
      } else {
        message.textContent = describe(error);
        save.disabled = false;
      }
      message.hidden = false;
    }
  }

  async function drop(enrollment, name) {
    const removed = await confirmDialog({
      title: "Remove enrollment?",
      message: `${student.name} will be removed from ${name} (${termLabel(enrollment.term)}), along with any grade.`,
      confirmLabel: "Remove enrollment",
      action: () => api.remove("enrollments", enrollment.id, api.etagOf(enrollment)),
    });
    if (!removed) return;
    enrollments = enrollments.filter((e) => e.id !== enrollment.id);
    render();
    changed();
    toast(`Removed from ${name}.`);
    focus(heading);
  }
}

function gradeBadge(grade) {
  return h("span", { class: `grade-badge${grade ? "" : " grade-badge--none"}` }, grade ? `Grade ${grade}` : "No grade");
}
