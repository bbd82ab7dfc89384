// A list page for any resource: search (when the API offers it), the orders it
// declares, how many records match, "load more" paging with the API's cursor, CSV
// export, and the "New ..." and "Import" dialogs. Coming back to a list shows it as
// it was left (list-state.js).

import * as api from "../api.js";
import { canWrite } from "../auth.js";
import { focus, h, icon, replace } from "../dom.js";
import { capitalise, describe } from "../messages.js";
import { toast } from "../toast.js";
import { IMPORT_KINDS } from "../resources.js";
import { openImportDialog } from "./import-dialog.js";
import { exportList } from "./list-export.js";
import { sortSelect } from "./list-sort.js";
import { CREATED, listUrl, recall, remember } from "./list-state.js";
import { openCreateDialog } from "./record-dialog.js";

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 250;
const number = new Intl.NumberFormat();

export function renderList(main, config, { query = "", sort = CREATED } = {}) {
  const sorts = config.sorts ?? [];
  let items = [];
  let cursor = null;
  let total = null;
  let search = query;
  let order = sorts.includes(sort) ? sort : CREATED;
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
  const exportButton = h("button", { type: "button", class: "button", onclick: exportCsv }, "Export CSV");
  const heading = h("h1", { class: "page-title", tabindex: "-1" }, config.title);
  const count = h("p", { class: "page-subtitle list-count" });
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
        changed();
      }, SEARCH_DELAY_MS);
    });
    searchBox = h(
      "div",
      { class: "search", role: "search" },
      h("label", { for: input.id, class: "field-label" }, config.searchLabel),
      h("div", { class: "search__box" }, icon("search"), input),
    );
  }

  const sorter = sorts.length ? sortSelect(config, sorts, (picked) => ((order = picked), changed())) : null;
  sorter?.update(order, Boolean(search));
  const actions = [exportButton, ...(canWrite() ? [IMPORT_KINDS[config.resource] ? importButton : null, newButton] : [])];

  replace(
    main,
    h("header", { class: "page-header" }, h("div", {}, heading, count), h("div", { class: "page-actions list-actions" }, actions)),
    h(
      "section",
      { class: "card list-card", "aria-label": `${config.title} list` },
      searchBox || sorter ? h("div", { class: "list-tools" }, searchBox, sorter?.field) : null,
      status,
      results,
      h("div", { class: "list-footer" }, more),
    ),
  );

  window.addEventListener("app:reconnected", retryIfFailed);
  const saved = recall(here());
  if (saved) restore(saved);
  else reload();
  return () => {
    window.removeEventListener("app:reconnected", retryIfFailed);
    // Left for a record (or another page): keep what is on screen for the way back.
    if (!failed && !inFlight && items.length) remember(config, here(), { items, cursor, total, scrollY: window.scrollY });
  };

  /** The order the API is asked for: a search comes in creation order (the API's rule). */
  function effectiveSort() {
    return search ? CREATED : order;
  }

  function here() {
    return listUrl(config, { q: search, sort: order });
  }

  function changed() {
    history.replaceState(null, "", new URL(here(), window.location.href));
    sorter?.update(order, Boolean(search));
    reload();
  }

  function restore(state) {
    items = state.items;
    cursor = state.cursor;
    total = state.total;
    replace(results, table(items));
    showCounts();
    window.scrollTo(0, state.scrollY);
  }

  function retryIfFailed() {
    if (failed) reload();
  }

  function created(record) {
    toast(`${capitalise(config.singular)} “${config.recordTitle(record)}” created.`);
    window.location.hash = `${config.route}/${record.id}`;
  }

  async function reload() {
    cursor = null;
    items = [];
    total = null;
    results.setAttribute("aria-busy", "true");
    replace(results, skeleton());
    more.hidden = true;
    status.textContent = "Loading…";
    const page = await fetchPage();
    if (!page) return;
    replace(results, page.items.length === 0 ? emptyState() : table(page.items));
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
      const page = await api.list(config.resource, {
        ...filters(),
        count: cursor ? undefined : "true", // the first page says how many match in all
        cursor,
        limit: PAGE_SIZE,
        signal: controller.signal,
      });
      failed = false;
      return page;
    } catch (error) {
      if (error.name === "AbortError") return null;
      failed = true;
      if (items.length === 0) replace(results, errorState(error));
      status.textContent = items.length === 0 ? "" : describe(error);
      results.setAttribute("aria-busy", "false");
      return null;
    } finally {
      if (inFlight === controller) inFlight = null;
    }
  }

  function filters() {
    const sort = effectiveSort();
    return { ...(config.searchable && search ? { q: search } : {}), ...(sort === CREATED ? {} : { sort }) };
  }

  function finishPage(page) {
    items = [...items, ...page.items];
    cursor = page.next_cursor;
    if (page.total !== undefined) total = page.total;
    showCounts();
  }

  function showCounts() {
    const shown = items.length;
    more.hidden = !cursor;
    results.setAttribute("aria-busy", "false");
    const noun = (n) => (n === 1 ? config.singular : config.plural);
    const matching = search ? ` matching “${search}”` : "";
    // None: the empty state below says so already.
    count.textContent = total ? `${number.format(total)} ${noun(total)}${matching}` : "";
    if (shown === 0) status.textContent = search ? `No ${config.plural} match “${search}”.` : "";
    else if (total !== null && cursor) status.textContent = `Showing ${number.format(shown)} of ${number.format(total)} ${noun(total)}${matching}.`;
    else status.textContent = `Showing ${shown} ${noun(shown)}${cursor ? " (more available)" : ""}${matching}.`;
  }

  async function exportCsv() {
    exportButton.disabled = true;
    const of = total === null ? "" : ` of ${number.format(total)}`;
    try {
      const exported = await exportList(config, filters(), (n) => {
        exportButton.textContent = `Exporting… ${number.format(n)}${of}`;
      });
      toast(`Exported ${number.format(exported)} ${exported === 1 ? config.singular : config.plural} to ${config.resource}.csv.`);
    } catch (error) {
      status.textContent = `Export failed: ${describe(error)}`;
    } finally {
      exportButton.disabled = false;
      exportButton.textContent = "Export CSV";
    }
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
        h("p", {}, `Search matches the start of any word of the ${config.searchLabel.replace(/^Search by /, "")}. Try fewer letters.`),
      );
    }
    return h(
      "div",
      { class: "empty" },
      icon(config.singular),
      h("h2", { class: "empty__title" }, config.empty.title),
      h("p", {}, canWrite() ? config.empty.text : `Only staff can add ${config.plural}.`),
      canWrite() ? h("button", { type: "button", class: "button button--primary", onclick: () => openCreateDialog(config, created) }, icon("plus"), `Add ${/^[aeiou]/i.test(config.singular) ? "an" : "a"} ${config.singular}`) : null,
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
