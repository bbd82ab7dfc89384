// The course page's roster: one row per student for a chosen term, graded in one
// action (conflicts shown on their rows), exported as CSV. A roster of up to 500
// students is one request (GET /api/courses/{id}/roster).

import * as api from "../api.js";
import { canWrite } from "../auth.js";
import { downloadCsv } from "../csv.js";
import { confirmDialog } from "../dialog.js";
import { focus, h, icon, replace } from "../dom.js";
import { describe } from "../messages.js";
import { GRADES, currentTerm, termLabel, termOrder } from "../resources.js";

const PAGE_SIZE = 500;
// Rows per save request: the most the API takes.
const SAVE_CHUNK = 200;

/** The course page's panel. */
export async function courseRoster(container, course) {
  const staff = canWrite();
  let term = null;
  let terms = [];
  let rows = []; // {entry, li, select, message, theirs}
  let saving = false;

  const heading = h("h2", { class: "section-title", id: "roster-title", tabindex: "-1" }, "Roster");
  const summary = h("p", { class: "section-subtitle", role: "status" });
  const termSelect = h("select", { id: "roster-term", class: "input input--compact", onchange: changeTerm });
  const exportButton = h("button", { type: "button", class: "button button--small", onclick: exportCsv, disabled: true }, "Export CSV");
  const list = h("ul", { class: "enrollments roster", "aria-labelledby": "roster-title" });
  const saveButton = h("button", { type: "submit", class: "button button--primary button--small", disabled: true }, "Save grades");
  const undoButton = h("button", { type: "button", class: "button button--small", onclick: undoAll, disabled: true }, "Undo changes");
  const saveStatus = h("p", { class: "roster__status", role: "status" });
  const tools = h("div", { class: "roster__tools" }, h("label", { for: "roster-term", class: "field-label field-label--inline" }, "Term"), termSelect, exportButton);
  const actions = staff ? h("div", { class: "roster__actions" }, saveStatus, undoButton, saveButton) : null;
  const header = h("header", { class: "section-header roster__header" }, h("div", {}, heading, summary), tools);
  replace(container, h("section", { class: "card" }, header, staff ? h("form", { class: "roster-form", onsubmit: save }, actions, list) : list));
  guardUnsaved(container, () => rows.filter(isChanged).length);
  await load("latest");

  async function load(wanted) {
    rows = []; // what was shown is left behind (unsaved changes were confirmed)
    list.setAttribute("aria-busy", "true");
    replace(list, h("li", { class: "skeleton" }, h("div", { class: "skeleton__row" })));
    try {
      const page = await fetchRoster(course.id, wanted);
      term = page.term ?? (wanted === "latest" ? currentTerm() : wanted);
      terms = page.terms ?? terms;
      rows = page.items.sort((a, b) => (a.name ?? "").localeCompare(b.name ?? "")).map(rowOf);
      fillTerms();
      render();
    } catch (error) {
      replace(list, h("li", { class: "empty empty--error" }, icon("alert"), h("p", {}, describe(error))));
      countChanges();
    } finally {
      list.setAttribute("aria-busy", "false");
    }
  }

  function fillTerms() {
    const choices = [...new Set([...terms, term, currentTerm()])].sort(newestFirst);
    replace(termSelect, choices.map((t) => h("option", { value: t, selected: t === term }, termLabel(t))));
  }

  function render() {
    summary.textContent = rows.length
      ? `${rows.length} ${rows.length === 1 ? "student" : "students"} · ${termLabel(term)}`
      : terms.length
        ? `Nobody is enrolled in ${termLabel(term)}.`
        : "Nobody is enrolled yet.";
    exportButton.disabled = rows.length === 0;
    saveStatus.textContent = "";
    if (rows.length === 0) {
      replace(list, h("li", { class: "empty empty--small" }, icon("student"), h("p", {}, "Enroll students from their own page, with “Enroll in a course”.")));
    } else {
      replace(list, rows.map((row) => row.li));
    }
    countChanges();
  }

  function rowOf(entry) {
    const name = entry.name ?? "Unknown student";
    const row = { entry, theirs: null };
    row.message = h("div", { class: "roster-row__message", hidden: true });
    const who = h(
      "div",
      { class: "enrollment__course" },
      h("a", { href: `#/students/${entry.student_id}`, class: "enrollment__name" }, name),
      h("span", { class: "enrollment__meta" }, entry.email ?? ""),
    );
    let grade;
    if (staff) {
      const id = `grade-${entry.enrollment_id}`;
      row.select = h(
        "select",
        { id, class: "input input--compact", name: "grade", onchange: () => countChanges() },
        h("option", { value: "" }, "No grade"),
        GRADES.map((g) => h("option", { value: g, selected: entry.grade === g }, g)),
      );
      grade = h("div", { class: "grade-form" }, h("label", { for: id, class: "visually-hidden" }, `Grade for ${name}`), row.select);
    } else {
      grade = h("span", { class: `grade-badge${entry.grade ? "" : " grade-badge--none"}` }, entry.grade ? `Grade ${entry.grade}` : "No grade");
    }
    row.li = h("li", { class: "enrollment roster-row", id: `roster-row-${entry.enrollment_id}` }, who, grade, row.message);
    return row;
  }

  function countChanges() {
    const changed = rows.filter(isChanged);
    for (const row of rows) row.li.classList.toggle("roster-row--changed", isChanged(row));
    const ready = changed.filter((row) => !row.theirs).length;
    saveButton.textContent = ready ? `Save grades (${ready})` : "Save grades";
    saveButton.disabled = saving || ready === 0;
    undoButton.disabled = saving || changed.length === 0;
  }

  async function save(event) {
    event.preventDefault();
    const ready = rows.filter((row) => isChanged(row) && !row.theirs);
    if (ready.length === 0 || saving) return;
    saving = true;
    countChanges();
    saveStatus.textContent = "Saving…";
    let saved = 0;
    const conflicts = [];
    try {
      for (let start = 0; start < ready.length; start += SAVE_CHUNK) {
        const chunk = ready.slice(start, start + SAVE_CHUNK);
        const grades = chunk.map((row) => ({ enrollment_id: row.entry.enrollment_id, grade: row.select.value || null, version: row.entry.version }));
        const reply = await api.gradeRoster(course.id, grades);
        reply.results.forEach((result, n) => {
          // A conflict whose grade now is the one chosen here needs no choice.
          const same = result.status === "conflict" && (result.grade ?? "") === chunk[n].select.value;
          if (result.status === "ok" || same) {
            Object.assign(chunk[n].entry, { grade: result.grade, version: result.version });
            showMessage(chunk[n], null);
            saved += 1;
          } else if (result.status === "conflict") {
            showConflict(chunk[n], result);
            conflicts.push(chunk[n]);
          } else {
            showMessage(chunk[n], result.detail);
          }
        });
      }
      saveStatus.textContent = conflicts.length
        ? `${saved} saved. ${conflicts.length} changed meanwhile: choose for ${conflicts.length === 1 ? "that row" : "those rows"}.`
        : `${saved} ${saved === 1 ? "grade" : "grades"} saved.`;
    } catch (error) {
      saveStatus.textContent = `Not saved: ${describe(error)}`;
    } finally {
      saving = false;
      countChanges();
    }
    if (conflicts.length) focus(conflicts[0].message);
  }

  function showConflict(row, result) {
    row.theirs = { grade: result.grade, version: result.version };
    row.li.classList.add("roster-row--conflict");
    const keep = () => resolve(row, row.select.value);
    const take = () => resolve(row, row.theirs.grade ?? "");
    replace(
      row.message,
      icon("alert"),
      h("p", {}, `Someone else changed this grade meanwhile. Now: ${gradeText(result.grade)}. Yours: ${gradeText(row.select.value)}.`),
      h("div", { class: "roster-row__choices" }, h("button", { type: "button", class: "button button--small", onclick: keep }, "Keep mine"), h("button", { type: "button", class: "button button--small", onclick: take }, "Take theirs")),
    );
    row.message.hidden = false;
  }

  /** The server's version becomes the row's; `grade` stays chosen (saved with the next save). */
  function resolve(row, grade) {
    Object.assign(row.entry, row.theirs);
    row.theirs = null;
    row.select.value = grade;
    row.li.classList.remove("roster-row--conflict");
    showMessage(row, null);
    countChanges();
    focus(row.select);
  }

  function showMessage(row, text) {
    row.message.hidden = !text;
    replace(row.message, text ? [icon("alert"), h("p", {}, text)] : []);
  }

  function undoAll() {
    for (const row of rows) {
      row.select.value = row.entry.grade ?? "";
      if (row.theirs) Object.assign(row.entry, row.theirs);
      row.theirs = null;
      row.li.classList.remove("roster-row--conflict");
      showMessage(row, null);
    }
    saveStatus.textContent = "";
    countChanges();
  }

  async function changeTerm() {
    const wanted = termSelect.value;
    const pending = rows.filter(isChanged).length;
    if (pending && !(await confirmLeaving(pending))) {
      termSelect.value = term;
      return;
    }
    await load(wanted);
  }

  function exportCsv() {
    // What is saved: unsaved choices are not grades yet.
    const lines = rows.map(({ entry }) => [entry.name, entry.email, entry.term, entry.grade ?? ""]);
    downloadCsv(`${course.code}-${term}-roster.csv`, ["name", "email", "term", "grade"], lines);
  }
}

