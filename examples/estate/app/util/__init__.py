"""Small helpers shared by the blueprints."""
