-- retort:revision 0f93c7a5d18e
-- retort:down_revision b6d41f9e2a07
-- retort:message add documents.sha256
-- retort:upgrade
ALTER TABLE documents ADD COLUMN sha256 VARCHAR(64);
CREATE UNIQUE INDEX ux_documents_case_id_sha256 ON documents (case_id, sha256);
-- retort:downgrade
DROP INDEX ux_documents_case_id_sha256;
ALTER TABLE documents DROP COLUMN sha256;
