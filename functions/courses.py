"""Lambda function for /api/courses and /api/courses/{id}."""

from api_core.lambda_handler import resource_handler
from api_core.resources import COURSES

handler = resource_handler(COURSES)
