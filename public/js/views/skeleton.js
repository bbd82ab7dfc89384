// The page's outline while it cannot show anything yet (the sign-in configuration
// is on its way): a title, actions and a list, marked busy for assistive technology.

import { pageTitle } from "../brand.js";
import { h, replace } from "../dom.js";

const ROWS = 6;

export function renderSkeleton(main) {
  main.setAttribute("aria-busy", "true");
  document.title = pageTitle("Loading…");
  // The app's name comes with the configuration too (brand.js replaces this).
  replace(document.getElementById("app-name"), h("span", { class: "visually-hidden" }, "Home"), h("span", { class: "skeleton__row skeleton-page__brand", "aria-hidden": "true" }));
  const bar = (kind) => h("div", { class: `skeleton__row skeleton-page__${kind}` });
  replace(
    main,
    h("h1", { class: "visually-hidden" }, "Loading…"),
    h(
      "div",
      { class: "skeleton-page", "aria-hidden": "true" },
      h("div", { class: "page-header" }, bar("title"), bar("action")),
      h("div", { class: "card list-card" }, h("div", { class: "skeleton" }, Array.from({ length: ROWS }, () => bar("line")))),
    ),
  );
}

export function skeletonDone(main) {
  main.removeAttribute("aria-busy");
}
