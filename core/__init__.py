"""The shared kernel every app uses: row-level scope, page access, dates, paging, Excel reading and
writing, importing, and the signals that announce writes. It imports no app of the project."""
