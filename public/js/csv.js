// CSV files to download: RFC 4180 (CRLF line ends, fields quoted when they hold a
// comma, a quote or a line break), UTF-8 with a byte-order mark so spreadsheet
// programs read accents correctly.

const BOM = "\uFEFF";

function field(value) {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The file's text: a header row, then one row per record. */
export function toCsv(header, rows) {
  return BOM + [header, ...rows].map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";
}

/** Offers the rows as a download named `filename` (for example "students.csv"). */
export function downloadCsv(filename, header, rows) {
  const blob = new Blob([toCsv(header, rows)], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once click() returns; the URL is not needed after.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
