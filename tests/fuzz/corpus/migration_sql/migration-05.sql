-- retort:revision r
CREATE TABLE x (a int);
-- retort:upgrade
