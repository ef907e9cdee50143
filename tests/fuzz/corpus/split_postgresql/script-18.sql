SELECT 1;
SELECT $body$ never closed;