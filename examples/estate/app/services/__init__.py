"""Business rules for payments and fees."""
