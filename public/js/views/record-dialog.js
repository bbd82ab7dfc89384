// The create and edit dialogs for any record, driven by its description in resources.js.

import * as api from "../api.js";
import { h } from "../dom.js";
import { openDialog } from "../dialog.js";
import { buildForm } from "../form.js";
import { describe } from "../messages.js";

/** Opens the "New ..." dialog; `onCreated(record)` runs after a successful save. */
export function openCreateDialog(config, onCreated) {
  const ui = openDialog({ title: `New ${config.singular}`, content: [] });
  const form = buildForm({
    fields: config.fields,
    idPrefix: `new-${config.singular}`,
    submitLabel: `Create ${config.singular}`,
    onCancel: () => ui.close(),
    async onSubmit(values) {
      const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null));
      try {
        const { data } = await api.create(config.resource, body);
        ui.close({ restoreFocus: false });
        onCreated(data);
      } catch (error) {
        form.showError(error, { fieldFor409: config.conflictField });
      }
    },
  });
  ui.body.append(form.form);
  form.focusFirst();
}

/**
 * Opens the edit dialog for `record`, read with `etag`. Only changed fields are
 * sent; a 412 means someone else saved first, and the user can load their version.
 */
export function openEditDialog(config, record, etag, onSaved) {
  let current = record;
  let currentEtag = etag;
  const ui = openDialog({ title: `Edit ${config.singular}`, content: [] });
  const form = buildForm({
    fields: config.fields,
    idPrefix: `edit-${config.singular}`,
    submitLabel: "Save changes",
    onCancel: () => ui.close(),
    async onSubmit(values) {
      const changes = changedFields(config.fields, current, values);
      if (Object.keys(changes).length === 0) {
        ui.close();
        return;
      }
      try {
        const saved = await api.update(config.resource, current.id, changes, currentEtag);
        ui.close({ restoreFocus: false });
        onSaved(saved.data, saved.etag);
      } catch (error) {
        if (error.status === 412) offerReload();
        else form.showError(error, { fieldFor409: config.conflictField });
      }
    },
  });
  form.setValues(current);
  ui.body.append(form.form);
  form.focusFirst();

  function offerReload() {
    const reload = h("button", { type: "button", class: "button button--primary", onclick: loadLatest }, "Load the latest version");
    form.showAlert(
      `This ${config.singular} was changed by someone else after you opened it, so your changes were not saved.`,
      reload,
    );
  }

  async function loadLatest() {
    try {
      const latest = await api.get(config.resource, current.id);
      current = latest.data;
      currentEtag = latest.etag;
      form.setValues(current);
      form.showAlert("Loaded the latest version. Make your changes again, then save.");
      onSaved(current, currentEtag, { quiet: true });
    } catch (error) {
      form.showAlert(describe(error));
    }
  }
}

function changedFields(fields, record, values) {
  const changes = {};
  for (const field of fields) {
    let value = values[field.name];
    if (value === null && field.required && field.type !== "number") value = "";
    if ((record[field.name] ?? null) !== value) changes[field.name] = value;
  }
  return changes;
}
