import { h, replace } from "../dom.js";

export function renderNotFound(main) {
  replace(
    main,
    h("h1", { class: "page-title", tabindex: "-1" }, "Page not found"),
    h("div", { class: "card empty" }, h("p", {}, "There is nothing at this address."), h("a", { href: "#/students", class: "button" }, "Go to students")),
  );
}
