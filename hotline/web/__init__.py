"""The web workspaces: server-rendered pages whose scripts call the JSON API with the staff session cookie."""
