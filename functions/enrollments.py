"""Lambda function for /api/enrollments and /api/enrollments/{id}."""

from api_core.lambda_handler import resource_handler
from api_core.resources import ENROLLMENTS

handler = resource_handler(ENROLLMENTS)
