DROP TABLE report_periods;
