SELECT 1;
/* a /* nested */ comment left open
SELECT 2;