"""How results leave the product: `formats` (CSV, JSON, a text table, XLSX) and `plain` (data text on one line)."""
