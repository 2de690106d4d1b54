"""What a report is: the official format declared once, the report model and its loader."""
