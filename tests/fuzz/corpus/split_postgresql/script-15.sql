  -- only a comment
  