// Short confirmations ("Student saved") in a polite live region under the top bar.
// The region takes its own room in the layout, so a message never lies over the
// page's controls; it stays until dismissed (its button, or Escape) or until the
// next page, and a new message replaces the last one.

import { focus, h, icon } from "./dom.js";

export function toast(message, { tone = "success" } = {}) {
  const region = document.getElementById("toasts");
  const close = h(
    "button",
    { type: "button", class: "icon-button toast__close", "aria-label": "Dismiss message", onclick: () => dismiss(item) },
    icon("close"),
  );
  const item = h("div", { class: `toast toast--${tone}` }, h("p", { class: "toast__message" }, message), close);
  item.dataset.page = window.location.hash;
  // A view that navigates right after its confirmation ("deleted", then back to
  // the list) sets the hash in the same task: the message belongs to that page.
  queueMicrotask(() => {
    item.dataset.page = window.location.hash;
  });
  region.replaceChildren(item);
}

function dismiss(item) {
  const hadFocus = item.contains(document.activeElement);
  item.remove();
  if (hadFocus) focus(document.getElementById("main"));
}

function dismissAll() {
  for (const item of document.querySelectorAll("#toasts .toast")) dismiss(item);
}

window.addEventListener("hashchange", () => {
  for (const item of document.querySelectorAll("#toasts .toast")) {
    if (item.dataset.page !== window.location.hash) dismiss(item);
  }
});

document.addEventListener("keydown", (event) => {
  // An open dialog has Escape for itself (it closes first).
  if (event.key !== "Escape" || event.defaultPrevented || document.querySelector("dialog[open]")) return;
  dismissAll();
});
