DROP VIEW users_with_data_version;
DROP VIEW data_version_total;
