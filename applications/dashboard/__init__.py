"""The managers' dashboard: budgets, pipeline, consortia, actions and ERDF indicators."""
