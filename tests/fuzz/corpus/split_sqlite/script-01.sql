CREATE TABLE a (x TEXT DEFAULT ';');
-- a comment; with a semicolon
INSERT INTO a VALUES ('it''s; fine');
/* block; comment */
CREATE TRIGGER t AFTER INSERT ON a BEGIN
  UPDATE a SET x = 'y';
  DELETE FROM a WHERE x = 'z';
END;
-- only a comment at the end
