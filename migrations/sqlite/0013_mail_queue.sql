-- E-mail (issue 17): messages queued in the transaction of the event that causes them (a
-- reminder, a returned update, updates or a report waiting for review, a published report),
-- sent by the server's sender over SMTP when configured, else read on /admin/outbox.
-- state: pending (waiting for its next_attempt_at) → sending (claimed by one sender: a row in
-- this state is never claimed again, so nothing is sent twice) → sent, or back to pending with
-- a later next_attempt_at after a failure, or failed after the last attempt.
-- topic: what the message is about ("review:round:5"); a pending message of the same topic to
-- the same person is rewritten instead of queued again.
-- link_path: the page the message points to ("/rounds/5"), written after the configured
-- public address when sent.
CREATE TABLE mail_queue (
    id INTEGER PRIMARY KEY,
    recipient TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    municipality_id BIGINT REFERENCES municipalities(id),
    kind TEXT NOT NULL,
    topic TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    link_path TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'pending',
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_at TEXT,
    sent_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX mail_queue_due ON mail_queue(state, next_attempt_at);
CREATE INDEX mail_queue_topic ON mail_queue(recipient, topic, state);
