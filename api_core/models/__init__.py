"""Input, update and output models, one module per resource."""
