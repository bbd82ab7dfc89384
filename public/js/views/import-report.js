// An import while it runs (a progress bar) and once it ended (its report), from the
// record GET /api/imports/{id} answers: {status, rows_total, rows_done, rows_failed,
// failures: [{line, reason}], error}.

import { h, icon, replace, uid } from "../dom.js";

const count = (n) => n.toLocaleString();
const rows = (n) => `${count(n)} ${n === 1 ? "row" : "rows"}`;
const records = (n, description) => `${count(n)} ${n === 1 ? description.singular : description.plural}`;

/** The running import: its bar is indeterminate until the file has been read. */
export function progressView(fileName, onClose) {
  const headingId = uid("import-progress");
  const heading = h("h3", { class: "import__title", id: headingId, tabindex: "-1" }, `Importing “${fileName}”`);
  const bar = h("progress", { class: "import-progress", "aria-labelledby": headingId });
  const counts = h("p", { class: "import__counts" }, "Reading the file…");
  const element = h(
    "div",
    {},
    heading,
    bar,
    counts,
    h("p", { class: "field-hint" }, "You can close this window: the import goes on, and the list shows what it has added."),
    h("div", { class: "form-actions" }, h("button", { type: "button", class: "button", onclick: onClose }, "Close")),
  );
  return {
    element,
    heading,
    update(record) {
      if (record.rows_total === null) return;
      const handled = record.rows_done + record.rows_failed;
      bar.max = Math.max(record.rows_total, 1);
      bar.value = handled;
      counts.textContent = `${count(handled)} of ${rows(record.rows_total)}${record.rows_failed ? ` · ${count(record.rows_failed)} failed` : ""}`;
    },
    /** Following the import failed (not the import itself): say why, keep the bar as it was. */
    fail(message) {
      replace(counts, icon("alert"), ` ${message}`);
      counts.classList.add("field-error");
    },
  };
}

/** One sentence for the live region. */
export function summary(record, description) {
  if (record.status === "failed") return `Import failed. ${record.error ?? ""}`;
  return `Import finished: ${records(record.rows_done, description)} imported, ${rows(record.rows_failed)} failed.`;
}

/** The ended import: counts, the file's error if it failed, the failed rows by line. */
export function reportView(record, description, { again, close }) {
  const failed = record.status === "failed";
  const heading = h("h3", { class: "import__title", tabindex: "-1" }, failed ? "Import failed" : "Import finished");
  const closeButton = h("button", { type: "button", class: "button button--primary", onclick: close }, "Close");
  const element = h(
    "div",
    { class: "import-report" },
    heading,
    failed ? h("div", { class: "form-alert" }, icon("alert"), h("div", { class: "form-alert__body" }, h("p", {}, record.error))) : null,
    record.rows_total === null
      ? null
      : h(
          "p",
          { class: "import-report__counts" },
          h("strong", {}, records(record.rows_done, description)),
          " imported and ",
          h("strong", { class: record.rows_failed ? "import-report__failed" : null }, rows(record.rows_failed)),
          ` failed, of ${rows(record.rows_total)} in “${record.file_name}”.`,
        ),
    failures(record),
    h("div", { class: "form-actions" }, h("button", { type: "button", class: "button", onclick: again }, "Import another file"), closeButton),
  );
  return { element, heading };
}

function failures(record) {
  if (record.failures.length === 0) return null;
  const titleId = uid("import-failures");
  const shown = record.failures.length;
  return [
    h("h4", { class: "subsection-title", id: titleId }, "Rows that failed"),
    record.rows_failed > shown ? h("p", { class: "field-hint" }, `The first ${count(shown)} of ${rows(record.rows_failed)} that failed are listed.`) : null,
    // A scrolling region: focusable, so it scrolls from the keyboard too.
    h(
      "div",
      { class: "import-failures", role: "region", "aria-labelledby": titleId, tabindex: "0" },
      h(
        "table",
        { class: "table table--compact" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col", class: "numeric" }, "Line"), h("th", { scope: "col" }, "Reason"))),
        h(
          "tbody",
          {},
          record.failures.map((f) => h("tr", {}, h("td", { class: "numeric", "data-label": "Line" }, String(f.line)), h("td", { "data-label": "Reason" }, f.reason))),
        ),
      ),
    ),
  ];
}
