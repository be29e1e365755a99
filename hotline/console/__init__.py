"""The agent console's own data: what it filled in for a ticket, contacts added to an open ticket (催办/补充),
quick phrases and the question templates' editing, and the pickers' lists (departments by pinyin, categories)."""
