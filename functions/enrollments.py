"""Lambda function for /api/enrollments and /api/enrollments/{id} (written by `make declare`)."""

from api_core.init_phase import init_phase

with init_phase():
    from api_core.lambda_handler import resource_handler
    from api_core.resources import declared
    from api_core.settings import get_settings

    handler = resource_handler(declared("enrollments"), get_settings())
