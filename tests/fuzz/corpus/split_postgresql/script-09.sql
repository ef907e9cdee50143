CREATE TABLE t (a int DEFAULT 1 -- refreshed periodically
);
SELECT 2 -- note
;