/** Every page of the roster for `term` ("latest": the newest with enrollments). */
async function fetchRoster(courseId, term) {
  const first = await api.roster(courseId, { term, limit: PAGE_SIZE });
  const items = [...first.items];
  let cursor = first.next_cursor;
  while (cursor) {
    const page = await api.roster(courseId, { term: first.term, cursor, limit: PAGE_SIZE });
    items.push(...page.items);
    cursor = page.next_cursor;
  }
  return { ...first, items };
}

function isChanged(row) {
  return Boolean(row.select) && row.select.value !== (row.entry.grade ?? "");
}

function gradeText(grade) {
  return grade ? grade : "no grade";
}

function newestFirst(a, b) {
  return termOrder(b) - termOrder(a);
}

function confirmLeaving(pending) {
  return confirmDialog({
    title: "Leave without saving?",
    message: `${pending} changed ${pending === 1 ? "grade is" : "grades are"} not saved yet.`,
    confirmLabel: "Leave without saving",
    action: async () => {},
  });
}

/**
 * Warns before unsaved grades are lost: closing or reloading the page (the
 * browser's own prompt), or moving within the app. The router renders on
 * hashchange, too late to keep anything: the Navigation API's `navigate` event
 * comes before the hash changes and can be cancelled (links, and back and forward
 * where the browser allows it). Without that API, in-app links are caught as clicked.
 */
function guardUnsaved(container, pendingCount) {
  const navigation = window.navigation;
  const detach = () => {
    window.removeEventListener("beforeunload", onBeforeUnload);
    navigation?.removeEventListener("navigate", onNavigate);
    document.removeEventListener("click", onClick, { capture: true });
  };
  const pending = () => (container.isConnected ? pendingCount() : (detach(), 0));

  function onBeforeUnload(event) {
    if (pending()) {
      event.preventDefault();
      event.returnValue = ""; // what browsers before 2023 looked for
    }
  }
  function onNavigate(event) {
    if (event.hashChange && event.cancelable && pending()) {
      event.preventDefault();
      askThenGo(event.destination.url);
    }
  }
  function onClick(event) {
    const link = event.target.closest?.('a[href^="#"]');
    if (link && pending()) {
      event.preventDefault();
      askThenGo(link.href);
    }
  }
  async function askThenGo(url) {
    if (await confirmLeaving(pendingCount())) {
      detach();
      window.location.href = url;
    }
  }
  window.addEventListener("beforeunload", onBeforeUnload);
  if (navigation) navigation.addEventListener("navigate", onNavigate);
  else document.addEventListener("click", onClick, { capture: true });
}
