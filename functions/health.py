"""Lambda function for /api/health and /api/auth/config (both public)."""

from api_core.init_phase import init_phase

with init_phase():
    from api_core import auth, health
    from api_core.lambda_handler import make_handler
    from api_core.settings import get_settings

    handler = make_handler(get_settings(), health.router, auth.config_router)
