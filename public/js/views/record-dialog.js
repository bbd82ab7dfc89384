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
      const { values, conflicts } = mergeEdits(config.fields, current, form.values(), latest.data);
      current = latest.data;
      currentEtag = latest.etag;
      form.clearErrors();
      form.setValues(values);
      for (const field of conflicts) {
        form.setNote(field.name, `Someone else changed this too, to “${show(latest.data[field.name])}”; your “${show(field.mine)}” was replaced.`);
      }
      const kept = Object.keys(changedFields(config.fields, current, values)).length > 0;
      form.showAlert(loadedMessage(kept, conflicts.map((f) => f.label)));
      onSaved(current, currentEtag, { quiet: true });
    } catch (error) {
      form.showAlert(describe(error));
    }
  }
}

function loadedMessage(kept, conflicted) {
  const start = "Loaded the latest version.";
  if (conflicted.length) return `${start} ${conflicted.join(", ")}: changed by you and by someone else, so theirs is shown; check, then save.`;
  if (kept) return `${start} Your changes to the other fields are kept; save to apply them.`;
  return `${start} Make your changes again, then save.`;
}

/**
 * A three-way merge of the form after a 412: `base` is what the form was opened
 * with, `mine` what it holds now, `theirs` the latest record. A field only I
 * changed keeps my value; any field the server changed takes theirs, and the ones
 * we both changed (differently) are returned in `conflicts`.
 */
function mergeEdits(fields, base, mine, theirs) {
  const values = {};
  const conflicts = [];
  for (const field of fields) {
    const [b, m, t] = [base[field.name], mine[field.name], theirs[field.name]].map(normal);
    const serverChanged = t !== b;
    values[field.name] = serverChanged ? t : m;
    if (serverChanged && m !== b && m !== t) conflicts.push({ name: field.name, label: field.label, mine: m });
  }
  return { values, conflicts };
}

/** Empty and missing are the same value for a form field. */
function normal(value) {
  return value === undefined || value === "" ? null : value;
}

function show(value) {
  return value === null || value === undefined || value === "" ? "(empty)" : String(value);
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
