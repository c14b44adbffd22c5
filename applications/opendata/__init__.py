"""Open data: the public list of operations (CPR Art. 49) and the feed of open calls."""
