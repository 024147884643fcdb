DROP TABLE audit_log;
DROP TABLE revoked_access_tokens;
DROP TABLE api_tokens;
DROP TABLE refresh_tokens;
DROP TABLE users;
