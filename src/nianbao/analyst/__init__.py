"""The analyst's year: next year's draft, the Excel workbook, highlighted tables, trends."""
