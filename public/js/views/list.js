// A list page for any resource: search (when the API offers it), "load more"
// paging with the API's cursor, and the "New ..." and "Import" dialogs.

import * as api from "../api.js";
import { canWrite } from "../auth.js";
import { focus, h, icon, replace } from "../dom.js";
import { capitalise, describe } from "../messages.js";
import { toast } from "../toast.js";
import { IMPORT_KINDS } from "../resources.js";
import { openImportDialog } from "./import-dialog.js";
import { openCreateDialog } from "./record-dialog.js";

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 250;

export function renderList(main, config, { query = "" } = {}) {
  let cursor = null;
  let shown = 0;
  let search = query;
  let inFlight = null;
  let failed = false;

  const newButton = h(
    "button",
    { type: "button", class: "button button--primary", onclick: () => openCreateDialog(config, created) },
    icon("plus"),
    `New ${config.singular}`,
  );
  const importButton = h(
    "button",
    { type: "button", class: "button", onclick: () => openImportDialog(config.resource, reload) },
    icon("upload"),
    "Import",
  );
  const heading = h("h1", { class: "page-title", tabindex: "-1" }, config.title);
  const status = h("p", { class: "list-status", role: "status", "aria-live": "polite" });
  const results = h("div", { class: "results", "aria-busy": "true" });
  const more = h("button", { type: "button", class: "button load-more", hidden: true, onclick: loadMore }, "Load more");

  let searchBox = null;
  if (config.searchable) {
    const input = h("input", {
      id: `${config.resource}-search`,
      type: "search",
      class: "input input--search",
      autocomplete: "off",
      spellcheck: "false",
      value: search,
      placeholder: config.searchPlaceholder,
    });
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        search = input.value.trim();
        const url = new URL(window.location.href);
        url.hash = search ? `${config.route}?q=${encodeURIComponent(search)}` : config.route;
        history.replaceState(null, "", url);
        reload();
      }, SEARCH_DELAY_MS);
    });
    searchBox = h(
      "div",
      { class: "search", role: "search" },
      h("label", { for: input.id, class: "field-label" }, config.searchLabel),
      h("div", { class: "search__box" }, icon("search"), input),
    );
  }

  replace(
    main,
    h("header", { class: "page-header" }, h("div", {}, heading), canWrite() ? h("div", { class: "page-actions list-actions" }, IMPORT_KINDS[config.resource] ? importButton : null, newButton) : null),
    h("section", { class: "card list-card", "aria-label": `${config.title} list` }, searchBox, status, results, h("div", { class: "list-footer" }, more)),
  );

  window.addEventListener("app:reconnected", retryIfFailed);
  reload();
  return () => window.removeEventListener("app:reconnected", retryIfFailed);

  function retryIfFailed() {
    if (failed) reload();
  }

  function created(record) {
    toast(`${capitalise(config.singular)} “${config.recordTitle(record)}” created.`);
    window.location.hash = `${config.route}/${record.id}`;
  }

  async function reload() {
    cursor = null;
    shown = 0;
    results.setAttribute("aria-busy", "true");
    replace(results, skeleton());
    more.hidden = true;
    status.textContent = "Loading…";
    const page = await fetchPage();
    if (!page) return;
    if (page.items.length === 0) {
      replace(results, emptyState());
    } else {
      replace(results, table(page.items));
    }
    finishPage(page);
  }

  async function loadMore() {
    more.disabled = true;
    more.textContent = "Loading…";
    const page = await fetchPage();
    more.disabled = false;
    more.textContent = "Load more";
    if (!page) return;
    const body = results.querySelector("tbody");
    const rows = page.items.map(row);
    body.append(...rows);
    finishPage(page);
    focus(rows[0]?.querySelector("a") ?? more);
  }

  async function fetchPage() {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    try {
      const filters = config.searchable && search ? { q: search } : {};
      const page = await api.list(config.resource, { ...filters, cursor, limit: PAGE_SIZE, signal: controller.signal });
      failed = false;
      return page;
    } catch (error) {
      if (error.name === "AbortError") return null;
      failed = true;
      if (shown === 0) replace(results, errorState(error));
      status.textContent = shown === 0 ? "" : describe(error);
      results.setAttribute("aria-busy", "false");
      return null;
    } finally {
      if (inFlight === controller) inFlight = null;
    }
  }

  function finishPage(page) {
    shown += page.items.length;
    cursor = page.next_cursor;
    more.hidden = !cursor;
    results.setAttribute("aria-busy", "false");
    const noun = shown === 1 ? config.singular : config.plural;
    if (shown === 0) status.textContent = search ? `No ${config.plural} match “${search}”.` : "";
    else status.textContent = `Showing ${shown} ${noun}${cursor ? " (more available)" : ""}${search ? ` matching “${search}”` : ""}.`;
  }

  function table(items) {
    return h(
      "table",
      { class: "table" },
      h("caption", { id: "list-caption", class: "visually-hidden" }, config.title),
      h("thead", {}, h("tr", {}, config.columns.map((c) => h("th", { scope: "col", class: c.numeric ? "numeric" : null }, c.label)))),
      h("tbody", {}, items.map(row)),
    );
  }

  function row(record) {
    const href = `${config.route}/${record.id}`;
    return h(
      "tr",
      {},
      config.columns.map((column) =>
        column.primary
          ? h("th", { scope: "row", "data-label": column.label }, h("a", { href, class: "row-link" }, column.value(record)))
          : h("td", { "data-label": column.label, class: column.numeric ? "numeric" : null }, column.value(record)),
      ),
    );
  }

  function emptyState() {
    if (search) {
      return h(
        "div",
        { class: "empty" },
        icon("search"),
        h("h2", { class: "empty__title" }, `No ${config.plural} match “${search}”`),
        h("p", {}, "Search looks at the start of the name or the email. Try fewer letters."),
      );
    }
    return h(
      "div",
      { class: "empty" },
      icon(config.singular),
      h("h2", { class: "empty__title" }, config.empty.title),
      h("p", {}, canWrite() ? config.empty.text : `Only staff can add ${config.plural}.`),
      canWrite() ? h("button", { type: "button", class: "button button--primary", onclick: () => openCreateDialog(config, created) }, icon("plus"), `Add a ${config.singular}`) : null,
    );
  }

  function errorState(error) {
    return h(
      "div",
      { class: "empty empty--error" },
      icon("alert"),
      h("h2", { class: "empty__title" }, `Couldn’t load ${config.plural}`),
      h("p", {}, describe(error)),
      h("button", { type: "button", class: "button", onclick: reload }, "Try again"),
    );
  }
}

function skeleton() {
  return h("div", { class: "skeleton", "aria-hidden": "true" }, [1, 2, 3, 4].map(() => h("div", { class: "skeleton__row" })));
}
