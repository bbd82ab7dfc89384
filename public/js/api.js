// Every request the page makes goes through this module, so that auth (the bearer
// token) and the "database unavailable" signal live in one place. The one request
// that may go elsewhere is an import's upload (uploadImportFile).

const BASE = "/api";

let bearerToken = null;

/** Sets (or clears, with null) the token sent as `Authorization: Bearer ...`. */
export function setToken(token) {
  bearerToken = token;
}

/** Fires "unavailable" (detail: {retryAfter, reason: "database" | "offline"}) and "available". */
export const connection = new EventTarget();

/** Fires "changed" after every successful write (any method but GET), so copies of lists can be dropped. */
export const changes = new EventTarget();

/** Fires "unauthorized" when the API answers 401: the token is missing, invalid or expired. */
export const session = new EventTarget();

/** A failed request; `problem` is the RFC 9457 body when the API sent one. */
export class ApiError extends Error {
  constructor(status, problem, retryAfter = null) {
    super(problem?.detail || problem?.title || `Request failed (${status})`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem ?? {};
    this.retryAfter = retryAfter;
  }

  /** Validation errors as [{field, msg, type}], for fields of the request body. */
  get fieldErrors() {
    return (this.problem.errors ?? []).map((e) => ({
      field: e.loc?.[0] === "body" ? e.loc.slice(1).join(".") : null,
      msg: e.msg,
      type: e.type,
    }));
  }
}

async function request(method, path, { query, body, etag, signal } = {}) {
  const url = new URL(BASE + path, window.location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (etag) headers["If-Match"] = etag;
  return send(method, url, { headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
}

/** One request to the API (never another origin: it carries the token). */
async function send(method, url, { headers, body, signal }) {
  headers = { Accept: "application/json, application/problem+json", ...headers };
  if (bearerToken) headers.Authorization = `Bearer ${bearerToken}`;

  let response;
  try {
    response = await fetch(url, { method, headers, body, signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    const problem = { title: "Offline", detail: "The server cannot be reached. Check your connection." };
    connection.dispatchEvent(new CustomEvent("unavailable", { detail: { retryAfter: 5, reason: "offline" } }));
    throw new ApiError(0, problem);
  }

  const type = response.headers.get("Content-Type") ?? "";
  const data = response.status === 204 || !type.includes("json") ? null : await response.json();
  if (response.status === 503) {
    const retryAfter = Number(response.headers.get("Retry-After")) || 5;
    const reason = data?.type === "/problems/identity-provider-unavailable" ? "sign-in" : "database";
    connection.dispatchEvent(new CustomEvent("unavailable", { detail: { retryAfter, reason } }));
    throw new ApiError(503, data, retryAfter);
  }
  connection.dispatchEvent(new Event("available"));
  if (response.status === 401) session.dispatchEvent(new CustomEvent("unauthorized", { detail: { problem: data } }));
  if (!response.ok) throw new ApiError(response.status, data);
  if (method !== "GET") changes.dispatchEvent(new Event("changed"));
  return { data, etag: response.headers.get("ETag") };
}

/** The ETag the API gives a record (its quoted version), for records read from a list. */
export function etagOf(record) {
  return `"${record.version}"`;
}

/** One page: {items, next_cursor}. `filters` are extra query parameters (q, student_id...). */
export async function list(resource, { cursor, limit = 20, signal, ...filters } = {}) {
  const { data } = await request("GET", `/${resource}`, { query: { ...filters, cursor, limit }, signal });
  return data;
}

/** Every page, for short lists such as the course picker; stops after `max` items. */
export async function listAll(resource, filters = {}, max = 1000) {
  const items = [];
  let cursor = null;
  do {
    const page = await list(resource, { ...filters, cursor, limit: 100 });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}

/** {data, etag} for one record. */
export function get(resource, id) {
  return request("GET", `/${resource}/${encodeURIComponent(id)}`);
}

/** A student's transcript: per term the courses, credits and GPAs (one request). */
export async function transcript(studentId) {
  const { data } = await request("GET", `/students/${encodeURIComponent(studentId)}/transcript`);
  return data;
}

export function create(resource, body) {
  return request("POST", `/${resource}`, { body });
}

/** Changes only the fields in `changes`; fails with 412 when `etag` is stale. */
export function update(resource, id, changes, etag) {
  return request("PATCH", `/${resource}/${encodeURIComponent(id)}`, { body: changes, etag });
}

export function remove(resource, id, etag) {
  return request("DELETE", `/${resource}/${encodeURIComponent(id)}`, { etag });
}

/** A page of a course's roster: {term, terms, items, next_cursor}; `term` may be "latest". */
export async function roster(courseId, { term, cursor, limit } = {}) {
  const { data } = await request("GET", `/courses/${encodeURIComponent(courseId)}/roster`, { query: { term, cursor, limit } });
  return data;
}

/** Sets many grades of a course at once, each row checked against its version: {results, saved}. */
export async function gradeRoster(courseId, grades) {
  const { data } = await request("PATCH", `/courses/${encodeURIComponent(courseId)}/roster`, { body: { grades } });
  return data;
}

/** A new import of `kind` ("students", "courses", "enrollments"): its record, with `upload`. */
export async function startImport(kind, fileName) {
  const { data } = await request("POST", "/imports", { body: { kind, file_name: fileName.slice(0, 255) } });
  return data;
}

/**
 * Sends an import's file as its `upload` says: one request with the file as its body.
 * Locally that is the API itself, which needs the token; on AWS it is a presigned URL
 * on another origin (S3), which must never see it.
 */
export async function uploadImportFile(upload, file) {
  const url = new URL(upload.url, window.location.origin);
  if (url.origin === window.location.origin) {
    await send(upload.method, url, { headers: upload.headers, body: file });
    return;
  }
  let response;
  try {
    response = await fetch(url, { method: upload.method, headers: upload.headers, body: file, credentials: "omit" });
  } catch {
    throw new UploadError("The file could not be sent to the storage service. Check your connection, then start the import again.");
  }
  if (!response.ok) {
    throw new UploadError(`The storage service refused the file (HTTP ${response.status}). Start the import again.`);
  }
}

/** Sending an import's file to another origin failed; its message is for people. */
export class UploadError extends Error {
  constructor(message) {
    super(message);
    this.name = "UploadError";
  }
}

/** An import's progress and report: {status, rows_total, rows_done, rows_failed, failures, error}. */
export async function getImport(id, { signal } = {}) {
  const { data } = await request("GET", `/imports/${encodeURIComponent(id)}`, { signal });
  return data;
}

/** How the page signs in: {enabled: false}, or the provider's client id and URLs. */
export async function authConfig() {
  const { data } = await request("GET", "/auth/config");
  return data;
}

export function health() {
  return request("GET", "/health");
}
