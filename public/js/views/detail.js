// One record's page: its fields, edit and delete, and a resource-specific panel
// below (a student's enrollments, a course's roster).

import * as api from "../api.js";
import { canWrite } from "../auth.js";
import { pageTitle } from "../brand.js";
import { confirmDialog } from "../dialog.js";
import { focus, h, icon, replace } from "../dom.js";
import { capitalise, describe } from "../messages.js";
import { formatTimestamp } from "../resources.js";
import { toast } from "../toast.js";
import { lastListUrl } from "./list-state.js";
import { openEditDialog } from "./record-dialog.js";

/** `panel(container, record)` fills the area under the details, if given. */
export function renderDetail(main, config, id, { panel } = {}) {
  let record = null;
  let etag = null;
  let failed = false;

  const back = h("a", { href: lastListUrl(config), class: "back-link" }, icon("back"), `All ${config.plural}`);
  const heading = h("h1", { class: "page-title", tabindex: "-1" }, "Loading…");
  const subtitle = h("p", { class: "page-subtitle" });
  const editButton = h("button", { type: "button", class: "button", onclick: edit, disabled: true }, icon("edit"), "Edit");
  const deleteButton = h("button", { type: "button", class: "button button--danger-quiet", onclick: remove, disabled: true }, icon("trash"), "Delete");
  const details = h("div", { class: "card details", "aria-busy": "true" }, h("div", { class: "skeleton" }, h("div", { class: "skeleton__row" }), h("div", { class: "skeleton__row" })));
  const panelArea = h("div", { class: "panel-area" });

  replace(
    main,
    back,
    h("header", { class: "page-header" }, h("div", {}, heading, subtitle), canWrite() ? h("div", { class: "page-actions" }, editButton, deleteButton) : null),
    details,
    panelArea,
  );

  window.addEventListener("app:reconnected", retryIfFailed);
  load();
  return () => window.removeEventListener("app:reconnected", retryIfFailed);

  function retryIfFailed() {
    if (failed) load();
  }

  async function load() {
    try {
      const result = await api.get(config.resource, id);
      failed = false;
      show(result.data, result.etag);
      if (panel) panel(panelArea, record);
    } catch (error) {
      failed = error.status !== 404;
      heading.textContent = error.status === 404 ? `${capitalise(config.singular)} not found` : `Couldn’t load this ${config.singular}`;
      details.setAttribute("aria-busy", "false");
      replace(
        details,
        h(
          "div",
          { class: "empty empty--error" },
          icon("alert"),
          h("p", {}, describe(error)),
          error.status === 404 ? h("a", { href: config.route, class: "button" }, `Back to ${config.plural}`) : h("button", { type: "button", class: "button", onclick: load }, "Try again"),
        ),
      );
    }
  }

  function show(data, newEtag) {
    record = data;
    etag = newEtag;
    heading.textContent = config.recordTitle(record);
    subtitle.textContent = config.recordSubtitle(record);
    document.title = pageTitle(config.recordTitle(record));
    editButton.disabled = false;
    deleteButton.disabled = false;
    details.setAttribute("aria-busy", "false");
    replace(
      details,
      h("dl", { class: "details__list" }, config.details.map((d) => h("div", { class: "details__item" }, h("dt", {}, d.label), h("dd", {}, d.value(record))))),
      h("p", { class: "details__meta" }, `Added ${formatTimestamp(record.created_at)} · Last changed ${formatTimestamp(record.updated_at)}`),
    );
  }

  function edit() {
    openEditDialog(config, record, etag, (saved, savedEtag, { quiet = false } = {}) => {
      show(saved, savedEtag);
      if (quiet) return;
      toast(`Changes to “${config.recordTitle(saved)}” saved.`);
      focus(editButton);
    });
  }

  async function remove() {
    const title = config.recordTitle(record);
    const deleted = await confirmDialog({
      title: `Delete ${config.singular}?`,
      message: `“${title}” will be deleted permanently. This cannot be undone.`,
      confirmLabel: `Delete ${config.singular}`,
      action: () => api.remove(config.resource, record.id, etag),
      explain: (error) => (error.status === 409 ? config.deleteRefused(record) : error.status === 412 ? `This ${config.singular} changed since you opened it. Close this dialog, check the latest version (reload the page) and try again.` : describe(error)),
    });
    if (deleted) {
      toast(`${capitalise(config.singular)} “${title}” deleted.`);
      window.location.hash = config.route;
    }
  }
}
