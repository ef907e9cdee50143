  
-- nothing
