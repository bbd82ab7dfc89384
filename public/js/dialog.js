// Modal dialogs on the native <dialog> element: it traps focus, closes on Escape
// and makes the rest of the page inert. Focus returns to where it came from.

import { focus, h, icon, replace, uid } from "./dom.js";
import { describe } from "./messages.js";

/** Opens a modal with a heading and `content`; returns {dialog, body, close}. */
export function openDialog({ title, content, size = "medium", onClose }) {
  const opener = document.activeElement;
  const titleId = uid("dialog-title");
  const body = h("div", { class: "dialog__body" }, content);
  const closeButton = h(
    "button",
    { type: "button", class: "icon-button dialog__close", "aria-label": "Close", onclick: () => close() },
    icon("close"),
  );
  const dialog = h(
    "dialog",
    { class: `dialog dialog--${size}`, "aria-labelledby": titleId },
    h("header", { class: "dialog__header" }, h("h2", { id: titleId, class: "dialog__title" }, title), closeButton),
    body,
  );
  let returnFocus = true;
  dialog.addEventListener("close", () => {
    dialog.remove();
    onClose?.();
    if (returnFocus && opener?.isConnected) focus(opener);
  });
  document.body.append(dialog);
  dialog.showModal();

  function close({ restoreFocus = true } = {}) {
    returnFocus = restoreFocus;
    if (dialog.open) dialog.close();
  }
  return { dialog, body, close };
}

/**
 * Asks before doing something that cannot be undone. `action` runs on confirm;
 * if it fails, the reason is shown in the dialog. Resolves true once it succeeded.
 */
export function confirmDialog({ title, message, confirmLabel, action, explain = explainRefusal }) {
  return new Promise((resolve) => {
    let done = false;
    const status = h("div", { class: "form-alert", role: "alert", tabindex: "-1", hidden: true });
    const cancel = h("button", { type: "button", class: "button", onclick: () => ui.close() }, "Cancel");
    const confirm = h("button", { type: "button", class: "button button--danger", onclick: run }, confirmLabel);
    const ui = openDialog({
      title,
      size: "small",
      content: [h("p", { class: "dialog__message" }, message), status, h("div", { class: "form-actions" }, cancel, confirm)],
      onClose: () => resolve(done),
    });
    cancel.focus(); // the safe choice is the default

    async function run() {
      confirm.disabled = true;
      confirm.setAttribute("aria-busy", "true");
      try {
        await action();
        done = true;
        ui.close({ restoreFocus: false });
      } catch (error) {
        replace(status, icon("alert"), h("div", { class: "form-alert__body" }, h("p", {}, explain(error))));
        status.hidden = false;
        confirm.remove();
        cancel.textContent = "Close";
        focus(status);
      }
    }
  });
}

function explainRefusal(error) {
  if (error?.status === 412) return "This record changed since you opened it. Close this, review the latest version and try again.";
  return describe(error);
}
