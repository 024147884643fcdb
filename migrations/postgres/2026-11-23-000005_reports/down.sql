DROP TABLE report_files;
DROP TABLE reports;
DROP TABLE period_signoffs;
