"""The Analytics view's parts: the dashboard, its charts, and the data read for them."""
