// The Import dialog: what a CSV file holds and the file itself, sent as the API says;
// then the import followed with a progress bar, and its report (import-report.js).

import * as api from "../api.js";
import { openDialog } from "../dialog.js";
import { focus, h, icon, replace, uid } from "../dom.js";
import { describe } from "../messages.js";
import { IMPORT_KINDS } from "../resources.js";
import { progressView, reportView, summary } from "./import-report.js";

const POLL_MS = 1000;
const RETRY_MS = 3000; // while the API is unreachable (the connection banner says so)

/** Opens the dialog with `kind` chosen; `onImported()` runs once an import may have written rows. */
export function openImportDialog(kind, onImported) {
  let closed = false;
  let running = false;
  // The one live region: phases are announced here, not every count.
  const status = h("p", { class: "visually-hidden", role: "status" });
  const area = h("div", { class: "import" });
  const ui = openDialog({
    title: "Import from a CSV file",
    content: [status, area],
    onClose() {
      closed = true;
      if (running) onImported(); // it goes on in the API; show what it has written so far
    },
  });
  chooseFile(kind);

  function chooseFile(selected) {
    status.textContent = "";
    const form = fileForm(selected, start, () => ui.close());
    replace(area, form.element);
    form.focusFirst();
  }

  async function start(chosen, file, form) {
    status.textContent = `Sending “${file.name}”…`;
    let record;
    try {
      record = await api.startImport(chosen, file.name);
      await api.uploadImportFile(record.upload, file);
    } catch (error) {
      status.textContent = "";
      form.showAlert(describe(error));
      return;
    }
    if (closed) return;
    running = true;
    const progress = progressView(file.name, () => ui.close());
    replace(area, progress.element);
    focus(progress.heading);
    follow(record.id, progress, IMPORT_KINDS[chosen], chosen);
  }

  async function follow(id, progress, description, chosen) {
    let announcedTotal = false;
    while (!closed) {
      let record;
      try {
        record = await api.getImport(id);
      } catch (error) {
        if (error.status === 503 || error.status === 0) {
          await pause(RETRY_MS);
          continue;
        }
        progress.fail(describe(error));
        status.textContent = describe(error);
        return;
      }
      if (closed) return;
      progress.update(record);
      if (record.rows_total !== null && !announcedTotal) {
        announcedTotal = true;
        status.textContent = `Importing ${record.rows_total.toLocaleString()} rows…`;
      }
      if (record.status === "done" || record.status === "failed") {
        running = false;
        finish(record, description, chosen);
        return;
      }
      await pause(POLL_MS);
    }
  }

  function finish(record, description, chosen) {
    const report = reportView(record, description, { again: () => chooseFile(chosen), close: () => ui.close() });
    replace(area, report.element);
    status.textContent = summary(record, description);
    focus(report.heading);
    if (record.rows_done > 0) onImported();
  }
}

function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Step one: which kind of records, and the file. `onSubmit(kind, file, form)`. */
function fileForm(selected, onSubmit, onCancel) {
  const alert = h("div", { class: "form-alert", role: "alert", tabindex: "-1", hidden: true });
  const help = h("div", { class: "import-help", id: uid("import-columns") });
  const choices = Object.entries(IMPORT_KINDS).map(([value, description]) =>
    h("label", { class: "choice" }, h("input", { type: "radio", name: "kind", value, checked: value === selected }), description.label),
  );
  const hintId = uid("import-file-hint");
  const errorId = uid("import-file-error");
  const input = h("input", {
    type: "file",
    id: uid("import-file"),
    name: "file",
    class: "input input--file",
    accept: ".csv,text/csv",
    required: true,
    "aria-required": "true",
    "aria-describedby": `${hintId} ${help.id}`,
  });
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  const submit = h("button", { type: "submit", class: "button button--primary" }, icon("upload"), "Import");
  const form = h(
    "form",
    { class: "form", novalidate: true },
    alert,
    h("fieldset", { class: "choices" }, h("legend", { class: "field-label" }, "The file holds"), h("div", { class: "choices__options" }, choices)),
    help,
    h(
      "div",
      { class: "field" },
      h("label", { for: input.id, class: "field-label" }, "CSV file"),
      h("p", { class: "field-hint", id: hintId }, "Text in UTF-8 (“CSV UTF-8” when saving from a spreadsheet), with a header row first."),
      input,
      error,
    ),
    h("div", { class: "form-actions" }, h("button", { type: "button", class: "button", onclick: onCancel }, "Cancel"), submit),
  );
  const showColumns = () => replace(help, columnsHelp(IMPORT_KINDS[form.elements.kind.value]));
  form.addEventListener("change", (event) => {
    if (event.target.name === "kind") showColumns();
    if (event.target === input) setError(null);
  });
  showColumns();

  const api = {
    element: form,
    focusFirst: () => focus(form.querySelector("input[name=kind]:checked")),
    showAlert(message) {
      replace(alert, icon("alert"), h("div", { class: "form-alert__body" }, h("p", {}, message)));
      alert.hidden = false;
      focus(alert);
    },
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    alert.hidden = true;
    const file = input.files[0];
    if (!file) {
      setError("Choose a CSV file to import.");
      focus(input);
      return;
    }
    submit.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      await onSubmit(form.elements.kind.value, file, api);
    } finally {
      submit.disabled = false;
      form.setAttribute("aria-busy", "false");
    }
  });

  function setError(message) {
    error.hidden = !message;
    replace(error, message ? [icon("alert"), h("span", {}, message)] : []);
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    input.setAttribute("aria-describedby", [hintId, help.id, message ? errorId : null].filter(Boolean).join(" "));
  }
  return api;
}

function columnsHelp(description) {
  return [
    h("p", {}, "The first row names the columns, in any order:"),
    h("ul", { class: "import-help__columns" }, description.columns.map((c) => h("li", {}, h("code", {}, c.name), ` ${c.note}`))),
    h("p", {}, description.updates),
  ];
}
