/*!40101 SET @saved_cs_client = @@character_set_client */;
CREATE TABLE notes (id INT PRIMARY KEY, body TEXT, seen INT NOT NULL DEFAULT 0) ENGINE=InnoDB;
# a comment; with a semicolon
DELIMITER //
CREATE TRIGGER notes_seen BEFORE INSERT ON notes FOR EACH ROW
BEGIN
  SET NEW.seen = NEW.seen + 1;
  SET NEW.body = CONCAT(NEW.body, ' -- kept; \'quoted\'');
END //
DELIMITER ;
INSERT INTO notes (id, body) VALUES (1, 'hi');
