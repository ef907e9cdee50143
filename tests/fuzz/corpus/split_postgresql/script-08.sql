/* outer /* inner; */ still comment; */ SELECT 1; -- trailing; comment
SELECT 2