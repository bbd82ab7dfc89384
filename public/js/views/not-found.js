// An address that names no page: a way to every section, and back where you came
// from when this tab has been somewhere in the app before.

import { h, icon, replace } from "../dom.js";

/** `sections`: the pages (resources.js PAGES); `canGoBack`: the app was open before this. */
export function renderNotFound(main, { sections, canGoBack }) {
  const back = h("button", { type: "button", class: "button", onclick: () => history.back() }, icon("back"), "Go back");
  replace(
    main,
    h("h1", { class: "page-title not-found__title", tabindex: "-1" }, "Page not found"),
    h(
      "div",
      { class: "card empty" },
      icon("search"),
      h("p", { class: "empty__title" }, "There is nothing at this address."),
      h("p", {}, "It may have been mistyped, or the record it named was deleted."),
      h(
        "nav",
        { class: "not-found__links", "aria-label": "Sections" },
        canGoBack ? back : null,
        sections.map((config) => h("a", { href: config.route, class: "button" }, `Go to ${config.title.toLowerCase()}`)),
      ),
    ),
  );
}
