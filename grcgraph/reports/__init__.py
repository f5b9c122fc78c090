"""Reports people open: workbooks of the gap report, the Statement of Applicability and others."""
