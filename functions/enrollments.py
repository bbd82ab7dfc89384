"""Lambda function for /api/enrollments and /api/enrollments/{id}."""

from api_core.lambda_handler import resource_handler
from api_core.resources import ENROLLMENTS
from api_core.settings import get_settings

handler = resource_handler(ENROLLMENTS, get_settings())
