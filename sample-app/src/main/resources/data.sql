INSERT INTO account (id, owner, balance) VALUES
	(1, 'Ada', 1000.00),
	(2, 'Grace', 500.00),
	(3, 'Linus', 250.00),
	(4, 'Barbara', 0.00)
ON CONFLICT (id) DO NOTHING;
