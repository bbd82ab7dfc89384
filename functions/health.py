"""Lambda function for /api/health."""

from api_core import health
from api_core.lambda_handler import make_handler

handler = make_handler(health.router)
