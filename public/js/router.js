// Hash routes, so the static host needs no rewrite rules: #/<resource> and
// #/<resource>/<id> for each resource with a page (PAGES); #/ is the first one.

import { pageTitle } from "./brand.js";
import { PAGES } from "./resources.js";
import { renderList } from "./views/list.js";
import { renderDetail } from "./views/detail.js";
import { studentEnrollments } from "./views/enrollments.js";
import { courseRoster } from "./views/roster.js";
import { renderNotFound } from "./views/not-found.js";
import { withTranscript } from "./views/transcript.js";

// What a record's page shows below its details, where there is more to show.
const PANELS = { students: withTranscript(studentEnrollments), courses: courseRoster };

const ROUTES = PAGES.flatMap((config, n) => {
  const section = config.resource;
  const list = (main, _m, params) => renderList(main, config, params);
  return [
    ...(n === 0 ? [{ pattern: /^\/?$/, section, view: list }] : []),
    { pattern: new RegExp(`^/${section}$`), section, view: list },
    { pattern: new RegExp(`^/${section}/([^/]+)$`), section, view: (main, m) => renderDetail(main, config, m[1], { panel: PANELS[section] }) },
  ];
});

const TITLES = Object.fromEntries(PAGES.map((config) => [config.resource, config.title]));

/** A link in the main navigation for each page index.html does not link already. */
function addNavLinks() {
  const nav = document.querySelector("nav.nav");
  for (const config of PAGES) {
    if (nav && !nav.querySelector(`[data-section="${config.resource}"]`)) {
      const link = document.createElement("a");
      link.href = config.route;
      link.dataset.section = config.resource;
      link.textContent = config.title;
      nav.append(link);
    }
  }
}

let cleanup = null;

export function startRouter(main) {
  addNavLinks();
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
  // Before the view: a list coming back to where it was left scrolls there itself.
  window.scrollTo(0, 0);
  if (route) cleanup = route.view(main, path.match(route.pattern), { query: params.q ?? "", sort: params.sort }) ?? null;
  else renderNotFound(main, { sections: PAGES, canGoBack: moveFocus });
  // After a navigation, start reading (and tabbing) from the new page's heading.
  if (moveFocus) main.querySelector("h1")?.focus({ preventScroll: true });
}
