"""Bulk import: CSV files of students, courses or enrollments, written by the API's own rules.

The same steps run on AWS and locally; only what carries the batches differs:

- `csv_rows`: a file's rows, checked against the kind's columns (UTF-8, BOM or not,
  RFC 4180 quoting), each with its line number.
- `kinds`: what each kind of file holds, and a row as the API's create model.
- `batches`: a batch of rows applied with `Repository.put` (so uniqueness, references
  and claims are the API's), and its outcome recorded once, however often it arrives.
- `records`: the import itself, the record `GET /api/imports/{id}` reports.
- `local`: an import run in this process, batch by batch (make run, the CLI).
- `router`: `POST /api/imports`, `GET /api/imports/{id}`, and the local upload.

`python -m api_core.imports KIND FILE.csv` runs one from a shell.
"""
