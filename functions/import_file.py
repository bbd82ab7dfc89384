"""Lambda function for S3's ObjectCreated events of import files: read, batch, queue."""

from api_core.imports.file_events import make_handler

handler = make_handler()
