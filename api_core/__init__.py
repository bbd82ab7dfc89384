"""The student-records API: one package, served as Lambda functions or by uvicorn."""
