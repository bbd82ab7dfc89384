"""Lambda function for S3's ObjectCreated events of import files: read, batch, queue."""

from api_core.init_phase import init_phase

with init_phase():
    from api_core.imports.file_events import make_handler
    from api_core.settings import get_settings

    handler = make_handler(get_settings())
