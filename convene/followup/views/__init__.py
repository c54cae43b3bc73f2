"""Follow-through pages: thin. Each parses input, calls one service, redirects or re-renders."""
