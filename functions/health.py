"""Lambda function for /api/health and /api/auth/config (both public)."""

from api_core import auth, health
from api_core.lambda_handler import make_handler

handler = make_handler(health.router, auth.config_router)
