"""Hot issues over the live tickets: the window's enriched tickets clustered per district."""
