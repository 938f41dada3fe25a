"""The package builder: a broker's mixed package for one holder, checked against the budget, the
rules and the outcomes. ``rules`` holds the checks; pages and the API call them."""
