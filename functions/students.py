"""Lambda function for /api/students and /api/students/{id}."""

from api_core.lambda_handler import resource_handler
from api_core.resources import STUDENTS
from api_core.settings import get_settings

handler = resource_handler(STUDENTS, get_settings())
