"""One report: execute the notebook (papermill), publish HTML and PDF, render end to end."""
