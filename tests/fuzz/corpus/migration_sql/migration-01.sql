-- retort:revision s1
-- retort:down_revision a1 b1
-- retort:message add things
-- retort:transactional false
-- a plain comment
-- retort:upgrade
CREATE TABLE t (id INTEGER);
-- retort:downgrade
DROP TABLE t;
