"""The audit trail of access to citizens' personal data."""
