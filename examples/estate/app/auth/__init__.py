"""Customer authentication: passwords, one-time passcodes and API tokens."""
