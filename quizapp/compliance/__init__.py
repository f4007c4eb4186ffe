"""Compliance: the status of each person x required course as at any day (asat, cells, status), the DSL matrix and
its summary, a person's drill-down, the chart and the CSV/XLSX exports."""
