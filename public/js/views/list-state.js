// What a list showed (its loaded pages, cursor, count and scroll position), kept in
// memory per list (resource, search, sort), so that coming back from a record finds
// the list as it was instead of its first page at the top. Any write the page makes
// drops every copy: a list kept across a change could show a record as it was.

import { changes } from "../api.js";

export const CREATED = "created";
// Older copies are refetched: other people change records too.
const MAX_AGE_MS = 10 * 60 * 1000;

const states = new Map();
const lastUrls = new Map();

changes.addEventListener("changed", () => states.clear());

/** The list's address: #/students, #/students?sort=name&q=ada. */
export function listUrl(config, { q = "", sort = CREATED } = {}) {
  const params = new URLSearchParams();
  if (sort !== CREATED) params.set("sort", sort);
  if (q) params.set("q", q);
  const query = params.toString();
  return query ? `${config.route}?${query}` : config.route;
}

/** Keeps `state` ({items, cursor, total, scrollY}) for the list at `url`. */
export function remember(config, url, state) {
  states.set(url, { ...state, at: Date.now() });
  lastUrls.set(config.resource, url);
}

/** What the list at `url` showed when last left, or null. */
export function recall(url) {
  const state = states.get(url);
  if (state && Date.now() - state.at <= MAX_AGE_MS) return state;
  states.delete(url);
  return null;
}

/** Where "All students" leads: the list as last shown (its search and sort). */
export function lastListUrl(config) {
  return lastUrls.get(config.resource) ?? config.route;
}
