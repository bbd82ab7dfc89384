// A tiny element builder. Children that are strings become text nodes, so user
// data is never parsed as HTML.

/**
 * h("a", {href: "#/x", class: "link", onclick: fn}, "text", otherNode)
 * Props starting with "on" become listeners; true/false toggle boolean attributes.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      element.className = value;
    } else if (key === "value" || key === "checked" || key === "selected") {
      element[key] = value;
    } else {
      element.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces every child of `element`. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** An inline SVG icon from the sprite in index.html. */
export function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const use = document.createElementNS("http://www.w3.org/2000/svg", "use");
  use.setAttribute("href", `#icon-${name}`);
  svg.append(use);
  return svg;
}

/** Moves focus to `element` without scrolling it out of view or keeping a ring on click. */
export function focus(element) {
  if (!element) return;
  if (!element.hasAttribute("tabindex") && !isFocusable(element)) element.setAttribute("tabindex", "-1");
  element.focus();
}

function isFocusable(element) {
  return element.matches("a[href], button, input, select, textarea, [tabindex]");
}

let nextId = 0;
/** A page-unique id with a readable prefix. */
export function uid(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}
