DROP TABLE aspects;
DROP TABLE target_groups;
DROP TABLE themes;
DROP TABLE ministers;
DROP TABLE ministries;
DROP TABLE areas;
DROP TABLE municipalities;
