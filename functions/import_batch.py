"""Lambda function for the import queue's SQS messages: apply each batch."""

from api_core.init_phase import init_phase

with init_phase():
    from api_core.imports.batch_events import make_handler
    from api_core.settings import get_settings

    handler = make_handler(get_settings())
