-- Personal API tokens (issue 14): a token of a user acts with that user's rights as they are
-- at each request (no grant of its own), so a personal token has user_id and no role; a
-- machine's token has a role grant and no user_id.
ALTER TABLE api_tokens ALTER COLUMN role DROP NOT NULL;
ALTER TABLE api_tokens ALTER COLUMN scope_kind DROP NOT NULL;
ALTER TABLE api_tokens ALTER COLUMN scope_key DROP NOT NULL;
ALTER TABLE api_tokens ADD COLUMN user_id BIGINT REFERENCES users(id);
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_owner CHECK ((user_id IS NULL) = (role IS NOT NULL));
CREATE INDEX api_tokens_user ON api_tokens(user_id);
