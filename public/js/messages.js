// Turns API problems into sentences for people.

/** A validation message from the API (pydantic) in plain words. */
export function fieldMessage({ msg, type }, field = {}) {
  if (type === "missing" || msg?.includes("cannot be null")) return `${field.label ?? "This field"} is required.`;
  if (type === "string_too_short") return `${field.label ?? "This field"} cannot be empty.`;
  if (type === "string_too_long") return capitalise(msg.replace(/^String/, "It")) + ".";
  if (type === "string_pattern_mismatch" && field.formatHint) return field.formatHint;
  if (type?.startsWith("int_") || type === "greater_than_equal" || type === "less_than_equal") {
    return field.formatHint ?? `${capitalise(msg)}.`;
  }
  if (type?.startsWith("date_")) return "Enter a valid date.";
  // "value is not a valid email address: The part after the @-sign is not valid."
  const reason = msg.replace(/^value is not a valid email address: /, "Enter a valid email address. ");
  return capitalise(reason.replace(/^Value error, /, "")).replace(/([^.])$/, "$1.");
}

export function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A one-line explanation of a failed request, for places with no field to point at. */
export function describe(error) {
  if (error?.name === "UploadError") return error.message;
  if (!error || error.name !== "ApiError") return "Something went wrong. Please try again.";
  if (error.status === 0) return "The server cannot be reached. Check your connection and try again.";
  if (error.status === 503) return error.problem?.detail || "The service is unavailable right now. Try again in a moment.";
  if (error.status === 401) return "Your session has ended. Sign in again.";
  if (error.status === 403) return "Only staff can change records.";
  if (error.status === 404) return "This record no longer exists. It may have been deleted.";
  return error.problem.detail || error.message;
}
