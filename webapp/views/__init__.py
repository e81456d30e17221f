"""The site's page blueprints, one module per page family."""
