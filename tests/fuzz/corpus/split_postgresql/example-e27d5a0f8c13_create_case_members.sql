-- retort:revision e27d5a0f8c13
-- retort:down_revision 9b3f2e61a0c4
-- retort:message create case_members
-- retort:upgrade
CREATE TABLE case_members (
    case_id  BIGINT      NOT NULL,
    user_id  BIGINT      NOT NULL,
    role     VARCHAR(20) NOT NULL DEFAULT 'member',
    added_at TIMESTAMP   NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (case_id, user_id),
    CONSTRAINT fk_case_members_case_id FOREIGN KEY (case_id) REFERENCES cases (id) ON DELETE CASCADE,
    CONSTRAINT fk_case_members_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT ck_case_members_role CHECK (role IN ('lead', 'member', 'viewer'))
);
CREATE INDEX ix_case_members_user_id ON case_members (user_id);
-- retort:downgrade
DROP INDEX ix_case_members_user_id;
DROP TABLE case_members;
