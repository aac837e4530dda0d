"""Local fakes of outside services, for tests and development."""
