// Short confirmations ("Student saved") in a polite live region.

import { h } from "./dom.js";

const DURATION_MS = 5000;

export function toast(message, { tone = "success" } = {}) {
  const region = document.getElementById("toasts");
  const item = h("div", { class: `toast toast--${tone}` }, message);
  region.append(item);
  setTimeout(() => item.remove(), DURATION_MS);
}
