"""Lambda function for the import queue's SQS messages: apply each batch."""

from api_core.imports.batch_events import make_handler

handler = make_handler()
