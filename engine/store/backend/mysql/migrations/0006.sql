-- When a delivery left for its peer (the HTTP request written, the SMTP transfer begun): a lease
-- that expires on an attempt that never left is not a stall and not an attempt.
ALTER TABLE attempts ADD COLUMN reached_at BIGINT;
