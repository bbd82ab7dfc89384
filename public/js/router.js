// Hash routes, so the static host needs no rewrite rules: #/students, #/students/<id>,
// #/courses, #/courses/<id>.

import { pageTitle } from "./brand.js";
import { STUDENTS, COURSES } from "./resources.js";
import { renderList } from "./views/list.js";
import { renderDetail } from "./views/detail.js";
import { courseRoster, studentEnrollments } from "./views/enrollments.js";
import { renderNotFound } from "./views/not-found.js";

const ROUTES = [
  { pattern: /^\/?$/, section: "students", view: (main, _m, params) => renderList(main, STUDENTS, params) },
  { pattern: /^\/students$/, section: "students", view: (main, _m, params) => renderList(main, STUDENTS, params) },
  { pattern: /^\/students\/([^/]+)$/, section: "students", view: (main, m) => renderDetail(main, STUDENTS, m[1], { panel: studentEnrollments }) },
  { pattern: /^\/courses$/, section: "courses", view: (main, _m, params) => renderList(main, COURSES, params) },
  { pattern: /^\/courses\/([^/]+)$/, section: "courses", view: (main, m) => renderDetail(main, COURSES, m[1], { panel: courseRoster }) },
];

const TITLES = { students: "Students", courses: "Courses" };

let cleanup = null;

export function startRouter(main) {
  const onHashChange = () => show(main, true);
  window.addEventListener("hashchange", onHashChange);
  // Signed out (auth.js): stop showing records; signing in again reloads the page.
  window.addEventListener(
    "app:signed-out",
    () => {
      window.removeEventListener("hashchange", onHashChange);
      cleanup?.();
      cleanup = null;
    },
    { once: true },
  );
  show(main, false);
}

function show(main, moveFocus) {
  const [path, search = ""] = window.location.hash.replace(/^#/, "").split("?");
  const params = Object.fromEntries(new URLSearchParams(search));
  cleanup?.();
  cleanup = null;
  const route = ROUTES.find((r) => r.pattern.test(path));
  for (const link of document.querySelectorAll("[data-section]")) {
    if (route && link.dataset.section === route.section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = pageTitle(route ? TITLES[route.section] : "Not found");
  if (route) cleanup = route.view(main, path.match(route.pattern), { query: params.q ?? "" }) ?? null;
  else renderNotFound(main);
  window.scrollTo(0, 0);
  // After a navigation, start reading (and tabbing) from the new page's heading.
  if (moveFocus) main.querySelector("h1")?.focus();
}
