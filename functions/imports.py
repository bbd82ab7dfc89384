"""Lambda function for /api/imports and /api/imports/{id}: start an import, follow it."""

from api_core.imports.router import router
from api_core.lambda_handler import make_handler

handler = make_handler(router)
