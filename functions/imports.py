"""Lambda function for /api/imports and /api/imports/{id}: start an import, follow it."""

from api_core.init_phase import init_phase

with init_phase():
    from api_core.imports.router import router
    from api_core.lambda_handler import make_handler
    from api_core.settings import get_settings

    handler = make_handler(get_settings(), router)
