"""The desktop interface: the only package that imports Qt; it calls the services with a Session."""
