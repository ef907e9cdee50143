ï»¿-- retort:revision b2
-- retort:down_revision a1
-- retort:branch_labels side
-- retort:depends_on x1 y2
-- retort:lock_timeout 2s
-- retort:statement_timeout 1.5m
-- retort:upgrade
CREATE TABLE sneaky (id INTEGER);
