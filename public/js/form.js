// Forms built from field descriptions, with errors shown where they belong: next
// to the field for validation and duplicate-key problems, at the top otherwise.

import { focus, h, icon, replace, uid } from "./dom.js";
import { describe, fieldMessage } from "./messages.js";

/**
 * fields: [{name, label, type, required, hint, options, autocomplete, ...}]
 * Returns the <form> and the functions that drive it.
 */
export function buildForm({ fields, submitLabel, onSubmit, onCancel, idPrefix = "form" }) {
  const alert = h("div", { class: "form-alert", role: "alert", tabindex: "-1", hidden: true });
  const controls = new Map();
  const rows = fields.map((field) => {
    const row = fieldRow(field, idPrefix);
    controls.set(field.name, row);
    return row.element;
  });
  const submit = h("button", { type: "submit", class: "button button--primary" }, submitLabel);
  const actions = h(
    "div",
    { class: "form-actions" },
    onCancel && h("button", { type: "button", class: "button", onclick: onCancel }, "Cancel"),
    submit,
  );
  const form = h("form", { class: "form", novalidate: true }, alert, h("div", { class: "form-fields" }, rows), actions);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    api.clearErrors();
    setBusy(true);
    try {
      await onSubmit(api.values());
    } finally {
      setBusy(false);
    }
  });

  function setBusy(busy) {
    form.setAttribute("aria-busy", String(busy));
    submit.disabled = busy;
  }

  const api = {
    form,
    values() {
      const values = {};
      for (const [name, row] of controls) values[name] = row.read();
      return values;
    },
    setValues(record) {
      for (const [name, row] of controls) row.write(record?.[name]);
    },
    /** A note under a field that is not an error (what a merge did to it); null clears. */
    setNote(name, message) {
      controls.get(name)?.setNote(message);
    },
    clearErrors() {
      alert.hidden = true;
      replace(alert);
      for (const row of controls.values()) {
        row.setError(null);
        row.setNote(null);
      }
    },
    /** Shows a failed request: fields get their messages; anything else goes on top. */
    showError(error, { fieldFor409 } = {}) {
      const unplaced = [];
      let first = null;
      const fieldErrors = error?.status === 422 ? error.fieldErrors : [];
      for (const fieldError of fieldErrors) {
        const row = controls.get(fieldError.field);
        if (!row) {
          unplaced.push(fieldError.msg);
          continue;
        }
        row.setError(fieldMessage(fieldError, row.field));
        first ??= row.control;
      }
      if (error?.status === 409 && fieldFor409 && controls.has(fieldFor409)) {
        const row = controls.get(fieldFor409);
        row.setError(describe(error));
        first = row.control;
      } else if (!first || unplaced.length) {
        api.showAlert(unplaced.length ? `${describe(error)} ${unplaced.join(" ")}` : describe(error));
        if (!first) return;
      }
      focus(first);
    },
    /** A message (and optional action buttons) at the top of the form, focused. */
    showAlert(message, ...actionButtons) {
      replace(alert, icon("alert"), h("div", { class: "form-alert__body" }, h("p", {}, message), actionButtons.length ? h("div", { class: "form-alert__actions" }, actionButtons) : null));
      alert.hidden = false;
      focus(alert);
    },
    focusFirst() {
      focus(controls.values().next().value?.control);
    },
    setBusy,
  };
  return api;
}

function fieldRow(field, idPrefix) {
  const id = `${idPrefix}-${field.name}`;
  const hintId = field.hint ? uid(`${id}-hint`) : null;
  const errorId = `${id}-error`;
  const control = makeControl(field, id);
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  const note = h("p", { class: "field-note", id: `${id}-note`, hidden: true });
  const updateDescribedBy = () => {
    const ids = [hintId, error.hidden ? null : errorId, note.hidden ? null : note.id].filter(Boolean).join(" ");
    if (ids) control.setAttribute("aria-describedby", ids);
    else control.removeAttribute("aria-describedby");
  };
  updateDescribedBy();

  const label = h(
    "label",
    { for: id, class: "field-label" },
    field.label,
    field.required ? null : h("span", { class: "field-optional" }, " (optional)"),
  );
  const element = h(
    "div",
    { class: `field field--${field.type ?? "text"}${field.wide ? " field--wide" : ""}` },
    label,
    field.hint && h("p", { class: "field-hint", id: hintId }, field.hint),
    control,
    error,
    note,
  );
  return {
    field,
    control,
    element,
    read() {
      const raw = control.value.trim();
      if (field.type === "number") return raw === "" ? null : Number(raw);
      return raw === "" ? null : raw;
    },
    write(value) {
      control.value = value ?? "";
    },
    setError(message) {
      element.classList.toggle("field--invalid", Boolean(message));
      error.hidden = !message;
      replace(error, message ? [icon("alert"), h("span", {}, message)] : []);
      if (message) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
      updateDescribedBy();
    },
    setNote(message) {
      element.classList.toggle("field--noted", Boolean(message));
      note.hidden = !message;
      replace(note, message ? [icon("alert"), h("span", {}, message)] : []);
      updateDescribedBy();
    },
  };
}

function makeControl(field, id) {
  const common = {
    id,
    name: field.name,
    required: field.required,
    "aria-required": field.required ? "true" : null,
    autocomplete: field.autocomplete ?? "off",
    class: "input",
  };
  if (field.type === "select") {
    return h(
      "select",
      common,
      field.placeholder !== undefined && h("option", { value: "" }, field.placeholder),
      (field.options ?? []).map(([value, text]) => h("option", { value }, text)),
    );
  }
  return h("input", {
    ...common,
    type: field.type ?? "text",
    inputmode: field.inputmode,
    min: field.min,
    max: field.max,
    maxlength: field.maxlength,
    placeholder: field.placeholder,
    spellcheck: field.spellcheck,
    autocapitalize: field.autocapitalize,
  });
}
