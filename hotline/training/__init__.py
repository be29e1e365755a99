"""Training rows from the platform's own history, for the classifier and the routing model."""
