"""Customer statements and back-office exports."""
