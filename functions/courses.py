"""Lambda function for /api/courses and /api/courses/{id}."""

from api_core.lambda_handler import resource_handler
from api_core.resources import COURSES
from api_core.settings import get_settings

handler = resource_handler(COURSES, get_settings())
