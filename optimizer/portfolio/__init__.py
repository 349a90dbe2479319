"""Company portfolios: a company's own lines, its own goals, its retrofits' financials."""
