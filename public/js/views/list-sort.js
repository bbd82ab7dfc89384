// A list's "Sort by" select: creation order ("Date added") and the orders the API
// declares for the resource. Off during a search: the API answers a search in
// creation order only.

import { h } from "../dom.js";
import { capitalise } from "../messages.js";
import { CREATED } from "./list-state.js";

/** {field, update(order, searching)}; `onChange(order)` when the user picks one. */
export function sortSelect(config, sorts, onChange) {
  const id = `${config.resource}-sort`;
  const hintId = `${id}-hint`;
  const label = (name) => (name === CREATED ? "Date added" : `${capitalise(name)} (A–Z)`);
  const select = h(
    "select",
    { id, class: "input", onchange: () => onChange(select.value) },
    [CREATED, ...sorts].map((name) => h("option", { value: name }, label(name))),
  );
  const hint = h("p", { id: hintId, class: "field-hint" }, "Search results are listed by date added.");
  const field = h("div", { class: "list-sort" }, h("label", { for: id, class: "field-label" }, "Sort by"), select, hint);

  function update(order, searching) {
    select.value = searching ? CREATED : order;
    select.disabled = searching;
    hint.hidden = !searching;
    if (searching) select.setAttribute("aria-describedby", hintId);
    else select.removeAttribute("aria-describedby");
  }

  return { field, update };
}
