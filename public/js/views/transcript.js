// A student's academic standing: per term the courses, credits and GPAs, as the API
// computes them (GET /api/students/{id}/transcript). Reloads whenever the
// enrollments panel changes an enrollment ("enrollments:changed"), prints as a
// clean transcript (the print rules in app.css) and exports as CSV.

import * as api from "../api.js";
import { downloadCsv } from "../csv.js";
import { h, icon, replace } from "../dom.js";
import { describe } from "../messages.js";
import { termLabel } from "../resources.js";

const CSV_HEADER = ["Term", "Code", "Title", "Credits", "Grade"];
const UNGRADED_NOTE = "Ungraded courses count as attempted credits but not in the GPA. An F earns no credits and counts in the GPA. GPAs are on a 4.0 scale (A+ counts 4.0), rounded to 2 decimals.";

/** Fills `container`; `refresh()` on the result loads the transcript again. */
export function studentTranscript(container, student) {
  const heading = h("h2", { class: "section-title", id: "transcript-title" }, "Transcript");
  const summary = h("p", { class: "section-subtitle", role: "status" });
  const printButton = h("button", { type: "button", class: "button", onclick: () => window.print(), disabled: true }, "Print transcript");
  const exportButton = h("button", { type: "button", class: "button", onclick: exportCsv, disabled: true }, "Export CSV");
  const body = h("div", { class: "transcript__body", "aria-busy": "true" }, h("div", { class: "skeleton" }, h("div", { class: "skeleton__row" })));
  let transcript = null;
  let latest = 0; // only the newest of overlapping loads is shown

  replace(
    container,
    h(
      "section",
      { class: "card transcript", "aria-labelledby": "transcript-title" },
      h("header", { class: "section-header" }, h("div", {}, heading, summary), h("div", { class: "transcript__actions" }, printButton, exportButton)),
      body,
    ),
  );
  load();
  return { refresh: load };

  async function load() {
    const mine = ++latest;
    body.setAttribute("aria-busy", "true");
    try {
      const data = await api.transcript(student.id);
      if (mine !== latest) return;
      transcript = data;
      render();
    } catch (error) {
      if (mine !== latest) return;
      transcript = null;
      printButton.disabled = exportButton.disabled = true;
      summary.textContent = "";
      replace(body, h("div", { class: "empty empty--error" }, icon("alert"), h("p", {}, `Couldn’t load the transcript. ${describe(error)}`), h("button", { type: "button", class: "button", onclick: load }, "Try again")));
      // Once the banner's health checks see the API back (connection.js), unless the
      // page has moved on meanwhile.
      window.addEventListener("app:reconnected", () => container.isConnected && mine === latest && load(), { once: true });
    }
    body.setAttribute("aria-busy", "false");
  }

  function render() {
    const empty = transcript.terms.length === 0;
    printButton.disabled = exportButton.disabled = empty;
    summary.textContent = empty
      ? "No courses yet."
      : `Cumulative GPA ${gpaText(transcript.gpa)} · ${transcript.credits_earned} of ${transcript.credits_attempted} credits earned`;
    if (empty) {
      replace(body, h("p", { class: "notice" }, "The transcript fills in as the student is enrolled in courses."));
      return;
    }
    replace(body, h("p", { class: "notice transcript__note" }, UNGRADED_NOTE), transcript.terms.map(termSection));
  }

  function exportCsv() {
    const rows = transcript.terms.flatMap((term) => term.courses.map((c) => [term.term, c.code, c.title, c.credits, c.grade ?? ""]));
    downloadCsv(`transcript-${fileStem(student.name)}.csv`, CSV_HEADER, rows);
  }
}

function termSection(term) {
  const titleId = `transcript-${term.term}`;
  const figure = (label, value) => h("div", {}, h("dt", {}, label), h("dd", {}, value));
  return h(
    "section",
    { class: "transcript__term", "aria-labelledby": titleId, "data-term": term.term },
    h("h3", { class: "subsection-title", id: titleId }, termLabel(term.term)),
    h(
      "table",
      { class: "table table--compact transcript__table", "aria-labelledby": titleId },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Code"), h("th", { scope: "col" }, "Title"), h("th", { scope: "col", class: "numeric" }, "Credits"), h("th", { scope: "col" }, "Grade"))),
      h(
        "tbody",
        {},
        term.courses.map((c) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, c.code),
            h("td", { "data-label": "Title" }, c.title),
            h("td", { class: "numeric", "data-label": "Credits" }, c.credits),
            h("td", { "data-label": "Grade" }, c.grade ?? "Not graded"),
          ),
        ),
      ),
    ),
    h(
      "dl",
      { class: "transcript__figures" },
      figure("Credits attempted", term.credits_attempted),
      figure("Credits earned", term.credits_earned),
      figure("Term GPA", gpaText(term.term_gpa)),
      figure("Cumulative GPA", gpaText(term.cumulative_gpa)),
    ),
  );
}

function gpaText(gpa) {
  return gpa === null ? "— (nothing graded)" : gpa.toFixed(2);
}

/** "Ana García-O'Brien" -> "ana-garcia-o-brien": a file name any system accepts. */
function fileStem(name) {
  const stem = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return stem || "student";
}

/** A record panel that shows `panel` (the enrollments) with the transcript below it,
 * reloaded each time the panel reports "enrollments:changed". */
export function withTranscript(panel) {
  return (container, student) => {
    const above = h("div");
    const below = h("div", { class: "transcript-area" });
    replace(container, above, below);
    const transcript = studentTranscript(below, student);
    above.addEventListener("enrollments:changed", () => transcript.refresh());
    panel(above, student);
  };
}
