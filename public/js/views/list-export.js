// "Export CSV": every record of the current list (its search and sort), following
// the API's cursors a hundred at a time, not only the pages on screen. Columns are
// the list's own.

import * as api from "../api.js";
import { downloadCsv } from "../csv.js";

const EXPORT_PAGE_SIZE = 100; // the API's largest page

/** Downloads `<resource>.csv`; `progress(count)` after each page. Resolves to the count. */
export async function exportList(config, filters, progress = () => {}) {
  const rows = [];
  let cursor = null;
  do {
    const page = await api.list(config.resource, { ...filters, cursor, limit: EXPORT_PAGE_SIZE });
    rows.push(...page.items.map((record) => config.columns.map((column) => (column.csv ?? column.value)(record))));
    cursor = page.next_cursor;
    progress(rows.length);
  } while (cursor);
  downloadCsv(`${config.resource}.csv`, config.columns.map((column) => column.label), rows);
  return rows.length;
}
