"""PIMEX individual coaching after the grant: group sessions, tutorials, SWOT, action plan, survey.

See docs/pimex.md. Reads are in selectors, writes and the completion check in services.
"""
