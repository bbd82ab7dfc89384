"""The development harness: what `make run`, `make seed`, the tests and the benchmarks
start or build, and never the app.

A MongoDB-wire server on a free port (wire_server), the app under uvicorn
(app_server), a stand-in OpenID Connect provider (oidc_issuer), S3 and SQS on moto
(aws), Lambda events from real samples (events/, events.py, aws_events.py), a fake
Lambda context, test data builders and the demo school.

It lives here, not under tests/ or bench/, so that both can import it without
importing each other, and `python -m api_core.devtools.<module>` works wherever the
project is installed. The app never imports it (tests/unit/test_module_boundaries.py
checks), no Lambda package holds it (the Makefile's lambda-function rule leaves it
out; tests/deploy/test_build.py checks), and what it needs beyond the runtime
dependencies comes with the `run` extra (wire server) or the `dev` extra (moto, PyJWT).
"""
