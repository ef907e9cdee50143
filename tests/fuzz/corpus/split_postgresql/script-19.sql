

SELECT E'it\'s;