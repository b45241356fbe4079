"""The example correspondence group of `corrbot demo`: its data, its script, its summary."""
