"""HTTP blueprints: thin request handling that calls the service layer."""
